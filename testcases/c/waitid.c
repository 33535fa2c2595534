/* waitid(2): id types, options, the siginfo it fills; plus the wait4
 * corners wait4.c leaves out (__WCLONE/__WALL, INT_MIN, a pgid other than
 * ours, the core-dump bit). */
#include "t.h"
#include <limits.h>
#include <sched.h>

static long wid(int idtype, int id, siginfo_t *info, int options, struct rusage *ru)
{
    return syscall(SYS_waitid, idtype, id, info, options, ru);
}

/* Prints the fields waitid filled; si_pid only as "is the child". */
static void show(const char *label, long r, siginfo_t *si, pid_t child)
{
    if (r < 0) {
        printf("%s: ret=-1 errno=%s", label, errname(errno));
    } else {
        printf("%s: ret=%ld", label, r);
    }
    /* qemu-user leaves siginfo alone when nothing is reported */
    if (REF_IS_QEMU && (r < 0 || si->si_signo == 0)) {
        printf("\n");
        return;
    }
    const char *pid = si->si_pid == 0 ? "0" : si->si_pid == child ? "child" : "other";
    int status = si->si_status;
    const char *sig = si->si_code == CLD_EXITED ? NULL : sigabbrev_np(status);
    printf(" signo=%s errno=%d code=%s pid=%s uid=%d status=", si->si_signo ? sigabbrev_np(si->si_signo) : "0",
           si->si_errno, t_cld_name(si->si_code), pid, si->si_uid);
    if (sig && si->si_code)
        printf("SIG%s\n", sig);
    else
        printf("%d\n", status);
}

static void poison(siginfo_t *si) { memset(si, 0x5a, sizeof(*si)); }

#define W(label, idtype, id, opts, child)                   \
    do {                                                    \
        poison(&si);                                        \
        errno = 0;                                          \
        long _r = wid(idtype, id, &si, opts, NULL);         \
        show(label, _r, &si, child);                        \
    } while (0)

static pid_t spawn_exit(int code, int delay_ms)
{
    pid_t p = fork();
    if (p == 0) {
        usleep(delay_ms * 1000);
        _exit(code);
    }
    return p;
}

static void child_abort(void)
{
    struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
    setrlimit(RLIMIT_CORE, &rl);
    int fd = open("/dev/null", O_WRONLY);
    dup2(fd, 2);
    abort();
}

static void on_usr1(int sig) { (void)sig; }

static int clone_fn(void *arg)
{
    (void)arg;
    _exit(4);
}

