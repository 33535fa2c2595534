/* nanosleep(2) */
#include "t.h"
#include <time.h>

static long long now(void)
{
    struct timespec t;
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static volatile int got;
static void handler(int s) { (void)s; got++; }

int main(void)
{
    struct timespec req = {0, 30000000}, rem = {7, 7};
    long long t0 = now();
    CHECK("sleep 30ms", syscall(SYS_nanosleep, &req, &rem));
    long long d = now() - t0;
    printf("slept >= 30ms: %d, < 5s: %d\n", d >= 30000000, d < 5000000000LL);
    req.tv_sec = 0;
    req.tv_nsec = 0;
    CHECK("sleep 0", syscall(SYS_nanosleep, &req, NULL));
    req.tv_nsec = 1000000000;
    CHECK("tv_nsec = 1e9", syscall(SYS_nanosleep, &req, NULL));
    req.tv_nsec = -1;
    CHECK("tv_nsec = -1", syscall(SYS_nanosleep, &req, NULL));
    req.tv_sec = -1;
    req.tv_nsec = 0;
    CHECK("tv_sec = -1", syscall(SYS_nanosleep, &req, NULL));
    if (!REF_IS_QEMU) { /* qemu-user 7.2: EINVAL */
        CHECK("NULL req", syscall(SYS_nanosleep, NULL, NULL));
        CHECK("0x1 req", syscall(SYS_nanosleep, BADPTR, NULL));
        CHECK("kernel req", syscall(SYS_nanosleep, KPTR, NULL));
    }
    req.tv_sec = 0;
    req.tv_nsec = 1000;
    CHECK("bad rem is not touched when not interrupted", syscall(SYS_nanosleep, &req, BADPTR));

    /* interrupted by a signal: EINTR and the remaining time */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler; /* no SA_RESTART */
    sigaction(SIGUSR1, &sa, NULL);
    pid_t parent = getpid();
    pid_t c = fork();
    if (c == 0) {
        for (;;) {
            usleep(100000);
            kill(parent, SIGUSR1);
        }
    }
    req.tv_sec = 30;
    req.tv_nsec = 0;
    rem.tv_sec = rem.tv_nsec = -1;
    t0 = now();
    CHECK("interrupted", syscall(SYS_nanosleep, &req, &rem));
    d = now() - t0;
    kill(c, SIGKILL);
    waitpid(c, NULL, 0);
    printf("handler ran: %d, returned early: %d\n", got > 0, d < 20000000000LL);
    printf("rem sane: %d\n", rem.tv_sec >= 0 && rem.tv_sec <= 30 && rem.tv_nsec >= 0 && rem.tv_nsec < 1000000000 &&
                                 rem.tv_sec * 1000000000LL + rem.tv_nsec > 5000000000LL);
    return 0;
}
