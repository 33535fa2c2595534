/* pidfds: pidfd_open, CLONE_PIDFD (clone and clone3), poll readiness at
 * exit and reaping, waitid(P_PIDFD), pidfd_send_signal with and without a
 * siginfo, pidfd_getfd, and their errors; pidfds of one thread
 * (PIDFD_THREAD, CLONE_PIDFD with CLONE_THREAD) and PIDFD_SELF_*. */
#include "t.h"
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x1000
#endif
#define PIDFD_NONBLOCK O_NONBLOCK
#define PIDFD_THREAD O_EXCL
#define PIDFD_SELF_THREAD -10000
#define PIDFD_SELF_THREAD_GROUP -10001
#define PIDFD_SIGNAL_THREAD 1
#define PIDFD_SIGNAL_THREAD_GROUP 2

static int pidfd_open(pid_t pid, unsigned flags)
{
    return syscall(SYS_pidfd_open, pid, flags);
}

static int pidfd_send_signal(int fd, int sig, siginfo_t *info, unsigned flags)
{
    return syscall(SYS_pidfd_send_signal, fd, sig, info, flags);
}

static int pidfd_getfd(int fd, int target, unsigned flags)
{
    return syscall(SYS_pidfd_getfd, fd, target, flags);
}

static int wait_pidfd(int fd, siginfo_t *si, int options)
{
    memset(si, 0, sizeof *si);
    return syscall(SYS_waitid, P_PIDFD, fd, si, options, NULL);
}

/* poll with no wait: the readiness bits, or -1 */
static int ready(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};
    int r = poll(&p, 1, 0);
    return r < 0 ? -1 : p.revents;
}

static const char *bits(int revents)
{
    static char buf[64];
    if (revents < 0)
        return "error";
    snprintf(buf, sizeof buf, "%s%s%s%s", revents ? "" : "none", revents & POLLIN ? "IN " : "",
             revents & POLLHUP ? "HUP " : "", revents & POLLOUT ? "OUT " : "");
    return buf;
}

/* Polls `fd` until it hangs up (at most 5 s); its last readiness bits. */
static int wait_hup(int fd)
{
    int revents = 0;
    for (int i = 0; i < 5000 && !(revents & POLLHUP); i++) {
        revents = ready(fd);
        if (!(revents & POLLHUP))
            usleep(1000);
    }
    return revents;
}

static void report_wait(const char *what, int r, const siginfo_t *si, pid_t pid)
{
    int e = errno;
    if (r < 0) {
        printf("%s: -1 %s\n", what, errname(e));
        return;
    }
    printf("%s: %d code=%s status=%d pid ok=%d\n", what, r, t_cld_name(si->si_code), si->si_status,
           si->si_pid == pid);
}

/* A child that waits for a byte on `go` (or EOF) and exits with `code`. */
static pid_t child_waiting(int go[2], int code)
{
    pipe(go);
    pid_t p = fork();
    if (p == 0) {
        char c;
        close(go[1]);
        read(go[0], &c, 1);
        _exit(code);
    }
    close(go[0]);
    return p;
}

static void *thread_sleeps(void *arg)
{
    *(volatile pid_t *)arg = gettid();
    for (;;)
        pause(); /* until cancelled */
    return NULL;
}

