/* rt_sigtimedwait(2) (sigtimedwait, sigwaitinfo). */
#include "t.h"

static volatile int hits;
static void handler(int sig)
{
    (void)sig;
    hits++;
}

int main(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGRTMIN);
    sigprocmask(SIG_BLOCK, &set, NULL);
    struct timespec zero = {0, 0}, t100 = {0, 100000000}, bad = {0, 1000000000}, neg = {-1, 0};
    siginfo_t si;

    CHECK("nothing pending, zero timeout", sigtimedwait(&set, &si, &zero));
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK("nothing pending, 100 ms", sigtimedwait(&set, &si, &t100));
    printf("  waited at least 100 ms: %d\n", t_ms_since(&t0) >= 100);
    CHECK("tv_nsec 1e9", sigtimedwait(&set, &si, &bad));
    CHECK("tv_sec -1", sigtimedwait(&set, &si, &neg));
    CHECK("sigsetsize 4", syscall(SYS_rt_sigtimedwait, &set, &si, &zero, 4));
    CHECK("bad set", syscall(SYS_rt_sigtimedwait, BADPTR, &si, &zero, 8));
    CHECK("bad timeout", syscall(SYS_rt_sigtimedwait, &set, &si, BADPTR, 8));

    raise(SIGUSR1);
    memset(&si, 0, sizeof(si));
    long r = CHECK("pending SIGUSR1", sigtimedwait(&set, &si, &zero));
    printf("  signo=%s code=%s pid_ok=%d\n", r > 0 ? sigabbrev_np(si.si_signo) : "-",
           si.si_code == SI_TKILL ? "SI_TKILL" : "other", si.si_pid == getpid());
    CHECK("taken: nothing pending", sigtimedwait(&set, &si, &zero));

    raise(SIGUSR1);
    CHECK("bad info pointer", syscall(SYS_rt_sigtimedwait, &set, BADPTR, &zero, 8));
    CHECK("  the signal was consumed", sigtimedwait(&set, &si, &zero));

    /* queued real-time signals come out in order, with their values */
    for (int i = 1; i <= 3; i++)
        sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = i * 10});
    kill(getpid(), SIGUSR1);
    printf("order:");
    while (sigtimedwait(&set, &si, &zero) > 0)
        printf(" %s(%d)", si.si_signo == SIGUSR1 ? "USR1" : "RTMIN", si.si_signo == SIGUSR1 ? 0 : si.si_value.sival_int);
    printf("\n");

    /* waiting for a signal that another process sends later */
    pid_t c = t_signal_later(SIGUSR1, 200);
    struct timespec t5 = {5, 0};
    r = CHECK("SIGUSR1 sent after 200 ms", sigtimedwait(&set, &si, &t5));
    printf("  signo=%s code=%s\n", r > 0 ? sigabbrev_np(si.si_signo) : "-", si.si_code == SI_USER ? "SI_USER" : "other");
    waitpid(c, NULL, 0);
    c = t_signal_later(SIGUSR1, 200);
    r = CHECK("sigwaitinfo (no timeout)", sigwaitinfo(&set, &si));
    waitpid(c, NULL, 0);

    /* a handled signal outside the set interrupts the wait */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR2, &sa, NULL);
    c = t_signal_later(SIGUSR2, 200);
    CHECK("interrupted by a handled SIGUSR2", sigtimedwait(&set, &si, &t5));
    printf("  handler ran: %d\n", hits);
    waitpid(c, NULL, 0);

    /* waiting for a signal that is not blocked, and ignored by default */
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    c = fork();
    if (c == 0)
        _exit(3);
    r = CHECK("blocked SIGCHLD from an exiting child", sigtimedwait(&chld, &si, &t5));
    printf("  code=%s status=%d pid_ok=%d\n", si.si_code == CLD_EXITED ? "CLD_EXITED" : "other", si.si_status,
           si.si_pid == c);
    waitpid(c, NULL, 0);

    sigset_t pend;
    sigpending(&pend);
    printf("nothing left pending: %d\n", !sigismember(&pend, SIGUSR1) && !sigismember(&pend, SIGRTMIN));
    return 0;
}
