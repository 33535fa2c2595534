/* poll, ppoll, select, pselect6: pipe and file readiness, timeouts, invalid
 * fds, the temporary signal mask of ppoll/pselect6, bad pointers, and the
 * in-place updates of select's fd sets and timeout. */
#include "t.h"
#include <poll.h>
#include <sys/select.h>
#include <time.h>

static const char *pflags(short r)
{
    static char bufs[4][96]; /* several results may appear in one printf */
    static int next;
    char *buf = bufs[next++ % 4];
    buf[0] = 0;
    static const struct { short bit; const char *name; } names[] = {
        {POLLIN, "IN"}, {POLLPRI, "PRI"}, {POLLOUT, "OUT"}, {POLLERR, "ERR"},
        {POLLHUP, "HUP"}, {POLLNVAL, "NVAL"}, {POLLRDNORM, "RDNORM"}, {POLLWRNORM, "WRNORM"},
    };
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (r & names[i].bit) {
            strcat(buf, buf[0] ? "|" : "");
            strcat(buf, names[i].name);
        }
    return buf[0] ? buf : "0";
}

/* poll one fd for `events` with timeout 0 and print the result. */
static void poll1(const char *label, int fd, short events)
{
    struct pollfd p = {.fd = fd, .events = events, .revents = 0x7777};
    errno = 0;
    int r = poll(&p, 1, 0);
    if (r < 0)
        printf("%s: ret=-1 errno=%s\n", label, errname(errno));
    else
        printf("%s: ret=%d revents=%s\n", label, r, pflags(p.revents));
}

static volatile int got_usr1;
static void on_usr1(int sig) { (void)sig; got_usr1++; }

static long raw_ppoll(struct pollfd *fds, unsigned long n, struct timespec *ts, sigset_t *mask, size_t sz)
{
    return syscall(SYS_ppoll, fds, n, ts, mask, sz);
}

static long raw_pselect6(int n, fd_set *r, fd_set *w, fd_set *e, struct timespec *ts, void *sig)
{
    return syscall(SYS_pselect6, n, r, w, e, ts, sig);
}

static void test_pipes(void)
{
    int p[2];
    pipe(p);
    poll1("empty pipe read end", p[0], POLLIN);
    poll1("empty pipe write end", p[1], POLLOUT);
    poll1("write end asked for IN", p[1], POLLIN);
    write(p[1], "x", 1);
    poll1("pipe with data", p[0], POLLIN | POLLRDNORM);
    close(p[1]);
    poll1("data + writer closed", p[0], POLLIN);
    char c;
    read(p[0], &c, 1);
    poll1("drained + writer closed", p[0], POLLIN);
    poll1("drained + writer closed, events 0", p[0], 0);
    close(p[0]);

    pipe(p);
    close(p[0]);
    poll1("write end without reader", p[1], POLLOUT);
    poll1("write end without reader, events 0", p[1], 0);
    close(p[1]);

    /* Blocking waits woken by another process. */
    pipe(p);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        usleep(50000);
        write(p[1], "y", 1);
        _exit(0);
    }
    struct pollfd pf = {.fd = p[0], .events = POLLIN};
    int r = poll(&pf, 1, 10000);
    printf("blocking poll woken by write: ret=%d revents=%s\n", r, pflags(pf.revents));
    waitpid(pid, NULL, 0);
    read(p[0], &c, 1);
    pid = fork();
    if (pid == 0) {
        usleep(50000);
        _exit(0); /* closes the last write end */
    }
    close(p[1]);
    r = poll(&pf, 1, 10000);
    printf("blocking poll woken by writer exit: ret=%d revents=%s\n", r, pflags(pf.revents));
    waitpid(pid, NULL, 0);
    close(p[0]);
}

