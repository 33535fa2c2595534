/* epoll: create/ctl/wait/pwait/pwait2 over pipes: level- and edge-triggered
 * and one-shot reporting, hangups and errors, a watch that ends with the
 * file, nested instances, wake-ups by another thread, timeouts, signals,
 * and Linux's errors for bad input. (epoll_pwait2.c has the checks that
 * qemu-user, riscv64's oracle, answers differently from Linux.) */
#include "t.h"
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>

static int ep;

/* Waits with `timeout` ms and prints "WHAT: n=N [data:EVENTS ...]". */
static void show_wait(const char *what, int max, int timeout)
{
    struct epoll_event ev[8];
    errno = 0;
    int n = epoll_wait(ep, ev, max, timeout);
    if (n < 0) {
        printf("%s: -1 %s\n", what, errname(errno));
        return;
    }
    printf("%s: n=%d", what, n);
    for (int i = 0; i < n; i++)
        printf(" %llu:%s%s%s%s", (unsigned long long)ev[i].data.u64,
               ev[i].events & EPOLLIN ? "IN" : "", ev[i].events & EPOLLOUT ? "OUT" : "",
               ev[i].events & EPOLLERR ? "ERR" : "", ev[i].events & EPOLLHUP ? "HUP" : "");
    printf("\n");
}

static int add(int fd, unsigned events, unsigned long long data)
{
    struct epoll_event e = {.events = events, .data.u64 = data};
    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
}

static int writer_fd;
static void *late_writer(void *arg)
{
    (void)arg;
    usleep(100 * 1000);
    write(writer_fd, "w", 1);
    return NULL;
}

static void on_alarm(int s) { (void)s; }