static void test_open(void)
{
    CHECK("pidfd_open bad flags", pidfd_open(getpid(), 1));
    CHECK("pidfd_open pid 0", pidfd_open(0, 0));
    CHECK("pidfd_open pid -1", pidfd_open(-1, 0));
    CHECK("pidfd_open no such pid", pidfd_open(INT_MAX, 0));
    int fd = pidfd_open(getpid(), 0);
    EXPECT("pidfd_open self", fd >= 3);
    printf("FD_CLOEXEC: %d\n", fcntl(fd, F_GETFD) == FD_CLOEXEC);
    printf("F_GETFL: O_RDWR %d O_NONBLOCK %d\n", (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR,
           !!(fcntl(fd, F_GETFL) & O_NONBLOCK));
    char b[8];
    CHECK("read a pidfd", read(fd, b, sizeof b));
    CHECK("write a pidfd", write(fd, "x", 1));
    CHECK("lseek a pidfd", lseek(fd, 0, SEEK_SET));
    printf("poll a running process: %s\n", bits(ready(fd)));
    close(fd);
    fd = pidfd_open(getpid(), PIDFD_NONBLOCK);
    printf("PIDFD_NONBLOCK: O_NONBLOCK %d\n", !!(fcntl(fd, F_GETFL) & O_NONBLOCK));
    close(fd);

    /* a thread that is not the group leader is no process */
    pthread_t th;
    volatile pid_t tid = 0;
    pthread_create(&th, NULL, thread_sleeps, (void *)&tid);
    while (!tid)
        usleep(1000);
    CHECK("pidfd_open of a non-leader thread", pidfd_open(tid, 0));
    pthread_cancel(th);
    pthread_join(th, NULL);
}

static void test_exit_and_wait(void)
{
    int go[2];
    pid_t c = child_waiting(go, 7);
    int fd = pidfd_open(c, 0);
    EXPECT("pidfd_open child", fd >= 0);
    printf("poll before exit: %s\n", bits(ready(fd)));
    siginfo_t si;
    int r = wait_pidfd(fd, &si, WEXITED | WNOHANG);
    report_wait("waitid P_PIDFD WNOHANG, running", r, &si, 0);
    close(go[1]);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    r = poll(&p, 1, 10000);
    printf("poll waits for the exit: %d %s\n", r, bits(p.revents));
    printf("poll a zombie: %s\n", bits(ready(fd)));
    r = wait_pidfd(fd, &si, WEXITED | WNOWAIT);
    report_wait("waitid P_PIDFD WNOWAIT", r, &si, c);
    r = wait_pidfd(fd, &si, WEXITED);
    report_wait("waitid P_PIDFD", r, &si, c);
    printf("poll a reaped process: %s\n", bits(ready(fd)));
    r = wait_pidfd(fd, &si, WEXITED);
    report_wait("waitid P_PIDFD after reaping", r, &si, c);
    CHECK("pidfd_send_signal to a reaped process", pidfd_send_signal(fd, SIGTERM, NULL, 0));
    CHECK("pidfd_send_signal sig 0, reaped", pidfd_send_signal(fd, 0, NULL, 0));
    close(fd);

    /* a nonblocking pidfd turns a wait for a running child into EAGAIN */
    c = child_waiting(go, 3);
    fd = pidfd_open(c, PIDFD_NONBLOCK);
    r = wait_pidfd(fd, &si, WEXITED);
    report_wait("waitid nonblocking pidfd, running", r, &si, c);
    close(go[1]);
    while (!(ready(fd) & POLLIN))
        usleep(1000);
    r = wait_pidfd(fd, &si, WEXITED);
    report_wait("waitid nonblocking pidfd, exited", r, &si, c);
    close(fd);

    /* errors */
    r = wait_pidfd(-1, &si, WEXITED);
    report_wait("waitid P_PIDFD fd -1", r, &si, 0);
    r = wait_pidfd(1000, &si, WEXITED);
    report_wait("waitid P_PIDFD closed fd", r, &si, 0);
    r = wait_pidfd(0, &si, WEXITED);
    report_wait("waitid P_PIDFD not a pidfd", r, &si, 0);
    fd = pidfd_open(getpid(), 0);
    r = wait_pidfd(fd, &si, WEXITED | WNOHANG);
    report_wait("waitid P_PIDFD of self", r, &si, 0);
    close(fd);
}

static void *exit_on_byte(void *arg)
{
    char c;
    read(*(int *)arg, &c, 1);
    return NULL;
}

/* A child whose leader thread exits first (about 100 ms before this
 * returns) while another thread waits for a byte on go[1]. */
static pid_t leader_exits_first(int go[2])
{
    int told[2];
    pipe(go);
    pipe(told);
    pid_t c = fork();
    if (c == 0) {
        close(go[1]);
        pthread_t th;
        pthread_create(&th, NULL, exit_on_byte, &go[0]);
        write(told[1], "x", 1);
        pthread_exit(NULL); /* the other thread keeps the process alive */
    }
    close(go[0]);
    char x;
    read(told[0], &x, 1);
    close(told[0]);
    close(told[1]);
    usleep(100000);
    return c;
}

/* Readiness follows the whole thread group, not its leader; a child that
 * nobody waits for is reaped at once and hangs up. */
static void test_readiness(void)
{
    int go[2];
    pid_t c = leader_exits_first(go);
    int fd = pidfd_open(c, 0);
    printf("leader exited, a thread runs: %s\n", bits(ready(fd)));
    close(go[1]);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int r = poll(&p, 1, 10000);
    printf("last thread exited: %d %s\n", r, bits(p.revents));
    siginfo_t si;
    r = wait_pidfd(fd, &si, WEXITED);
    report_wait("exit status of the last thread", r, &si, c);
    close(fd);

    signal(SIGCHLD, SIG_IGN);
    c = child_waiting(go, 0);
    fd = pidfd_open(c, 0);
    close(go[1]);
    int revents = wait_hup(fd);
    printf("autoreaped child: %s\n", bits(revents));
    r = wait_pidfd(fd, &si, WEXITED);
    report_wait("waitid of an autoreaped child", r, &si, c);
    signal(SIGCHLD, SIG_DFL);
    close(fd);
}

static void test_send_signal(void)
{
    int go[2];
    pid_t c = child_waiting(go, 0);
    int fd = pidfd_open(c, 0);
    CHECK("pidfd_send_signal bad flags", pidfd_send_signal(fd, SIGTERM, NULL, 1 << 8));
    CHECK("pidfd_send_signal bad signal", pidfd_send_signal(fd, 65, NULL, 0));
    CHECK("pidfd_send_signal not a pidfd", pidfd_send_signal(0, SIGTERM, NULL, 0));
    CHECK("pidfd_send_signal closed fd", pidfd_send_signal(1000, SIGTERM, NULL, 0));
    CHECK("pidfd_send_signal sig 0", pidfd_send_signal(fd, 0, NULL, 0));
    siginfo_t info;
    memset(&info, 0, sizeof info);
    info.si_signo = SIGUSR1;
    info.si_code = SI_QUEUE;
    CHECK("siginfo signo differs", pidfd_send_signal(fd, SIGTERM, &info, 0));
    info.si_signo = SIGTERM;
    info.si_code = SI_USER;
    CHECK("siginfo SI_USER to another process", pidfd_send_signal(fd, SIGTERM, &info, 0));
    CHECK("siginfo bad pointer", pidfd_send_signal(fd, SIGTERM, BADPTR, 0));
    CHECK("pidfd_send_signal SIGTERM", pidfd_send_signal(fd, SIGTERM, NULL, 0));
    siginfo_t si;
    int r = wait_pidfd(fd, &si, WEXITED);
    report_wait("killed through its pidfd", r, &si, c);
    close(go[1]);
    close(fd);

    /* a queued siginfo arrives as sent */
    int ready_pipe[2], res[2];
    pipe(ready_pipe);
    pipe(res);
    c = fork();
    if (c == 0) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGUSR1);
        sigprocmask(SIG_BLOCK, &set, NULL);
        write(ready_pipe[1], "r", 1);
        siginfo_t got;
        int s = sigwaitinfo(&set, &got);
        char ok = s == SIGUSR1 && got.si_code == SI_QUEUE && got.si_value.sival_int == 42 ? 'y' : 'n';
        write(res[1], &ok, 1);
        _exit(0);
    }
    char x;
    read(ready_pipe[0], &x, 1);
    fd = pidfd_open(c, 0);
    memset(&info, 0, sizeof info);
    info.si_signo = SIGUSR1;
    info.si_code = SI_QUEUE;
    info.si_value.sival_int = 42;
    CHECK("pidfd_send_signal SI_QUEUE siginfo", pidfd_send_signal(fd, SIGUSR1, &info, 0));
    read(res[0], &x, 1);
    printf("child got the siginfo: %c\n", x);
    r = wait_pidfd(fd, &si, WEXITED);
    report_wait("after the queued signal", r, &si, c);
    close(fd);

    /* a pidfd of ourselves: signal handled here */
    fd = pidfd_open(getpid(), 0);
    signal(SIGUSR2, SIG_IGN);
    CHECK("pidfd_send_signal to self", pidfd_send_signal(fd, SIGUSR2, NULL, 0));
    signal(SIGUSR2, SIG_DFL);
    close(fd);
}

