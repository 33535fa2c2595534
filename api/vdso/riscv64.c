/* The riscv64 vDSO: the common clock functions (common.h) and the entry
 * points Linux's riscv64 vDSO adds (version LINUX_4.15, see riscv64.map).
 * The kernel returns from signal handlers through its own trampoline page;
 * __vdso_rt_sigreturn is here for programs that look for it. */

#include <stdint.h>

#define NR_getcpu 168
#define NR_gettimeofday 169
#define NR_clock_gettime 113
#define NR_clock_getres 114
#define NR_rt_sigreturn 139
#define NR_riscv_hwprobe 258
#define NR_riscv_flush_icache 259

static long syscall5(long nr, long a, long b, long c, long d, long e)
{
    register long a0 __asm__("a0") = a;
    register long a1 __asm__("a1") = b;
    register long a2 __asm__("a2") = c;
    register long a3 __asm__("a3") = d;
    register long a4 __asm__("a4") = e;
    register long a7 __asm__("a7") = nr;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a7) : "memory");
    return a0;
}

static long syscall3(long nr, long a, long b, long c)
{
    return syscall5(nr, a, b, c, 0, 0);
}

/* The `time` CSR, which the kernel lets user mode read (scounteren.TM). */
static uint64_t read_counter(void)
{
    uint64_t t;
    __asm__ volatile("rdtime %0" : "=r"(t)::"memory");
    return t;
}

#include "common.h"

__asm__(".text\n"
        ".globl __vdso_rt_sigreturn\n"
        ".type __vdso_rt_sigreturn, @function\n"
        "__vdso_rt_sigreturn:\n"
        "  li a7, 139\n" /* NR_rt_sigreturn */
        "  ecall\n"
        ".size __vdso_rt_sigreturn, . - __vdso_rt_sigreturn\n");

int __vdso_flush_icache(void *start, void *end, unsigned long flags)
{
    return syscall3(NR_riscv_flush_icache, (long)start, (long)end, (long)flags);
}

int __vdso_riscv_hwprobe(void *pairs, unsigned long count, unsigned long cpusetsize, void *cpus,
                         unsigned flags)
{
    return syscall5(NR_riscv_hwprobe, (long)pairs, (long)count, (long)cpusetsize, (long)cpus,
                    (long)flags);
}