int main(void)
{
    char buf[64];
    struct epoll_event e = {.events = EPOLLIN};
    CHECK("epoll_create(0)", epoll_create(0));
    CHECK("epoll_create1(bad flags)", epoll_create1(1));
    ep = epoll_create1(EPOLL_CLOEXEC);
    EXPECT("epoll_create1(EPOLL_CLOEXEC) is cloexec", fcntl(ep, F_GETFD) == FD_CLOEXEC);
    char link[64] = "";
    snprintf(buf, sizeof buf, "/proc/self/fd/%d", ep);
    readlink(buf, link, sizeof link - 1);
    printf("link: %s\n", link);

    int a[2], b[2], c[2];
    pipe(a);
    pipe(b);
    pipe(c);
    int reg = open("regular", O_CREAT | O_RDWR, 0600);

    /* epoll_ctl errors */
    CHECK("ctl bad epfd", epoll_ctl(99, EPOLL_CTL_ADD, a[0], &e));
    CHECK("ctl bad fd", epoll_ctl(ep, EPOLL_CTL_ADD, 99, &e));
    CHECK("ctl regular file", epoll_ctl(ep, EPOLL_CTL_ADD, reg, &e));
    CHECK("ctl epfd on itself", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &e));
    CHECK("ctl epfd not epoll", epoll_ctl(a[0], EPOLL_CTL_ADD, b[0], &e));
    CHECK("ctl bad event ptr", epoll_ctl(ep, EPOLL_CTL_ADD, a[0], BADPTR));
    CHECK("ctl bad op", epoll_ctl(ep, 7, a[0], &e));
    CHECK("ctl MOD missing", epoll_ctl(ep, EPOLL_CTL_MOD, a[0], &e));
    CHECK("ctl DEL missing", epoll_ctl(ep, EPOLL_CTL_DEL, a[0], NULL));
    e.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT;
    CHECK("ctl EXCLUSIVE|ONESHOT", epoll_ctl(ep, EPOLL_CTL_ADD, a[0], &e));
    e.events = EPOLLIN | EPOLLEXCLUSIVE;
    CHECK("ctl MOD with EXCLUSIVE", epoll_ctl(ep, EPOLL_CTL_MOD, a[0], &e));

    /* level-triggered */
    CHECK("add a (LT)", add(a[0], EPOLLIN, 1));
    CHECK("add a again", add(a[0], EPOLLIN, 1));
    show_wait("LT nothing", 8, 0);
    write(a[1], "xy", 2);
    show_wait("LT data", 8, 0);
    show_wait("LT still ready", 8, 0);
    read(a[0], buf, sizeof buf);
    show_wait("LT drained", 8, 0);

    /* edge-triggered */
    CHECK("add b (ET)", add(b[0], EPOLLIN | EPOLLET, 2));
    write(b[1], "x", 1);
    show_wait("ET data", 8, 0);
    show_wait("ET no new edge", 8, 0);
    write(b[1], "x", 1);
    show_wait("ET new data", 8, 0);
    CHECK("del b", epoll_ctl(ep, EPOLL_CTL_DEL, b[0], NULL));

    /* one-shot */
    CHECK("add c (ONESHOT)", add(c[0], EPOLLIN | EPOLLONESHOT, 3));
    write(c[1], "x", 1);
    show_wait("ONESHOT first", 8, 0);
    write(c[1], "x", 1);
    show_wait("ONESHOT disabled", 8, 0);
    e.events = EPOLLIN | EPOLLONESHOT;
    e.data.u64 = 33;
    CHECK("MOD re-arms", epoll_ctl(ep, EPOLL_CTL_MOD, c[0], &e));
    show_wait("ONESHOT re-armed", 8, 0);
    CHECK("del c", epoll_ctl(ep, EPOLL_CTL_DEL, c[0], NULL));

    /* maxevents and the order of level-triggered items */
    int p[3][2];
    for (int i = 0; i < 3; i++) {
        pipe(p[i]);
        write(p[i][1], "x", 1);
        add(p[i][0], EPOLLIN, 10 + i);
    }
    show_wait("max 2 (first)", 2, 0);
    show_wait("max 2 (second)", 2, 0);
    for (int i = 0; i < 3; i++)
        epoll_ctl(ep, EPOLL_CTL_DEL, p[i][0], NULL);

    /* write ends, hangups, errors */
    int w[2];
    pipe(w);
    CHECK("add write end", add(w[1], EPOLLOUT, 4));
    show_wait("writable", 8, 0);
    close(w[0]);
    show_wait("reader gone", 8, 0);
    epoll_ctl(ep, EPOLL_CTL_DEL, w[1], NULL);
    close(w[1]);
    write(a[1], "z", 1);
    close(a[1]);
    show_wait("writer gone with data", 8, 0);
    read(a[0], buf, sizeof buf);
    show_wait("writer gone, drained", 8, 0);

    /* a watch ends when its file's last fd is closed, not before */
    int d[2];
    pipe(d);
    add(d[0], EPOLLIN, 5);
    int dup_fd = dup(d[0]);
    close(d[0]);
    write(d[1], "x", 1);
    show_wait("after close of one fd (dup open)", 8, 0);
    close(dup_fd);
    show_wait("after close of the last fd", 8, 0);
    epoll_ctl(ep, EPOLL_CTL_DEL, a[0], NULL);

    /* nesting */
    int inner = epoll_create1(0);
    int q[2];
    pipe(q);
    struct epoll_event ie = {.events = EPOLLIN, .data.u64 = 7};
    epoll_ctl(inner, EPOLL_CTL_ADD, q[0], &ie);
    CHECK("add inner epoll", add(inner, EPOLLIN, 6));
    show_wait("inner idle", 8, 0);
    write(q[1], "x", 1);
    show_wait("inner ready", 8, 0);
    struct pollfd pf = {.fd = inner, .events = POLLIN};
    int pr = poll(&pf, 1, 0);
    printf("poll on inner: %d revents=%x\n", pr, pf.revents);
    struct epoll_event oe = {.events = EPOLLIN};
    CHECK("loop (inner watches outer)", epoll_ctl(inner, EPOLL_CTL_ADD, ep, &oe));
    int inner2 = epoll_create1(0);
    e.events = EPOLLIN | EPOLLEXCLUSIVE;
    CHECK("EXCLUSIVE on an epoll target", epoll_ctl(ep, EPOLL_CTL_ADD, inner2, &e));
    CHECK("EXCLUSIVE on a pipe", epoll_ctl(inner2, EPOLL_CTL_ADD, q[0], &e));
    e.events = EPOLLIN;
    CHECK("MOD of an EXCLUSIVE watch", epoll_ctl(inner2, EPOLL_CTL_MOD, q[0], &e));
    int nest[6];
    nest[0] = inner2;
    for (int i = 1; i < 6; i++) {
        nest[i] = epoll_create1(0);
        struct epoll_event ne = {.events = EPOLLIN};
        errno = 0;
        int r = epoll_ctl(nest[i], EPOLL_CTL_ADD, nest[i - 1], &ne);
        printf("nest depth %d: %d %s\n", i, r, errname(errno));
    }
    epoll_ctl(ep, EPOLL_CTL_DEL, inner, NULL);
    read(q[0], buf, sizeof buf);

    /* epoll_wait errors */
    struct epoll_event evs[4];
    CHECK("wait maxevents 0", syscall(SYS_epoll_pwait, ep, evs, 0, 0, NULL, 8));
    CHECK("wait maxevents -1", syscall(SYS_epoll_pwait, ep, evs, -1, 0, NULL, 8));
    CHECK("wait maxevents huge", syscall(SYS_epoll_pwait, ep, evs, 0x7fffffff, 0, NULL, 8));
    CHECK("wait kernel events ptr", syscall(SYS_epoll_pwait, ep, KPTR, 4, 0, NULL, 8));
    write(q[1], "x", 1);
    add(q[0], EPOLLIN, 9);
    CHECK("wait unmapped events ptr, one ready", syscall(SYS_epoll_pwait, ep, t_unmapped(), 4, 0, NULL, 8));
    show_wait("still reported after the EFAULT", 8, 0);
    epoll_ctl(ep, EPOLL_CTL_DEL, q[0], NULL);
    read(q[0], buf, sizeof buf);
    CHECK("wait not epoll", epoll_wait(q[0], evs, 4, 0));
    CHECK("wait bad fd", epoll_wait(99, evs, 4, 0));
    sigset_t ss;
    sigemptyset(&ss);
    CHECK("pwait sigsetsize 7", syscall(SYS_epoll_pwait, ep, evs, 4, 0, &ss, 7));

    /* blocking: woken by another thread, then a timeout, then a signal */
    int t[2];
    pipe(t);
    writer_fd = t[1];
    add(t[0], EPOLLIN, 8);
    pthread_t th;
    pthread_create(&th, NULL, late_writer, NULL);
    show_wait("woken by a thread", 8, 5000);
    pthread_join(th, NULL);
    read(t[0], buf, sizeof buf);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    show_wait("timeout 100 ms", 8, 100);
    EXPECT("waited at least 90 ms", t_ms_since(&t0) >= 90);
    struct sigaction sa = {.sa_handler = on_alarm, .sa_flags = SA_RESTART};
    sigaction(SIGALRM, &sa, NULL);
    ualarm(50 * 1000, 0);
    show_wait("interrupted (SA_RESTART does not restart it)", 8, 5000);
    return 0;
}