static volatile pid_t handled_in;

static void note_thread(int sig)
{
    (void)sig;
    handled_in = gettid();
}

/* Whether fdinfo of `fd` says Pid: `want`. */
static int fdinfo_pid_is(int fd, int want)
{
    char path[64], line[128];
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    FILE *f = fopen(path, "r");
    int found = 0, v;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "Pid: %d", &v) == 1)
            found = v == want;
    if (f)
        fclose(f);
    return found;
}

/* A pidfd of one thread: readable once the thread exited, hung up at once
 * (a thread other than the leader is released when it exits); signals go
 * to that thread; it is nobody's child. */
static void test_thread(void)
{
    signal(SIGUSR1, note_thread);
    volatile pid_t tid = 0;
    pthread_t th;
    pthread_create(&th, NULL, thread_sleeps, (void *)&tid);
    while (!tid)
        usleep(1000);
    int fd = pidfd_open(tid, PIDFD_THREAD);
    EXPECT("pidfd_open PIDFD_THREAD", fd >= 3);
    printf("PIDFD_THREAD in F_GETFL: %d\n", !!(fcntl(fd, F_GETFL) & PIDFD_THREAD));
    printf("poll a running thread: %s\n", bits(ready(fd)));
    handled_in = 0;
    CHECK("pidfd_send_signal to the thread", pidfd_send_signal(fd, SIGUSR1, NULL, 0));
    while (!handled_in)
        usleep(1000);
    printf("handled in that thread: %d\n", handled_in == tid);
    siginfo_t si;
    int r = wait_pidfd(fd, &si, WEXITED | WNOHANG);
    report_wait("waitid of a thread pidfd", r, &si, 0);
    int dup = pidfd_getfd(fd, 1, 0);
    EXPECT("pidfd_getfd through a thread pidfd", dup >= 0);
    close(dup);
    printf("fdinfo Pid is the tid: %d\n", fdinfo_pid_is(fd, tid));
    pthread_cancel(th);
    pthread_join(th, NULL);
    int revents = wait_hup(fd);
    printf("poll an exited thread: %s\n", bits(revents));
    CHECK("pidfd_send_signal to an exited thread", pidfd_send_signal(fd, 0, NULL, 0));
    CHECK("pidfd_getfd of an exited thread", pidfd_getfd(fd, 1, 0));
    printf("fdinfo Pid of an exited thread is -1: %d\n", fdinfo_pid_is(fd, -1));
    CHECK("pidfd_open PIDFD_THREAD of an exited thread", pidfd_open(tid, PIDFD_THREAD));
    close(fd);

    /* the leader's thread pidfd: a process pidfd with PIDFD_THREAD */
    fd = pidfd_open(getpid(), PIDFD_THREAD);
    EXPECT("pidfd_open PIDFD_THREAD of the leader", fd >= 3);
    handled_in = 0;
    CHECK("pidfd_send_signal to the leader thread", pidfd_send_signal(fd, SIGUSR1, NULL, 0));
    printf("handled in the leader: %d\n", handled_in == getpid());
    CHECK("scope THREAD_GROUP through a thread pidfd",
          pidfd_send_signal(fd, SIGUSR1, NULL, PIDFD_SIGNAL_THREAD_GROUP));
    close(fd);

    /* PIDFD_SELF_*: the caller, without a pidfd */
    handled_in = 0;
    CHECK("PIDFD_SELF_THREAD", pidfd_send_signal(PIDFD_SELF_THREAD, SIGUSR1, NULL, 0));
    printf("handled in the caller: %d\n", handled_in == gettid());
    CHECK("PIDFD_SELF_THREAD_GROUP sig 0", pidfd_send_signal(PIDFD_SELF_THREAD_GROUP, 0, NULL, 0));
    CHECK("pidfd_getfd PIDFD_SELF_THREAD", pidfd_getfd(PIDFD_SELF_THREAD, 1, 0));
    siginfo_t si2;
    r = wait_pidfd(PIDFD_SELF_THREAD, &si2, WEXITED | WNOHANG);
    report_wait("waitid PIDFD_SELF_THREAD", r, &si2, 0);

    /* a leader that exits before its other thread: its thread pidfd, like
     * its process pidfd, waits for the whole group */
    int go[2];
    pid_t c = leader_exits_first(go);
    fd = pidfd_open(c, PIDFD_THREAD);
    printf("leader thread exited, its group runs: %s\n", bits(ready(fd)));
    close(go[1]);
    r = wait_pidfd(fd, &si, WEXITED);
    report_wait("waitid through the leader's thread pidfd", r, &si, c);
    printf("after reaping: %s\n", bits(ready(fd)));
    close(fd);

    /* a child's other thread: its tid is no child's pid */
    int tids[2];
    pipe(tids);
    c = fork();
    if (c == 0) {
        pthread_t t2;
        volatile pid_t t2_tid = 0;
        pthread_create(&t2, NULL, thread_sleeps, (void *)&t2_tid);
        while (!t2_tid)
            usleep(1000);
        pid_t v = t2_tid;
        write(tids[1], &v, sizeof v);
        for (;;)
            pause();
    }
    pid_t other = 0;
    read(tids[0], &other, sizeof other);
    fd = pidfd_open(other, PIDFD_THREAD);
    r = wait_pidfd(fd, &si, WEXITED | WNOHANG);
    report_wait("waitid through a child's non-leader thread pidfd", r, &si, 0);
    close(fd);
    kill(c, SIGKILL);
    waitpid(c, NULL, 0);
    signal(SIGUSR1, SIG_DFL);
}

