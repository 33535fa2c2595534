/* A futex wait given a timeout that a signal interrupts: stopped and
 * continued (no handler runs), it goes on through restart_syscall until the
 * deadline it was first given, not a fresh timeout (Linux's
 * ERESTART_RESTARTBLOCK); with a handler it fails with EINTR even under
 * SA_RESTART. */
#include "t.h"
#include <linux/futex.h>

static long futex_wait(int *word, int val, const struct timespec *timeout)
{
    return syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, timeout, NULL, 0);
}

/* A child that stops the parent after `stop_ms` and continues it
 * `stopped_ms` later. */
static pid_t stop_and_continue_later(int stop_ms, int stopped_ms)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        usleep(stop_ms * 1000);
        kill(parent, SIGSTOP);
        usleep(stopped_ms * 1000);
        kill(parent, SIGCONT);
        _exit(0);
    }
    return pid;
}

static void on_usr1(int sig) { (void)sig; }

int main(void)
{
    static int word;
    struct timespec start, timeout = {.tv_sec = 1, .tv_nsec = 0};

    /* Stopped 200 ms in for 500 ms: the wait still ends at its 1 s deadline
     * (a restarted full timeout would end near 1.7 s). */
    clock_gettime(CLOCK_MONOTONIC, &start);
    pid_t child = stop_and_continue_later(200, 500);
    long r = futex_wait(&word, 0, &timeout);
    int e = errno;
    long ms = t_ms_since(&start);
    waitpid(child, NULL, 0);
    printf("stopped wait: %ld %s\n", r, r < 0 ? errname(e) : "");
    printf("stopped wait ends at its first deadline: %s\n", ms >= 950 && ms < 1600 ? "ok" : "FAIL");

    /* A handler runs: EINTR, SA_RESTART or not. */
    struct sigaction sa = {.sa_handler = on_usr1, .sa_flags = SA_RESTART};
    sigaction(SIGUSR1, &sa, NULL);
    child = t_signal_later(SIGUSR1, 200);
    r = futex_wait(&word, 0, &timeout);
    e = errno;
    waitpid(child, NULL, 0);
    printf("handled signal, SA_RESTART: %ld %s\n", r, r < 0 ? errname(e) : "");
    return 0;
}
