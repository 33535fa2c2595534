/* The vDSO's functions every arch has (included by x86_64.c and
 * riscv64.c, which first define NR_*, syscall3() and read_counter()).
 * clock_gettime, gettimeofday (and time on x86_64)
 * read the clock without entering the kernel, as Linux's vDSO does: the
 * kernel's monotonic clock is a free-running counter (x86_64: the TSC,
 * riscv64: the `time` CSR) scaled by a fixed multiplier, whose parameters
 * it puts in the [vvar] page mapped just below this object. The result is
 * the kernel's own reading to the nanosecond (the same integer formula), so
 * a time from here and one from a syscall never disagree. Clocks read here:
 * REALTIME, MONOTONIC and their variants, BOOTTIME, TAI; the others, and
 * everything when the kernel cannot let user space read its counter, take
 * the syscall.
 *
 * Built freestanding (no libc, no libgcc): see api/build.rs. */

#include <stdint.h>

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

/* The [vvar] page, as api/src/task/vdso.rs fills it. Its values are
 * constant after boot (nothing sets the clock), so no sequence count. */
struct vvar_clock {
    uint64_t counter_ok;      /* 0: user space cannot read the clock, use syscalls */
    uint64_t counter_at_boot; /* counter value at monotonic time 0 */
    uint64_t mult;            /* nanoseconds = (ticks * mult) >> 32 */
    uint64_t epoch_offset_ns; /* CLOCK_REALTIME - CLOCK_MONOTONIC */
};

/* Placed by vdso.lds one page below the vDSO's first byte. */
extern const volatile struct vvar_clock vvar_clock __attribute__((visibility("hidden")));

#define NSEC_PER_SEC 1000000000UL

static uint64_t monotonic_ns(void)
{
    uint64_t ticks = read_counter() - vvar_clock.counter_at_boot;
    return (uint64_t)(((unsigned __int128)ticks * vvar_clock.mult) >> 32);
}

/* Nanoseconds of `clock` into *ns; 0 when it must be read by syscall. */
static int read_clock(long clock, uint64_t *ns)
{
    if (!vvar_clock.counter_ok)
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

int __vdso_clock_getres(long clock, struct k_timespec *res)
{
    return syscall3(NR_clock_getres, clock, (long)res, 0);
}

int __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused)
{
    return syscall3(NR_getcpu, (long)cpu, (long)node, (long)unused);
}