static void test_poll_misc(void)
{
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    poll1("regular file", fd, POLLIN | POLLOUT);
    poll1("regular file, PRI", fd, POLLPRI);
    int ro = open("f", O_RDONLY);
    poll1("read-only regular file asked OUT", ro, POLLIN | POLLOUT);
    close(ro);

    int p[2];
    pipe(p);
    struct pollfd fds[4] = {
        {.fd = -1, .events = POLLIN, .revents = 0x55},
        {.fd = p[1], .events = POLLOUT},
        {.fd = 1000, .events = POLLIN},
        {.fd = p[0], .events = POLLIN},
    };
    int r = poll(fds, 4, 0);
    printf("mixed poll: ret=%d revents=%s,%s,%s,%s\n", r, pflags(fds[0].revents),
           pflags(fds[1].revents), pflags(fds[2].revents), pflags(fds[3].revents));
    fds[0].fd = -5;
    r = poll(fds, 1, 0);
    printf("negative fd only: ret=%d revents=%s\n", r, pflags(fds[0].revents));

    CHECK("poll nfds 0 timeout 10", poll(NULL, 0, 10));
    struct pollfd pe = {.fd = p[0], .events = POLLIN};
    CHECK("poll empty pipe timeout 30", poll(&pe, 1, 30));
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    if (!REF_IS_QEMU) /* qemu-user checks the array (EFAULT) first */
        CHECK("poll nfds > RLIMIT_NOFILE", syscall(SYS_ppoll, fds, rl.rlim_cur + 1, NULL, NULL, 8));
    CHECK("ppoll NULL fds nfds 1", raw_ppoll(NULL, 1, &(struct timespec){0, 0}, NULL, 8));
    CHECK("ppoll BADPTR fds", raw_ppoll(BADPTR, 1, &(struct timespec){0, 0}, NULL, 8));
    CHECK("ppoll unmapped fds", raw_ppoll(t_unmapped(), 1, &(struct timespec){0, 0}, NULL, 8));
    CHECK("ppoll NULL fds nfds 0", raw_ppoll(NULL, 0, &(struct timespec){0, 0}, NULL, 8));
    CHECK("ppoll bad timeout ptr", raw_ppoll(&pe, 1, BADPTR, NULL, 8));
    CHECK("ppoll negative tv_sec", raw_ppoll(&pe, 1, &(struct timespec){-1, 0}, NULL, 8));
    CHECK("ppoll tv_nsec 1e9", raw_ppoll(&pe, 1, &(struct timespec){0, 1000000000}, NULL, 8));
    sigset_t ss;
    sigemptyset(&ss);
    CHECK("ppoll bad sigsetsize", raw_ppoll(&pe, 1, &(struct timespec){0, 0}, &ss, 4));
    CHECK("ppoll bad sigmask ptr", raw_ppoll(&pe, 1, &(struct timespec){0, 0}, BADPTR, 8));
    struct timespec ts = {0, 20000000};
    CHECK("ppoll 20ms timeout", raw_ppoll(&pe, 1, &ts, NULL, 8));
    EXPECT("ppoll timeout written back as 0", ts.tv_sec == 0 && ts.tv_nsec == 0);
    ts = (struct timespec){5, 0};
    struct pollfd pw = {.fd = p[1], .events = POLLOUT};
    CHECK("ppoll ready at once", raw_ppoll(&pw, 1, &ts, NULL, 8));
    EXPECT("ppoll remaining time in (4s, 5s]",
           (ts.tv_sec == 5 && ts.tv_nsec == 0) || (ts.tv_sec == 4 && ts.tv_nsec > 0));
    close(p[0]);
    close(p[1]);
    close(fd);
}