static int clone_child(void *arg)
{
    (void)arg;
    _exit(4);
}

/* A bare thread (no glibc thread setup): waits for a byte, then exits
 * alone. */
static int raw_thread(void *arg)
{
    char c;
    read(*(int *)arg, &c, 1);
    syscall(SYS_exit, 0);
    return 0;
}

static void test_clone(void)
{
    /* clone(2): the pidfd goes where parent_tid points */
    int pidfd = -1;
    long c = syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, NULL, &pidfd, NULL, NULL);
    if (c == 0)
        _exit(5);
    EXPECT("clone CLONE_PIDFD", c > 0 && pidfd >= 3);
    printf("clone pidfd FD_CLOEXEC: %d\n", fcntl(pidfd, F_GETFD) == FD_CLOEXEC);
    siginfo_t si;
    int r = wait_pidfd(pidfd, &si, WEXITED);
    report_wait("clone child through its pidfd", r, &si, c);
    close(pidfd);
    CHECK("CLONE_PIDFD with CLONE_PARENT_SETTID",
          syscall(SYS_clone, CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, NULL, &pidfd, NULL, NULL));
    CHECK("CLONE_PIDFD with CLONE_DETACHED",
          syscall(SYS_clone, CLONE_PIDFD | 0x400000 | SIGCHLD, NULL, &pidfd, NULL, NULL));
    CHECK("CLONE_PIDFD with a bad pointer", syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, NULL, BADPTR, NULL, NULL));
    /* (that child was created and got no fd: reap it) */
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    while (waitpid(-1, NULL, 0) > 0)
        ;

    /* clone3: the pidfd field */
    struct {
        uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
    } args = {.flags = CLONE_PIDFD, .exit_signal = SIGCHLD};
    pidfd = -1;
    args.pidfd = (uintptr_t)&pidfd;
    c = syscall(SYS_clone3, &args, sizeof args);
    if (c == 0)
        _exit(6);
    EXPECT("clone3 CLONE_PIDFD", c > 0 && pidfd >= 3);
    r = wait_pidfd(pidfd, &si, WEXITED);
    report_wait("clone3 child through its pidfd", r, &si, c);
    close(pidfd);

    /* a vfork-style child (posix_spawn's flags) with a pidfd */
    static char stack[65536];
    pidfd = -1;
    c = clone(clone_child, stack + sizeof stack, CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, NULL,
              &pidfd);
    EXPECT("CLONE_VFORK|CLONE_PIDFD", c > 0 && pidfd >= 3);
    r = wait_pidfd(pidfd, &si, WEXITED);
    report_wait("vfork child through its pidfd", r, &si, c);
    close(pidfd);

    /* a thread made with CLONE_PIDFD: its pidfd names the thread */
    static char tstack[65536];
    static int thread_go[2];
    pipe(thread_go);
    pidfd = -1;
    int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_PIDFD;
    c = clone(raw_thread, tstack + sizeof tstack, flags, &thread_go[0], &pidfd);
    EXPECT("CLONE_THREAD|CLONE_PIDFD", c > 0 && pidfd >= 3);
    printf("its pidfd is a thread pidfd: %d\n", !!(fcntl(pidfd, F_GETFL) & PIDFD_THREAD));
    printf("poll the running thread: %s\n", bits(ready(pidfd)));
    write(thread_go[1], "x", 1);
    int revents = wait_hup(pidfd);
    printf("poll the thread once exited: %s\n", bits(revents));
    close(pidfd);
}

