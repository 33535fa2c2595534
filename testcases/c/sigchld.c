/* SIGCHLD and child state changes: exit, death by signal, stop and
 * continue (wait4 WUNTRACED / WCONTINUED), SA_NOCLDSTOP, and children
 * reaped at once when SIGCHLD is ignored or SA_NOCLDWAIT is set. */
#include "t.h"

static sigset_t chld;

/* Takes the next SIGCHLD and describes it. */
static void next_sigchld(const char *label, pid_t c)
{
    siginfo_t si;
    struct timespec t = {5, 0};
    memset(&si, 0, sizeof(si));
    if (sigtimedwait(&chld, &si, &t) != SIGCHLD) {
        printf("%s: no SIGCHLD (%s)\n", label, errname(errno));
        return;
    }
    const char *st = si.si_code == CLD_EXITED ? "" : sigabbrev_np(si.si_status);
    char num[16];
    snprintf(num, sizeof(num), "%d", si.si_status);
    printf("%s: %s status=%s pid_ok=%d\n", label, t_cld_name(si.si_code), si.si_code == CLD_EXITED ? num : st, si.si_pid == c);
}

static const char *wstatus(int st)
{
    static char buf[64];
    if (WIFSTOPPED(st))
        snprintf(buf, sizeof(buf), "stopped by %s", sigabbrev_np(WSTOPSIG(st)));
    else if (WIFCONTINUED(st))
        snprintf(buf, sizeof(buf), "continued");
    else
        return t_child_status(st);
    return buf;
}

static pid_t child_reading(int *wr)
{
    int p[2];
    pipe(p);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        /* A group of its own, whose parent (us) is in the same session:
         * never orphaned, so SIGTSTP stops it wherever the test runs
         * (Linux discards job-control stops in orphaned groups). */
        setpgid(0, 0);
        close(p[1]);
        char buf[8];
        /* stopping and continuing does not interrupt the read */
        ssize_t n = read(p[0], buf, sizeof(buf));
        _exit(n < 0 ? 100 + errno : (int)n);
    }
    close(p[0]);
    *wr = p[1];
    return c;
}

int main(void)
{
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    int st;

    fflush(stdout);
    pid_t c = fork();
    if (c == 0)
        _exit(7);
    next_sigchld("exit(7)", c);
    waitpid(c, &st, 0);

    c = fork();
    if (c == 0)
        for (;;)
            pause();
    kill(c, SIGTERM);
    next_sigchld("SIGTERM", c);
    waitpid(c, &st, 0);
    printf("  wait status: %s\n", wstatus(st));

    /* stop and continue a child blocked in read */
    int w;
    c = child_reading(&w);
    usleep(100000);
    kill(c, SIGSTOP);
    next_sigchld("SIGSTOP", c);
    CHECK("waitpid WNOHANG (stop not asked for)", waitpid(c, &st, WNOHANG));
    pid_t r = waitpid(c, &st, WUNTRACED);
    printf("waitpid WUNTRACED: %s %s\n", r == c ? "child" : "other", wstatus(st));
    CHECK("  reported once: WUNTRACED|WNOHANG", waitpid(c, &st, WUNTRACED | WNOHANG));
    kill(c, SIGCONT);
    next_sigchld("SIGCONT", c);
    r = waitpid(c, &st, WCONTINUED);
    printf("waitpid WCONTINUED: %s %s\n", r == c ? "child" : "other", wstatus(st));
    write(w, "abc", 3);
    next_sigchld("child read 3 bytes and exited", c);
    waitpid(c, &st, 0);
    printf("  wait status: %s\n", wstatus(st));
    close(w);

    /* SIGTSTP stops too; SIGKILL ends a stopped child */
    c = child_reading(&w);
    usleep(100000);
    kill(c, SIGTSTP);
    r = waitpid(c, &st, WUNTRACED);
    printf("SIGTSTP: %s\n", wstatus(st));
    next_sigchld("  SIGCHLD", c);
    kill(c, SIGKILL);
    waitpid(c, &st, 0);
    printf("SIGKILL while stopped: %s\n", wstatus(st));
    next_sigchld("  SIGCHLD", c);
    close(w);

    /* SA_NOCLDSTOP: no SIGCHLD for stop and continue (qemu-user still
     * sends one for the continue) */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    if (!REF_IS_QEMU) {
        sa.sa_flags = SA_NOCLDSTOP;
        sigaction(SIGCHLD, &sa, NULL);
        c = child_reading(&w);
        usleep(100000);
        kill(c, SIGSTOP);
        waitpid(c, &st, WUNTRACED);
        kill(c, SIGCONT);
        waitpid(c, &st, WCONTINUED);
        struct timespec zero = {0, 0};
        siginfo_t si;
        CHECK("SA_NOCLDSTOP: SIGCHLD after stop/continue", sigtimedwait(&chld, &si, &zero));
        close(w);
        waitpid(c, &st, 0);
        next_sigchld("  exit still signalled", c);
    }

    /* SIGCHLD ignored: children are reaped by the kernel */
    sigprocmask(SIG_UNBLOCK, &chld, NULL);
    signal(SIGCHLD, SIG_IGN);
    c = fork();
    if (c == 0)
        _exit(0);
    errno = 0;
    r = waitpid(c, &st, 0);
    printf("SIGCHLD ignored: waitpid ret=%s errno=%s\n", r == c ? "child" : r == -1 ? "-1" : "?", errname(errno));

    /* SA_NOCLDWAIT with a handler: reaped too, but SIGCHLD still comes
     * (qemu-user does not reap: waitpid returns the child) */
    if (REF_IS_QEMU)
        return 0;
    sigprocmask(SIG_BLOCK, &chld, NULL);
    sa.sa_handler = SIG_DFL;
    sa.sa_flags = SA_NOCLDWAIT;
    sigaction(SIGCHLD, &sa, NULL);
    c = fork();
    if (c == 0)
        _exit(0);
    next_sigchld("SA_NOCLDWAIT", c);
    errno = 0;
    r = waitpid(c, &st, 0);
    printf("SA_NOCLDWAIT: waitpid ret=%s errno=%s\n", r == c ? "child" : r == -1 ? "-1" : "?", errname(errno));
    return 0;
}
