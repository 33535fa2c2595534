/* The x86_64 vDSO: the common clock functions (common.h), time(2), and
 * the plain names as weak aliases, as Linux's has them (version LINUX_2.6,
 * see x86_64.map). */

#include <stdint.h>

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

/* The TSC. LFENCE keeps the read after the loads before it (Linux's
 * rdtsc_ordered), so time never runs backwards across a context. */
static uint64_t read_counter(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

#include "common.h"

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

int clock_gettime(long, struct k_timespec *) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct k_timeval *, struct k_timezone *)
    __attribute__((weak, alias("__vdso_gettimeofday")));
long time(long *) __attribute__((weak, alias("__vdso_time")));
int clock_getres(long, struct k_timespec *) __attribute__((weak, alias("__vdso_clock_getres")));
int getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_getcpu")));
