/* Clocks read through glibc (which uses the vDSO where the kernel maps
 * one: x86_64 and riscv64 here, as on Linux; none under qemu-user) and
 * through raw syscalls are one clock: interleaved, the readings never go
 * back, on every clock glibc reads; gettimeofday and time agree with
 * CLOCK_REALTIME; clock_getres gives the syscall's answer; all of this
 * also in a forked child and in a second thread. */
#include "t.h"
#include <pthread.h>
#include <sys/time.h>

static long long ns(struct timespec t)
{
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static long long raw_ns(clockid_t clock)
{
    struct timespec t = {0, 0};
    syscall(SYS_clock_gettime, clock, &t);
    return ns(t);
}

static const struct {
    clockid_t id;
    const char *name;
} clocks[] = {
    {CLOCK_REALTIME, "CLOCK_REALTIME"},
    {CLOCK_MONOTONIC, "CLOCK_MONOTONIC"},
    {CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW"},
    {CLOCK_REALTIME_COARSE, "CLOCK_REALTIME_COARSE"},
    {CLOCK_MONOTONIC_COARSE, "CLOCK_MONOTONIC_COARSE"},
    {CLOCK_BOOTTIME, "CLOCK_BOOTTIME"},
    {CLOCK_PROCESS_CPUTIME_ID, "CLOCK_PROCESS_CPUTIME_ID"},
    {CLOCK_THREAD_CPUTIME_ID, "CLOCK_THREAD_CPUTIME_ID"},
};
#define NCLOCKS (int)(sizeof clocks / sizeof clocks[0])

/* raw <= glibc <= raw, 2000 times over; 1 when it always held. */
static int interleaved(clockid_t clock)
{
    long long last = raw_ns(clock);
    for (int i = 0; i < 2000; i++) {
        struct timespec t;
        if (clock_gettime(clock, &t) != 0 || ns(t) < last || t.tv_nsec < 0 || t.tv_nsec >= 1000000000)
            return 0;
        long long after = raw_ns(clock);
        if (after < ns(t))
            return 0;
        last = after;
    }
    return 1;
}

static long long raw_us(void)
{
    struct timeval tv = {0, 0};
    syscall(SYS_gettimeofday, &tv, NULL);
    return tv.tv_sec * 1000000LL + tv.tv_usec;
}

static int gettimeofday_agrees(void)
{
    for (int i = 0; i < 500; i++) {
        long long a = raw_us();
        struct timeval tv;
        struct timezone tz = {-1, -1};
        if (gettimeofday(&tv, &tz) != 0 || tz.tz_minuteswest != 0 || tz.tz_dsttime != 0)
            return 0;
        long long us = tv.tv_sec * 1000000LL + tv.tv_usec;
        if (us < a || raw_us() < us || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
            return 0;
    }
    return 1;
}

/* time() is the coarse clock's seconds on Linux (the vDSO's base time,
 * updated at each tick), which may lag CLOCK_REALTIME just after a second
 * boundary: it lies between a coarse reading before and a precise one after. */
static int time_agrees(void)
{
    for (int i = 0; i < 500; i++) {
        long long a = raw_ns(CLOCK_REALTIME_COARSE) / 1000000000LL;
        time_t stored = 0, t = time(&stored);
        long long b = raw_ns(CLOCK_REALTIME) / 1000000000LL;
        if (t != stored || t < a || t > b)
            return 0;
    }
    return 1;
}

/* Every check; 1 when all held (for a child or a thread to report). */
static int all_agree(int print)
{
    int ok = 1;
    for (int i = 0; i < NCLOCKS; i++) {
        int r = interleaved(clocks[i].id);
        if (print)
            printf("%s: glibc and syscall readings interleaved never go back: %s\n", clocks[i].name,
                   r ? "ok" : "FAIL");
        ok &= r;
    }
    int r = gettimeofday_agrees();
    if (print)
        printf("gettimeofday within syscall readings, zero timezone: %s\n", r ? "ok" : "FAIL");
    ok &= r;
    r = time_agrees();
    if (print)
        printf("time within CLOCK_REALTIME_COARSE and CLOCK_REALTIME readings: %s\n", r ? "ok" : "FAIL");
    return ok & r;
}

static void *thread_checks(void *arg)
{
    (void)arg;
    return (void *)(long)all_agree(0);
}

int main(void)
{
    all_agree(1);
    for (int i = 0; i < NCLOCKS; i++) {
        struct timespec mine = {-1, -1}, sys = {-2, -2};
        int r = clock_getres(clocks[i].id, &mine);
        syscall(SYS_clock_getres, clocks[i].id, &sys);
        printf("%s: clock_getres as the syscall: %s\n", clocks[i].name,
               r == 0 && mine.tv_sec == sys.tv_sec && mine.tv_nsec == sys.tv_nsec ? "ok" : "FAIL");
    }
    struct timespec t;
    errno = 0;
    int r = clock_gettime((clockid_t)12345, &t);
    printf("clock_gettime of a bad clock: %d %s\n", r, errname(errno));

    pid_t c = fork();
    if (c == 0)
        _exit(all_agree(0) ? 0 : 1);
    int st;
    waitpid(c, &st, 0);
    printf("forked child: %s\n", t_child_status(st));
    pthread_t th;
    void *res;
    pthread_create(&th, NULL, thread_checks, NULL);
    pthread_join(th, &res);
    printf("second thread: %s\n", res ? "ok" : "FAIL");
    return 0;
}
