/* clock_nanosleep(2): relative and absolute sleeps, which clocks may sleep,
 * EINTR with the time left (relative only), CPU clocks. */
#include "t.h"
#include <pthread.h>
#include <time.h>

#define CPUCLOCK_SCHED 2
#define MAKE_PROCESS_CPUCLOCK(pid, clock) ((int)((~(unsigned)(pid)) << 3) | (clock))
#define MAKE_THREAD_CPUCLOCK(tid, clock) (MAKE_PROCESS_CPUCLOCK(tid, clock) | 4)

static long long ns(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static long sys_cns(int clock, int flags, const struct timespec *req, struct timespec *rem)
{
    return syscall(SYS_clock_nanosleep, clock, flags, req, rem);
}

static void onsig(int s) { (void)s; }

static volatile int stop;
static void *spin(void *arg)
{
    (void)arg;
    while (!stop)
        ;
    return NULL;
}

int main(void)
{
    struct timespec req = {0, 50000000}, rem;
    long long t0 = ns(CLOCK_MONOTONIC);
    CHECK("relative MONOTONIC 50ms", sys_cns(CLOCK_MONOTONIC, 0, &req, NULL));
    EXPECT("slept >= 50ms", ns(CLOCK_MONOTONIC) - t0 >= 50000000LL);
    t0 = ns(CLOCK_MONOTONIC);
    CHECK("relative REALTIME 50ms", sys_cns(CLOCK_REALTIME, 0, &req, &rem));
    CHECK("relative BOOTTIME 50ms", sys_cns(CLOCK_BOOTTIME, 0, &req, &rem));
    CHECK("relative TAI 50ms", sys_cns(CLOCK_TAI, 0, &req, &rem));
    EXPECT("slept >= 150ms", ns(CLOCK_MONOTONIC) - t0 >= 150000000LL);
    CHECK("unknown flags are ignored", sys_cns(CLOCK_MONOTONIC, 2, &req, NULL));

    int abs_clocks[] = {CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_BOOTTIME};
    const char *names[] = {"MONOTONIC", "REALTIME", "BOOTTIME"};
    for (int i = 0; i < 3; i++) {
        char label[64];
        struct timespec dl;
        clock_gettime(abs_clocks[i], &dl);
        dl.tv_nsec += 60000000;
        if (dl.tv_nsec >= 1000000000) {
            dl.tv_sec++;
            dl.tv_nsec -= 1000000000;
        }
        t0 = ns(CLOCK_MONOTONIC);
        snprintf(label, sizeof label, "TIMER_ABSTIME %s +60ms", names[i]);
        CHECK(label, sys_cns(abs_clocks[i], TIMER_ABSTIME, &dl, NULL));
        snprintf(label, sizeof label, "TIMER_ABSTIME %s slept >= 50ms", names[i]);
        EXPECT(label, ns(CLOCK_MONOTONIC) - t0 >= 50000000LL);
        struct timespec past = {0, 0};
        t0 = ns(CLOCK_MONOTONIC);
        snprintf(label, sizeof label, "TIMER_ABSTIME %s in the past", names[i]);
        CHECK(label, sys_cns(abs_clocks[i], TIMER_ABSTIME, &past, NULL));
        snprintf(label, sizeof label, "TIMER_ABSTIME %s past returns at once", names[i]);
        EXPECT(label, ns(CLOCK_MONOTONIC) - t0 < 500000000LL); /* a loaded host may be slow, never 60 ms late */
    }

    /* errors */
    struct timespec bad = {0, 1000000000}, neg = {-1, 0};
    CHECK("tv_nsec = 1e9", sys_cns(CLOCK_MONOTONIC, 0, &bad, NULL));
    CHECK("tv_sec = -1", sys_cns(CLOCK_MONOTONIC, 0, &neg, NULL));
    CHECK("req NULL", sys_cns(CLOCK_MONOTONIC, 0, NULL, NULL));
    CHECK("req BADPTR", sys_cns(CLOCK_MONOTONIC, 0, BADPTR, NULL));
    CHECK("unknown clock 100", sys_cns(100, 0, &req, NULL));
    CHECK("unknown clock 10", sys_cns(10, 0, &req, NULL));
    if (!REF_IS_QEMU) /* qemu-user reads the request first */
        CHECK("unknown clock 100, bad req", sys_cns(100, 0, BADPTR, NULL));
    CHECK("MONOTONIC_RAW", sys_cns(CLOCK_MONOTONIC_RAW, 0, &req, NULL));
    CHECK("REALTIME_COARSE", sys_cns(CLOCK_REALTIME_COARSE, 0, &req, NULL));
    CHECK("MONOTONIC_COARSE", sys_cns(CLOCK_MONOTONIC_COARSE, 0, &req, NULL));
    if (!REF_IS_QEMU)
        CHECK("MONOTONIC_COARSE, bad req", sys_cns(CLOCK_MONOTONIC_COARSE, 0, BADPTR, NULL));
    CHECK("THREAD_CPUTIME_ID (raw)", sys_cns(CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL));
    printf("THREAD_CPUTIME_ID (libc): %s\n",
           errname(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL)));
    CHECK("own thread clock by tid 0", sys_cns(MAKE_THREAD_CPUCLOCK(0, CPUCLOCK_SCHED), 0, &req, NULL));
    CHECK("own thread clock by tid", sys_cns(MAKE_THREAD_CPUCLOCK(gettid(), CPUCLOCK_SCHED), 0, &req, NULL));
    CHECK("fd clock (fd 0)", sys_cns(MAKE_PROCESS_CPUCLOCK(0, 3), 0, &req, NULL));
    CHECK("cpu clock sample 3", sys_cns(MAKE_THREAD_CPUCLOCK(1, 3), 0, &req, NULL));
    pid_t gone = fork();
    if (gone == 0)
        _exit(0);
    waitpid(gone, NULL, 0);
    CHECK("process clock of a reaped pid", sys_cns(MAKE_PROCESS_CPUCLOCK(gone, CPUCLOCK_SCHED), 0, &req, NULL));

    /* the process CPU clock advances while another thread spins */
    pthread_t th;
    pthread_create(&th, NULL, spin, NULL);
    long long c0 = ns(CLOCK_PROCESS_CPUTIME_ID);
    CHECK("relative PROCESS_CPUTIME 100ms", sys_cns(CLOCK_PROCESS_CPUTIME_ID, 0, &(struct timespec){0, 100000000}, NULL));
    EXPECT("process cputime advanced >= 100ms", ns(CLOCK_PROCESS_CPUTIME_ID) - c0 >= 100000000LL);
    struct timespec dl;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &dl);
    dl.tv_nsec += 50000000;
    if (dl.tv_nsec >= 1000000000) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000;
    }
    CHECK("TIMER_ABSTIME PROCESS_CPUTIME +50ms", sys_cns(CLOCK_PROCESS_CPUTIME_ID, TIMER_ABSTIME, &dl, NULL));
    EXPECT("process cputime reached the deadline", ns(CLOCK_PROCESS_CPUTIME_ID) >= dl.tv_sec * 1000000000LL + dl.tv_nsec);
    pid_t tid = 0;
    (void)tid;
    CHECK("libc clock_nanosleep PROCESS_CPUTIME 20ms", clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, 0, &(struct timespec){0, 20000000}, NULL));
    stop = 1;
    pthread_join(th, NULL);

    /* EINTR: relative sleeps report the time left, absolute ones do not */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = onsig;
    sigaction(SIGUSR1, &sa, NULL);
    pid_t c = t_signal_later(SIGUSR1, 100);
    struct timespec two = {2, 0};
    rem.tv_sec = 99;
    rem.tv_nsec = 0;
    CHECK("relative 2s, signal after 100ms", sys_cns(CLOCK_MONOTONIC, 0, &two, &rem));
    EXPECT("rem between 1s and 2s", rem.tv_sec == 1 || (rem.tv_sec == 0 && rem.tv_nsec > 500000000));
    waitpid(c, NULL, 0);
    c = t_signal_later(SIGUSR1, 100);
    rem.tv_sec = 99;
    CHECK("relative 2s, rem NULL, signal", sys_cns(CLOCK_REALTIME, 0, &two, NULL));
    waitpid(c, NULL, 0);
    c = t_signal_later(SIGUSR1, 100);
    clock_gettime(CLOCK_MONOTONIC, &dl);
    dl.tv_sec += 2;
    rem.tv_sec = 99;
    CHECK("absolute +2s, signal after 100ms", sys_cns(CLOCK_MONOTONIC, TIMER_ABSTIME, &dl, &rem));
    EXPECT("absolute: rem untouched", rem.tv_sec == 99);
    waitpid(c, NULL, 0);
    c = t_signal_later(SIGUSR1, 100);
    rem.tv_sec = 99;
    CHECK("relative 2s, rem BADPTR, signal", sys_cns(CLOCK_MONOTONIC, 0, &two, BADPTR));
    waitpid(c, NULL, 0);

    /* with SA_RESTART the relative sleep still fails with EINTR */
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    c = t_signal_later(SIGUSR1, 100);
    CHECK("relative 2s, SA_RESTART handler", sys_cns(CLOCK_MONOTONIC, 0, &two, &rem));
    waitpid(c, NULL, 0);
    return 0;
}