static void test_getfd(void)
{
    int self = pidfd_open(getpid(), 0);
    int pfd[2];
    pipe(pfd);
    CHECK("pidfd_getfd bad flags", pidfd_getfd(self, pfd[1], 1));
    CHECK("pidfd_getfd closed target fd", pidfd_getfd(self, 1000, 0));
    CHECK("pidfd_getfd not a pidfd", pidfd_getfd(pfd[0], 0, 0));
    int dup = pidfd_getfd(self, pfd[1], 0);
    EXPECT("pidfd_getfd own pipe", dup > pfd[1]);
    printf("pidfd_getfd FD_CLOEXEC: %d\n", fcntl(dup, F_GETFD) == FD_CLOEXEC);
    write(dup, "z", 1);
    char x = 0;
    read(pfd[0], &x, 1);
    printf("same pipe: %d\n", x == 'z');
    close(dup);
    close(self);

    /* another process's fd: the child's end of a pipe, then once it exited */
    int go[2], data[2];
    pipe(data);
    pid_t c = fork();
    if (c == 0) {
        close(data[0]);
        int keep = dup2(data[1], 40);
        close(data[1]);
        write(keep, "", 0);
        for (;;)
            pause();
    }
    close(data[1]);
    int fd = pidfd_open(c, 0);
    int theirs = -1;
    for (int i = 0; i < 2000 && theirs < 0; i++) {
        theirs = pidfd_getfd(fd, 40, 0);
        if (theirs < 0)
            usleep(1000);
    }
    EXPECT("pidfd_getfd child's fd", theirs >= 0);
    write(theirs, "q", 1);
    x = 0;
    read(data[0], &x, 1);
    printf("child's pipe: %d\n", x == 'q');
    close(theirs);
    kill(c, SIGKILL);
    siginfo_t si;
    int r = wait_pidfd(fd, &si, WEXITED | WNOWAIT);
    report_wait("killed child, not reaped", r, &si, c);
    CHECK("pidfd_getfd of a zombie", pidfd_getfd(fd, 40, 0));
    r = wait_pidfd(fd, &si, WEXITED);
    CHECK("pidfd_getfd of a reaped process", pidfd_getfd(fd, 40, 0));
    close(fd);
    (void)go;
}