static void test_select(void)
{
    int p[2];
    pipe(p);
    int closed = dup(p[0]);
    close(closed);
    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(p[0], &r);
    FD_SET(p[1], &r);
    FD_SET(p[0], &w);
    FD_SET(p[1], &w);
    int n = p[0] > p[1] ? p[0] : p[1];
    struct timeval tv = {0, 0};
    CHECK("select pipe both ends", select(n + 1, &r, &w, NULL, &tv));
    printf("  read set: p0=%d p1=%d  write set: p0=%d p1=%d\n", FD_ISSET(p[0], &r),
           FD_ISSET(p[1], &r), FD_ISSET(p[0], &w), FD_ISSET(p[1], &w));
    write(p[1], "z", 1);
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(p[0], &r);
    FD_SET(p[1], &w);
    struct timespec ts = {0, 0};
    CHECK("pselect6 data ready", raw_pselect6(n + 1, &r, &w, NULL, &ts, NULL));
    printf("  read set: p0=%d  write set: p1=%d\n", FD_ISSET(p[0], &r), FD_ISSET(p[1], &w));

    FD_ZERO(&r);
    FD_SET(closed, &r);
    CHECK("pselect6 closed fd in set", raw_pselect6(closed + 1, &r, NULL, NULL, &ts, NULL));
    FD_ZERO(&r);
    FD_SET(closed, &r);
    CHECK("pselect6 closed fd beyond nfds", raw_pselect6(closed, &r, NULL, NULL, &ts, NULL));
    CHECK("pselect6 nfds -1", raw_pselect6(-1, NULL, NULL, NULL, &ts, NULL));
    CHECK("pselect6 nfds huge, no sets", raw_pselect6(1 << 30, NULL, NULL, NULL, &ts, NULL));
    CHECK("pselect6 negative tv_sec", raw_pselect6(0, NULL, NULL, NULL, &(struct timespec){-1, 0}, NULL));
    CHECK("pselect6 tv_nsec -1", raw_pselect6(0, NULL, NULL, NULL, &(struct timespec){0, -1}, NULL));
    CHECK("pselect6 bad timeout ptr", raw_pselect6(0, NULL, NULL, NULL, BADPTR, NULL));
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    CHECK("pselect6 bad readfds", raw_pselect6(n + 1, BADPTR, NULL, NULL, &ts, NULL));
    CHECK("pselect6 bad exceptfds", raw_pselect6(n + 1, &r, NULL, t_unmapped(), &ts, NULL));
    CHECK("pselect6 bad sigmask arg", raw_pselect6(n + 1, &r, NULL, NULL, &ts, BADPTR));
    sigset_t ss;
    sigemptyset(&ss);
    struct { sigset_t *ss; size_t len; } sarg = {&ss, 4};
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    CHECK("pselect6 bad sigsetsize", raw_pselect6(n + 1, &r, NULL, NULL, &ts, &sarg));

    /* Timeout expiry: sets cleared, timeout written back as 0. */
    char c;
    read(p[0], &c, 1);
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    ts = (struct timespec){0, 20000000};
    CHECK("pselect6 20ms timeout", raw_pselect6(n + 1, &r, NULL, NULL, &ts, NULL));
    EXPECT("pselect6 read set cleared", !FD_ISSET(p[0], &r));
    EXPECT("pselect6 timeout written back as 0", ts.tv_sec == 0 && ts.tv_nsec == 0);
    ts = (struct timespec){5, 0};
    FD_ZERO(&w);
    FD_SET(p[1], &w);
    CHECK("pselect6 ready at once", raw_pselect6(n + 1, NULL, &w, NULL, &ts, NULL));
    EXPECT("pselect6 remaining time in (4s, 5s]",
           (ts.tv_sec == 5 && ts.tv_nsec == 0) || (ts.tv_sec == 4 && ts.tv_nsec > 0));
    CHECK("pselect6 nothing, 10ms", raw_pselect6(0, NULL, NULL, NULL, &(struct timespec){0, 10000000}, NULL));

#ifdef SYS_select
    FD_ZERO(&r);
    FD_SET(closed, &r);
    tv = (struct timeval){0, 0};
    CHECK("select closed fd", syscall(SYS_select, closed + 1, &r, NULL, NULL, &tv));
    CHECK("select nfds -1", syscall(SYS_select, -1, NULL, NULL, NULL, &tv));
    CHECK("select negative tv_sec", syscall(SYS_select, 0, NULL, NULL, NULL, &(struct timeval){-1, 0}));
    CHECK("select tv_usec -1", syscall(SYS_select, 0, NULL, NULL, NULL, &(struct timeval){0, -1}));
    tv = (struct timeval){0, 1500000}; /* normalized to 1.5 s */
    FD_ZERO(&w);
    FD_SET(p[1], &w);
    CHECK("select tv_usec 1.5e6", syscall(SYS_select, n + 1, NULL, &w, NULL, &tv));
    EXPECT("select remaining time normalized in (1s, 1.5s]",
           (tv.tv_sec == 1 && tv.tv_usec > 0 && tv.tv_usec <= 500000));
    CHECK("select bad timeout ptr", syscall(SYS_select, 0, NULL, NULL, NULL, BADPTR));
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    tv = (struct timeval){0, 20000};
    CHECK("select 20ms timeout", syscall(SYS_select, n + 1, &r, NULL, NULL, &tv));
    EXPECT("select timeout written back as 0", tv.tv_sec == 0 && tv.tv_usec == 0);
    EXPECT("select read set cleared", !FD_ISSET(p[0], &r));
#else
    /* riscv64 has no select syscall: print what the x86_64 run prints. */
    printf("select closed fd: ret=-1 errno=EBADF\n");
    printf("select nfds -1: ret=-1 errno=EINVAL\n");
    printf("select negative tv_sec: ret=-1 errno=EINVAL\n");
    printf("select tv_usec -1: ret=-1 errno=EINVAL\n");
    printf("select tv_usec 1.5e6: ret=1\n");
    printf("select remaining time normalized in (1s, 1.5s]: ok\n");
    printf("select bad timeout ptr: ret=-1 errno=EFAULT\n");
    printf("select 20ms timeout: ret=0\n");
    printf("select timeout written back as 0: ok\n");
    printf("select read set cleared: ok\n");
#endif
    /* glibc select() on both arches. */
    FD_ZERO(&r);
    FD_SET(closed, &r);
    tv = (struct timeval){0, 0};
    CHECK("libc select closed fd", select(closed + 1, &r, NULL, NULL, &tv));
    close(p[0]);
    close(p[1]);
}

