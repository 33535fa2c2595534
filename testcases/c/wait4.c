/* wait4(2) */
#include "t.h"
#include <sys/resource.h>

static long w4(pid_t pid, int *st, int opt, struct rusage *ru) { return syscall(SYS_wait4, pid, st, opt, ru); }

int main(void)
{
    int status;
    struct rusage ru;
    CHECK("no children", w4(-1, &status, 0, NULL));
    CHECK("no children WNOHANG", w4(-1, &status, WNOHANG, NULL));

    pid_t a = fork();
    if (a == 0) {
        usleep(200000);
        _exit(1);
    }
    CHECK("WNOHANG while running", w4(a, &status, WNOHANG, NULL));
    CHECK("invalid options", w4(a, &status, 0x12345678, NULL));
    CHECK("other pid", w4(a + 100000, &status, 0, NULL));
    CHECK("wait specific", w4(a, &status, 0, &ru) == a);
    printf("status: %s\n", t_child_status(status));
    printf("rusage maxrss sane: %d\n", ru.ru_maxrss >= 0);

    /* killed by a signal */
    pid_t b = fork();
    if (b == 0) {
        for (;;)
            pause();
    }
    kill(b, SIGTERM);
    w4(b, &status, 0, NULL);
    printf("killed: WIFSIGNALED=%d sig=%s\n", WIFSIGNALED(status), sigabbrev_np(WTERMSIG(status)));
    b = fork();
    if (b == 0) {
        signal(SIGUSR1, SIG_DFL);
        raise(SIGUSR1);
        _exit(0);
    }
    w4(b, &status, 0, NULL);
    printf("raise(SIGUSR1): %s\n", t_child_status(status));

    /* stopped and continued; the child then waits for the pipe to close,
     * so that it has not exited yet when WCONTINUED is asked for */
    int hold[2];
    pipe(hold);
    b = fork();
    if (b == 0) {
        close(hold[1]);
        raise(SIGSTOP);
        char c;
        read(hold[0], &c, 1);
        _exit(8);
    }
    close(hold[0]);
    CHECK("WUNTRACED", w4(b, &status, WUNTRACED, NULL) == b);
    printf("stopped: WIFSTOPPED=%d sig=%s\n", WIFSTOPPED(status), sigabbrev_np(WSTOPSIG(status)));
    kill(b, SIGCONT);
    CHECK("WCONTINUED", w4(b, &status, WCONTINUED, NULL) == b);
    printf("continued: WIFCONTINUED=%d\n", WIFCONTINUED(status));
    close(hold[1]);
    w4(b, &status, 0, NULL);
    printf("then: %s\n", t_child_status(status));

    /* -1 reaps any child; exit codes come back in some order */
    int sum = 0, n = 0;
    for (int i = 1; i <= 5; i++)
        if (fork() == 0)
            _exit(i * 10);
    pid_t r;
    while ((r = w4(-1, &status, 0, NULL)) > 0) {
        sum += WEXITSTATUS(status);
        n++;
    }
    printf("reaped %d children, sum %d, then %s\n", n, sum, errname(errno));

    /* pid 0: children in our process group */
    a = fork();
    if (a == 0)
        _exit(2);
    CHECK("pid 0 (same pgrp)", w4(0, &status, 0, NULL) == a);
    /* -pgid */
    a = fork();
    if (a == 0)
        _exit(3);
    CHECK("pid -pgrp", w4(-getpgrp(), &status, 0, NULL) == a);

    /* NULL status is allowed; bad status pointer gives EFAULT (child reaped) */
    a = fork();
    if (a == 0)
        _exit(0);
    CHECK("NULL status", w4(a, NULL, 0, NULL) == a);
    a = fork();
    if (a == 0)
        _exit(0);
    usleep(50000);
    CHECK("0x1 status", w4(a, BADPTR, 0, NULL));
    CHECK("child gone after EFAULT", w4(-1, &status, WNOHANG, NULL));
    a = fork();
    if (a == 0)
        _exit(0);
    CHECK("kernel status", w4(a, KPTR, 0, NULL));
    CHECK("child gone after EFAULT", w4(-1, &status, WNOHANG, NULL));

    /* zombie stays until reaped */
    a = fork();
    if (a == 0)
        _exit(12);
    usleep(100000);
    CHECK("kill zombie with 0 (exists)", kill(a, 0));
    w4(a, &status, 0, NULL);
    CHECK("kill reaped pid", kill(a, 0));
    return 0;
}
