/* prlimit64(2) */
#include "t.h"
#include <sys/resource.h>

struct rl64 {
    unsigned long long cur, max;
};

static long prl(pid_t pid, int res, const struct rl64 *n, struct rl64 *o) { return syscall(SYS_prlimit64, pid, res, n, o); }

int main(void)
{
    struct rl64 a, b, n;
    CHECK("get NOFILE", prl(0, RLIMIT_NOFILE, NULL, &a));
    EXPECT("cur <= max", a.cur <= a.max);
    CHECK("get NOFILE by own pid", prl(getpid(), RLIMIT_NOFILE, NULL, &b));
    EXPECT("same as pid 0", a.cur == b.cur && a.max == b.max);
    struct rlimit g;
    getrlimit(RLIMIT_NOFILE, &g);
    EXPECT("getrlimit agrees", g.rlim_cur == a.cur && g.rlim_max == a.max);

    n.cur = 50;
    n.max = a.max;
    CHECK("set NOFILE soft 50", prl(0, RLIMIT_NOFILE, &n, &b));
    EXPECT("old value returned", b.cur == a.cur && b.max == a.max);
    prl(0, RLIMIT_NOFILE, NULL, &b);
    printf("NOFILE soft now: %llu\n", b.cur);
    int last = -1, fd;
    while ((fd = dup(0)) >= 0)
        last = fd;
    printf("highest fd: %d, then %s\n", last, errname(errno));
    for (int i = 3; i <= last; i++)
        close(i);
    CHECK("open beyond limit via F_DUPFD", fcntl(0, F_DUPFD, 50));

    n.cur = a.max;
    n.max = a.max;
    if (a.max != RLIM_INFINITY) {
        n.cur = n.max + 1;
        CHECK("soft > hard", prl(0, RLIMIT_NOFILE, &n, NULL));
    } else {
        printf("soft > hard: ret=-1 errno=EINVAL\n");
    }
    n.cur = 10;
    n.max = 5;
    CHECK("soft > new hard", prl(0, RLIMIT_NOFILE, &n, NULL));
    CHECK("invalid resource", prl(0, 100, NULL, &b));
    CHECK("invalid resource -1", prl(0, -1, NULL, &b));
    CHECK("no such pid", prl(0x3ffffff0, RLIMIT_NOFILE, NULL, &b));
    CHECK("NULL both", prl(0, RLIMIT_NOFILE, NULL, NULL));
    CHECK("0x1 old", prl(0, RLIMIT_NOFILE, NULL, BADPTR));
    CHECK("kernel old", prl(0, RLIMIT_NOFILE, NULL, KPTR));
    CHECK("0x1 new", prl(0, RLIMIT_NOFILE, BADPTR, NULL));
    CHECK("kernel new", prl(0, RLIMIT_NOFILE, KPTR, NULL));

    /* lowering the hard limit is always allowed */
    prl(0, RLIMIT_CORE, NULL, &a);
    n.cur = 0;
    n.max = 0;
    CHECK("lower CORE to 0/0", prl(0, RLIMIT_CORE, &n, NULL));
    prl(0, RLIMIT_CORE, NULL, &b);
    printf("CORE now: %llu %llu\n", b.cur, b.max);

    CHECK("get STACK", prl(0, RLIMIT_STACK, NULL, &b));
    EXPECT("STACK cur <= max and >= 128K", b.cur <= b.max && b.cur >= 128 * 1024);
    CHECK("get AS", prl(0, RLIMIT_AS, NULL, &b));
    CHECK("get NPROC", prl(0, RLIMIT_NPROC, NULL, &b));
    CHECK("get DATA", prl(0, RLIMIT_DATA, NULL, &b));

    /* children inherit limits */
    n.cur = 40;
    n.max = 40;
    prl(0, RLIMIT_NOFILE, &n, NULL);
    pid_t c = fork();
    if (c == 0) {
        struct rl64 x;
        prl(0, RLIMIT_NOFILE, NULL, &x);
        _exit(x.cur == 40 && x.max == 40 ? 0 : 1);
    }
    int st;
    waitpid(c, &st, 0);
    printf("child inherits: %s\n", t_child_status(st));
    return 0;
}
