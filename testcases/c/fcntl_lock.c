/* fcntl(2) record locks: F_GETLK/F_SETLK/F_SETLKW (owned by the process,
 * dropped on any close of the file, not inherited), F_OFD_* (owned by the
 * open file description), splitting/merging, EDEADLK, errors. */
#include "t.h"
#include <limits.h>

static int fd;

static int lk(int f, int cmd, short type, short whence, off_t start, off_t len)
{
    struct flock l = {.l_type = type, .l_whence = whence, .l_start = start, .l_len = len};
    return fcntl(f, cmd, &l);
}

static const char *tname(int t)
{
    return t == F_RDLCK ? "F_RDLCK" : t == F_WRLCK ? "F_WRLCK" : t == F_UNLCK ? "F_UNLCK" : "?";
}

/* What F_GETLK (or F_OFD_GETLK) says about a request. */
static void probe(const char *label, int f, int cmd, short type, off_t start, off_t len, pid_t owner)
{
    struct flock l = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len, .l_pid = 0};
    if (fcntl(f, cmd, &l) < 0) {
        printf("%s: -1 %s\n", label, errname(errno));
        return;
    }
    if (l.l_type == F_UNLCK)
        printf("%s: F_UNLCK (start=%lld len=%lld unchanged)\n", label, (long long)l.l_start, (long long)l.l_len);
    else
        printf("%s: %s start=%lld len=%lld whence=%d pid=%s\n", label, tname(l.l_type), (long long)l.l_start,
               (long long)l.l_len, l.l_whence, l.l_pid == owner ? "owner" : l.l_pid == -1 ? "-1" : "other");
}

/* Runs fn in a child (another lock owner) and waits for it. */
static void in_child(void (*fn)(pid_t), pid_t parent)
{
    pid_t c = fork();
    if (c == 0) {
        fn(parent);
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
}

static void look1(pid_t parent)
{
    probe("  write [0,100)", fd, F_GETLK, F_WRLCK, 0, 100, parent);
    probe("  read [30,40)", fd, F_GETLK, F_RDLCK, 30, 10, parent);
    probe("  write [30,40)", fd, F_GETLK, F_WRLCK, 30, 10, parent);
    probe("  read [60,62)", fd, F_GETLK, F_RDLCK, 60, 2, parent);
    probe("  read [20,30)", fd, F_GETLK, F_RDLCK, 20, 10, parent);
    CHECK("  F_SETLK write [15,17)", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 15, 2));
    CHECK("  F_SETLK read [35,37)", lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 35, 2));
    CHECK("  F_SETLK read [0,10)", lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 10));
}

static void look2(pid_t parent)
{
    probe("  write [10,11)", fd, F_GETLK, F_WRLCK, 10, 1, parent);
    probe("  write [12,14)", fd, F_GETLK, F_WRLCK, 12, 2, parent);
    probe("  write [25,26)", fd, F_GETLK, F_WRLCK, 25, 1, parent);
    probe("  write [70,75)", fd, F_GETLK, F_WRLCK, 70, 5, parent);
}

static void look3(pid_t parent)
{
    probe("  write [0,0=EOF)", fd, F_GETLK, F_WRLCK, 0, 0, parent);
}

static int sync_pipe[2];

static void deadlock_child(pid_t parent)
{
    (void)parent;
    CHECK("  child F_SETLK B", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 1, 1));
    write(sync_pipe[1], "x", 1);
    /* blocks on A until the parent gives it up */
    CHECK("  child F_SETLKW A", lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1));
}

