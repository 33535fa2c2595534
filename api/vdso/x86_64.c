/* The x86_64 vDSO's functions. clock_gettime, gettimeofday and time read
 * the clock without entering the kernel, as Linux's vDSO does: the kernel's
 * monotonic clock is the TSC scaled by a fixed multiplier, whose parameters
 * it puts in the [vvar] page mapped just below this object. The result is
 * the kernel's own reading to the nanosecond (the same integer formula), so
 * a time from here and one from a syscall never disagree. Clocks read here:
 * REALTIME, MONOTONIC and their variants, BOOTTIME, TAI; the others, and
 * everything when the kernel's clock is not the TSC, take the syscall.
 *
 * Built freestanding (no libc, no libgcc): see api/build.rs. */

#include <stdint.h>

/* The [vvar] page, as api/src/task/vdso.rs fills it. Its values are
 * constant after boot (nothing sets the clock), so no sequence count. */
struct vvar_clock {
    uint64_t tsc_ok;          /* 0: the clock is not the TSC, use syscalls */
    uint64_t tsc_at_boot;     /* TSC value at monotonic time 0 */
    uint64_t mult;            /* nanoseconds = (ticks * mult) >> 32 */
    uint64_t epoch_offset_ns; /* CLOCK_REALTIME - CLOCK_MONOTONIC */
};

/* Placed by vdso.lds one page below the vDSO's first byte. */
extern const volatile struct vvar_clock vvar_clock __attribute__((visibility("hidden")));

struct k_timespec {
    long tv_sec;
    long tv_nsec;
};
struct k_timeval {
    long tv_sec;
    long tv_usec;
};
struct k_timezone {
    int tz_minuteswest;
    int tz_dsttime;
};

#define NSEC_PER_SEC 1000000000UL
#define NR_gettimeofday 96
#define NR_time 201
#define NR_clock_gettime 228
#define NR_clock_getres 229
#define NR_getcpu 309

static long syscall3(long nr, long a, long b, long c)
{
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "0"(nr), "D"(a), "S"(b), "d"(c)
                     : "rcx", "r11", "memory");
    return ret;
}

/* LFENCE keeps the TSC read after the loads before it (Linux's
 * rdtsc_ordered), so time never runs backwards across a context. */
static uint64_t rdtsc_ordered(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

static uint64_t monotonic_ns(void)
{
    uint64_t ticks = rdtsc_ordered() - vvar_clock.tsc_at_boot;
    return (uint64_t)(((unsigned __int128)ticks * vvar_clock.mult) >> 32);
}

/* Nanoseconds of `clock` into *ns; 0 when it must be read by syscall. */
static int read_clock(long clock, uint64_t *ns)
{
    if (!vvar_clock.tsc_ok)
        return 0;
    switch (clock) {
    case 0:  /* CLOCK_REALTIME */
    case 5:  /* CLOCK_REALTIME_COARSE */
    case 11: /* CLOCK_TAI */
        *ns = monotonic_ns() + vvar_clock.epoch_offset_ns;
        return 1;
    case 1: /* CLOCK_MONOTONIC */
    case 4: /* CLOCK_MONOTONIC_RAW */
    case 6: /* CLOCK_MONOTONIC_COARSE */
    case 7: /* CLOCK_BOOTTIME */
        *ns = monotonic_ns();
        return 1;
    default:
        return 0;
    }
}

int __vdso_clock_gettime(long clock, struct k_timespec *ts)
{
    uint64_t ns;
    if (!read_clock(clock, &ns))
        return syscall3(NR_clock_gettime, clock, (long)ts, 0);
    ts->tv_sec = ns / NSEC_PER_SEC;
    ts->tv_nsec = ns % NSEC_PER_SEC;
    return 0;
}

int __vdso_gettimeofday(struct k_timeval *tv, struct k_timezone *tz)
{
    uint64_t ns;
    if (!read_clock(0, &ns))
        return syscall3(NR_gettimeofday, (long)tv, (long)tz, 0);
    if (tv) {
        tv->tv_sec = ns / NSEC_PER_SEC;
        tv->tv_usec = ns % NSEC_PER_SEC / 1000;
    }
    if (tz) { /* the kernel's timezone is UTC, all zeros */
        tz->tz_minuteswest = 0;
        tz->tz_dsttime = 0;
    }
    return 0;
}

long __vdso_time(long *t)
{
    uint64_t ns;
    if (!read_clock(0, &ns))
        return syscall3(NR_time, (long)t, 0, 0);
    long secs = ns / NSEC_PER_SEC;
    if (t)
        *t = secs;
    return secs;
}

int __vdso_clock_getres(long clock, struct k_timespec *res)
{
    return syscall3(NR_clock_getres, clock, (long)res, 0);
}

int __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused)
{
    return syscall3(NR_getcpu, (long)cpu, (long)node, (long)unused);
}

/* The plain names, weak, as Linux's vDSO has them. */
int clock_gettime(long, struct k_timespec *) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct k_timeval *, struct k_timezone *)
    __attribute__((weak, alias("__vdso_gettimeofday")));
long time(long *) __attribute__((weak, alias("__vdso_time")));
int clock_getres(long, struct k_timespec *) __attribute__((weak, alias("__vdso_clock_getres")));
int getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_getcpu")));