int main(void)
{
    siginfo_t si;
    int st;
    W("no children", P_ALL, 0, WEXITED, 0);
    W("no children WNOHANG", P_ALL, 0, WEXITED | WNOHANG, 0);
    W("no options", P_ALL, 0, 0, 0);
    W("only WNOHANG", P_ALL, 0, WNOHANG, 0);
    W("unknown option", P_ALL, 0, WEXITED | 0x100, 0);
    W("bad idtype", 7, 0, WEXITED, 0);
    W("P_PID 0", P_PID, 0, WEXITED, 0);
    W("P_PID -1", P_PID, -1, WEXITED, 0);
    W("P_PGID -1", P_PGID, -1, WEXITED, 0);
    W("P_PIDFD -1", P_PIDFD, -1, WEXITED, 0);
    W("P_PIDFD closed fd", P_PIDFD, 99, WEXITED, 0);
    W("P_PIDFD not a pidfd", P_PIDFD, 1, WEXITED, 0);
    CHECK("NULL infop, no children", wid(P_ALL, 0, NULL, WEXITED, NULL));

    /* exited, WNOHANG first, then WNOWAIT twice, then reaped */
    pid_t a = spawn_exit(7, 200);
    W("WNOHANG running", P_PID, a, WEXITED | WNOHANG, a);
    W("WSTOPPED|WNOHANG running", P_PID, a, WSTOPPED | WNOHANG, a);
    W("WNOWAIT", P_PID, a, WEXITED | WNOWAIT, a);
    W("WNOWAIT again", P_ALL, 0, WEXITED | WNOWAIT, a);
    W("WSTOPPED on a zombie", P_PID, a, WSTOPPED | WNOHANG, a);
    W("WCONTINUED on a zombie", P_ALL, 0, WCONTINUED, a);
    W("P_PID exited", P_PID, a, WEXITED, a);
    W("after reaping", P_PID, a, WEXITED, a);

    /* P_PGID: ours (0 and explicit), and another group */
    a = spawn_exit(1, 0);
    W("P_PGID 0", P_PGID, 0, WEXITED, a);
    a = spawn_exit(2, 0);
    W("P_PGID ours", P_PGID, getpgrp(), WEXITED, a);
    a = fork();
    if (a == 0) {
        setpgid(0, 0);
        usleep(100000);
        _exit(3);
    }
    setpgid(a, a);
    W("P_PGID ours, child elsewhere", P_PGID, 0, WEXITED | WNOHANG, a);
    W("P_PGID child's group", P_PGID, a, WEXITED, a);

    /* killed and dumped */
    a = fork();
    if (a == 0)
        for (;;)
            pause();
    kill(a, SIGTERM);
    W("killed", P_ALL, 0, WEXITED, a);
    /* qemu-user dumps the guest's core itself and then dies without one */
    if (!REF_IS_QEMU) {
        a = fork();
        if (a == 0)
            child_abort();
        W("dumped", P_PID, a, WEXITED, a);
        unlink("core");
    }

    /* stopped and continued */
    int go[2];
    pipe(go);
    a = fork();
    if (a == 0) {
        char c;
        close(go[1]);
        raise(SIGSTOP);
        read(go[0], &c, 1); /* stays alive until the continue is checked */
        _exit(9);
    }
    close(go[0]);
    W("WSTOPPED", P_PID, a, WSTOPPED, a);
    W("WSTOPPED again (reported)", P_PID, a, WSTOPPED | WNOHANG, a);
    kill(a, SIGCONT);
    W("WCONTINUED|WNOWAIT", P_PID, a, WCONTINUED | WNOWAIT, a);
    W("WCONTINUED", P_PID, a, WCONTINUED, a);
    W("WCONTINUED again", P_PID, a, WCONTINUED | WNOHANG, a);
    close(go[1]);
    W("exit after continue", P_PID, a, WEXITED, a);
    a = fork();
    if (a == 0) {
        /* a group of its own whose parent (us) is in the session: not
         * orphaned, whatever our own group is, so SIGTSTP stops it */
        setpgid(0, 0);
        raise(SIGTSTP);
        _exit(0);
    }
    setpgid(a, a);
    usleep(100000);
    W("WEXITED only, stopped child", P_PID, a, WEXITED | WNOHANG, a);
    W("stop with WNOWAIT", P_PID, a, WSTOPPED | WNOWAIT, a);
    W("then reported", P_PID, a, WSTOPPED | WEXITED, a);
    kill(a, SIGKILL);
    W("killed while stopped", P_PID, a, WEXITED, a);

    /* rusage, NULL infop, bad pointers */
    struct rusage ru;
    a = spawn_exit(0, 0);
    CHECK("with rusage", wid(P_PID, a, &si, WEXITED, &ru) == 0);
    a = spawn_exit(0, 0);
    CHECK("NULL infop", wid(P_PID, a, NULL, WEXITED, NULL));
    CHECK("gone", wid(P_PID, a, NULL, WEXITED | WNOHANG, NULL));
    a = spawn_exit(0, 0);
    usleep(50000);
    CHECK("bad infop", wid(P_PID, a, BADPTR, WEXITED, NULL));
    CHECK("reaped anyway", wid(P_PID, a, NULL, WEXITED | WNOHANG, NULL));
    a = spawn_exit(0, 0);
    usleep(50000);
    CHECK("bad rusage", wid(P_PID, a, &si, WEXITED, BADPTR));
    CHECK("reaped anyway", wid(P_PID, a, NULL, WEXITED | WNOHANG, NULL));
    if (!REF_IS_QEMU) /* qemu-user checks infop only when it reports */
        CHECK("bad infop, no children", wid(P_ALL, 0, BADPTR, WEXITED, NULL));

    /* an order-independent P_ALL reap of several */
    int sum = 0;
    for (int i = 1; i <= 4; i++)
        spawn_exit(i, 0);
    while (wid(P_ALL, 0, &si, WEXITED, NULL) == 0)
        sum += si.si_status;
    printf("P_ALL reaped sum %d, then %s\n", sum, errname(errno));

    /* wait4 corners */
    CHECK("wait4 INT_MIN", syscall(SYS_wait4, INT_MIN, &st, 0, NULL));
    signal(SIGUSR1, on_usr1); /* the clone children's exit signal */
    static char stack[65536];
    pid_t c = clone(clone_fn, stack + sizeof(stack), SIGUSR1, NULL);
    a = spawn_exit(5, 50);
    usleep(100000);
    CHECK("wait4 -1 skips the clone child", syscall(SYS_wait4, -1, &st, 0, NULL) == a);
    CHECK("wait4 -1 again: only a clone child", syscall(SYS_wait4, -1, &st, WNOHANG, NULL));
    CHECK("wait4 __WCLONE", syscall(SYS_wait4, -1, &st, __WCLONE, NULL) == c);
    if (!REF_IS_QEMU) /* qemu-user's clone() child status differs */
        printf("clone child: %s\n", t_child_status(st));
    c = clone(clone_fn, stack + sizeof(stack), SIGUSR1, NULL);
    a = spawn_exit(6, 0);
    usleep(100000);
    CHECK("wait4 __WCLONE skips the fork child", syscall(SYS_wait4, -1, &st, __WCLONE, NULL) == c);
    CHECK("waitid __WCLONE: only a fork child left", wid(P_ALL, 0, &si, WEXITED | __WCLONE | WNOHANG, NULL));
    CHECK("wait4 __WALL", syscall(SYS_wait4, -1, &st, __WALL, NULL) == a);
    c = clone(clone_fn, stack + sizeof(stack), 0, NULL);
    usleep(100000);
    if (!REF_IS_QEMU) { /* qemu-user rejects __WALL in waitid */
        CHECK("waitid __WALL, no exit signal", wid(P_PID, c, &si, WEXITED | __WALL, NULL));
        printf("exit-signal-less child: code=%s status=%d\n", t_cld_name(si.si_code), si.si_status);
    } else {
        syscall(SYS_wait4, c, &st, __WALL, NULL);
    }
    a = fork();
    if (a == 0) {
        setpgid(0, 0);
        _exit(8);
    }
    setpgid(a, a);
    usleep(50000);
    CHECK("wait4 -pgid of another group", syscall(SYS_wait4, -a, &st, 0, NULL) == a);
    CHECK("wait4 0 after", syscall(SYS_wait4, 0, &st, WNOHANG, NULL));
    if (!REF_IS_QEMU) {
        a = fork();
        if (a == 0)
            child_abort();
        CHECK("wait4 dumped", syscall(SYS_wait4, a, &st, 0, NULL) == a);
        printf("core bit %d, sig %s\n", WCOREDUMP(st) ? 1 : 0, sigabbrev_np(WTERMSIG(st)));
        unlink("core");
    }
    return 0;
}