int main(void)
{
    fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    char buf[100] = {0};
    write(fd, buf, sizeof(buf));
    pid_t me = getpid();

    /* argument errors, in Linux's order */
    CHECK("bad whence", lk(fd, F_SETLK, F_RDLCK, 7, 0, 1));
    CHECK("bad type", lk(fd, F_SETLK, 5, SEEK_SET, 0, 1));
    CHECK("F_GETLK F_UNLCK", lk(fd, F_GETLK, F_UNLCK, SEEK_SET, 0, 1));
    CHECK("negative start", lk(fd, F_SETLK, F_RDLCK, SEEK_SET, -1, 1));
    CHECK("len reaching before 0", lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 2, -3));
    CHECK("SEEK_END overflow", lk(fd, F_SETLK, F_RDLCK, SEEK_END, LLONG_MAX, 1));
    CHECK("len overflow", lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 10, LLONG_MAX));
    CHECK("NULL flock", syscall(SYS_fcntl, fd, F_SETLK, NULL));
    CHECK("unmapped flock", syscall(SYS_fcntl, fd, F_GETLK, t_unmapped()));
    CHECK("bad fd", lk(99, F_SETLK, F_RDLCK, SEEK_SET, 0, 1));
    int ro = open("f", O_RDONLY), wo = open("f", O_WRONLY);
    CHECK("F_WRLCK on O_RDONLY", lk(ro, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
    CHECK("F_RDLCK on O_WRONLY", lk(wo, F_SETLK, F_RDLCK, SEEK_SET, 0, 1));
    CHECK("F_GETLK F_WRLCK on O_RDONLY", lk(ro, F_GETLK, F_WRLCK, SEEK_SET, 0, 1));
    CHECK("F_UNLCK on O_RDONLY", lk(ro, F_SETLK, F_UNLCK, SEEK_SET, 0, 1));
    int op = open("f", O_PATH);
    CHECK("O_PATH fd", lk(op, F_SETLK, F_RDLCK, SEEK_SET, 0, 1));
    close(op);
    struct flock l = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1, .l_pid = 1};
    CHECK("F_OFD_SETLK l_pid != 0", fcntl(fd, F_OFD_SETLK, &l));
    CHECK("F_OFD_GETLK l_pid != 0", fcntl(fd, F_OFD_GETLK, &l));

    /* the process's locks, seen from a child */
    CHECK("write [10,20)", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 10, 10));
    CHECK("read [30,40)", lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 30, 10));
    lseek(fd, 40, SEEK_SET);
    CHECK("write from SEEK_CUR+10 to EOF", lk(fd, F_SETLK, F_WRLCK, SEEK_CUR, 10, 0));
    probe("own locks do not conflict", fd, F_GETLK, F_WRLCK, 0, 100, me);
    in_child(look1, me);

    /* unlocking a hole splits; adjacent locks of one kind merge */
    CHECK("unlock [12,14)", lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 12, 2));
    CHECK("write [20,30)", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 20, 10));
    CHECK("read [70,80) inside the write lock", lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 70, 10));
    CHECK("read before 95 (len -5)", lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 95, -5));
    in_child(look2, me);

    /* a close of any fd of the file drops all the process's locks on it */
    int d = dup(fd);
    close(d);
    in_child(look3, me);

    /* F_SETLKW waits for the holder */
    CHECK("write [0,1)", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
    pipe(sync_pipe);
    pid_t c = fork();
    if (c == 0) {
        CHECK("  child F_SETLK busy", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
        write(sync_pipe[1], "x", 1);
        CHECK("  child F_SETLKW", lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1));
        probe("  child sees parent's lock gone", fd, F_GETLK, F_WRLCK, 0, 1, me);
        _exit(0);
    }
    char ch;
    read(sync_pipe[0], &ch, 1);
    usleep(200 * 1000);
    int st;
    printf("child still waiting: %d\n", waitpid(c, &st, WNOHANG) == 0);
    /* the child prints as soon as it has the lock: report after it is done */
    int r = lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 1);
    waitpid(c, &st, 0);
    printf("unlock [0,1): %d\n", r);
    printf("child: %s\n", t_child_status(st));

    /* EDEADLK: the child holds B and waits for A, which we hold */
    CHECK("write A=[0,1)", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
    c = fork();
    if (c == 0) {
        deadlock_child(me);
        _exit(0);
    }
    read(sync_pipe[0], &ch, 1);
    usleep(300 * 1000);
    CHECK("F_SETLKW B would deadlock", lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 1, 1));
    CHECK("F_SETLK B busy", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 1, 1));
    r = lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 1);
    waitpid(c, &st, 0);
    printf("unlock A: %d\n", r);
    printf("child: %s\n", t_child_status(st));

    /* OFD locks: owned by the description, conflicting with the process's
     * own POSIX locks and with other descriptions */
    int f1 = open("f", O_RDWR), f2 = open("f", O_RDWR);
    CHECK("OFD write [0,10) on f1", lk(f1, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10));
    CHECK("OFD write [5,6) on f2", lk(f2, F_OFD_SETLK, F_WRLCK, SEEK_SET, 5, 1));
    CHECK("OFD read [5,6) on f1 (own)", lk(f1, F_OFD_SETLK, F_RDLCK, SEEK_SET, 5, 1));
    probe("F_OFD_GETLK on f2", f2, F_OFD_GETLK, F_RDLCK, 0, 100, me);
    probe("F_GETLK on f2", f2, F_GETLK, F_RDLCK, 0, 100, me);
    CHECK("POSIX write [8,9) vs OFD", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 8, 1));
    CHECK("POSIX write [50,60)", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 50, 10));
    CHECK("OFD write [55,56) vs POSIX", lk(f2, F_OFD_SETLK, F_WRLCK, SEEK_SET, 55, 1));
    probe("F_OFD_GETLK sees the POSIX lock", f2, F_OFD_GETLK, F_WRLCK, 50, 1, me);
    int f1dup = dup(f1);
    close(f1);
    CHECK("OFD lock survives a dup", lk(f2, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 1));
    close(f1dup);
    CHECK("OFD lock gone with the description", lk(f2, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 1));
    c = fork();
    if (c == 0) {
        /* the child shares f2's description: it owns the lock too */
        CHECK("  child OFD on inherited f2", lk(f2, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 1));
        int f3 = open("f", O_RDWR);
        CHECK("  child OFD on own description", lk(f3, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 1));
        _exit(0);
    }
    waitpid(c, &st, 0);
    return 0;
}