/* A blocked, pending SIGUSR1 is delivered only while ppoll/pselect6 waits
 * with a mask that unblocks it; the old mask is back afterwards. */
static void test_sigmask(void)
{
    struct sigaction sa = {.sa_handler = on_usr1};
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t block, old, during, cur;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &old);
    sigprocmask(SIG_BLOCK, NULL, &during);
    sigdelset(&during, SIGUSR1);

    int p[2];
    pipe(p);
    struct pollfd pf = {.fd = p[0], .events = POLLIN};
    raise(SIGUSR1);
    printf("pending, handler runs before: %d\n", got_usr1);
    CHECK("ppoll NULL mask, timeout 0", raw_ppoll(&pf, 1, &(struct timespec){0, 0}, NULL, 8));
    printf("handler runs after NULL-mask ppoll: %d\n", got_usr1);
    CHECK("ppoll unblocking mask, no timeout", raw_ppoll(&pf, 1, NULL, &during, 8));
    printf("handler runs after ppoll: %d\n", got_usr1);
    sigprocmask(SIG_BLOCK, NULL, &cur);
    EXPECT("mask restored after ppoll", sigismember(&cur, SIGUSR1));

    raise(SIGUSR1);
    struct { sigset_t *ss; size_t len; } sarg = {&during, 8};
    fd_set r;
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    CHECK("pselect6 unblocking mask, no timeout", raw_pselect6(p[0] + 1, &r, NULL, NULL, NULL, &sarg));
    printf("handler runs after pselect6: %d\n", got_usr1);
    sigprocmask(SIG_BLOCK, NULL, &cur);
    EXPECT("mask restored after pselect6", sigismember(&cur, SIGUSR1));

    /* glibc wrappers: same behavior. */
    raise(SIGUSR1);
    CHECK("libc ppoll", ppoll(&pf, 1, NULL, &during));
    raise(SIGUSR1);
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    CHECK("libc pselect", pselect(p[0] + 1, &r, NULL, NULL, NULL, &during));
    printf("handler runs total: %d\n", got_usr1);

    /* Signal from another process during a plain poll: EINTR. */
    fflush(stdout);
    pid_t parent = getpid();
    sigprocmask(SIG_SETMASK, &old, NULL);
    pid_t pid = fork();
    if (pid == 0) {
        usleep(50000);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    CHECK("poll interrupted by handled signal", poll(&pf, 1, 10000));
    waitpid(pid, NULL, 0);
    printf("handler runs total: %d\n", got_usr1);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    test_pipes();
    test_poll_misc();
    test_select();
    test_sigmask();
    return 0;
}