static void test_fdinfo(void)
{
    int go[2];
    pid_t c = child_waiting(go, 0);
    int fd = pidfd_open(c, 0);
    char path[64], line[128];
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    FILE *f = fopen(path, "r");
    int pid_line = 0;
    while (f && fgets(line, sizeof line, f)) {
        int v;
        if (sscanf(line, "Pid: %d", &v) == 1)
            pid_line = v == c ? 1 : -1;
    }
    if (f)
        fclose(f);
    printf("fdinfo Pid: %s\n", pid_line == 1 ? "the child" : pid_line ? "wrong" : "missing");
    close(go[1]);
    siginfo_t si;
    wait_pidfd(fd, &si, WEXITED);
    f = fopen(path, "r");
    pid_line = 0;
    while (f && fgets(line, sizeof line, f)) {
        int v;
        if (sscanf(line, "Pid: %d", &v) == 1)
            pid_line = v == -1 ? 1 : -1;
    }
    if (f)
        fclose(f);
    printf("fdinfo Pid after reaping: %s\n", pid_line == 1 ? "-1" : pid_line ? "wrong" : "missing");
    close(fd);
}

int main(void)
{
    test_open();
    test_exit_and_wait();
    test_readiness();
    test_thread();
    test_send_signal();
    if (!REF_IS_QEMU) /* qemu-user 7.2 refuses CLONE_PIDFD */
        test_clone();
    test_getfd();
    test_fdinfo();
    return 0;
}
