/* rseq(2): glibc registers its area at startup; the kernel keeps cpu_id in
 * it current (sched_getcpu reads it); registration errors in Linux's order;
 * a critical section interrupted by a signal is aborted to its handler. */
#include "t.h"
#include <sched.h>
#include <sys/rseq.h>
#include <sys/time.h>

#define SIG 0x53053053
#ifndef RSEQ_SIG /* glibc registers no area on this arch */
#define RSEQ_SIG SIG
#endif

static struct rseq area __attribute__((aligned(32)));

static long rseq_call(void *a, unsigned len, int flags, unsigned sig)
{
    return syscall(SYS_rseq, a, len, flags, sig);
}

static int raw_getcpu(void)
{
    unsigned cpu = 0;
    syscall(SYS_getcpu, &cpu, NULL, NULL);
    return (int)cpu;
}

/* Every CPU of our mask: pinned there, glibc's sched_getcpu (which reads
 * the rseq area) agrees with the getcpu syscall. */
static void cpus_agree(const char *label)
{
    cpu_set_t all, one;
    sched_getaffinity(0, sizeof(all), &all);
    int ok = 1;
    for (int c = 0; c < CPU_SETSIZE; c++) {
        if (!CPU_ISSET(c, &all))
            continue;
        CPU_ZERO(&one);
        CPU_SET(c, &one);
        sched_setaffinity(0, sizeof(one), &one);
        ok &= sched_getcpu() == c && raw_getcpu() == c;
    }
    sched_setaffinity(0, sizeof(all), &all);
    printf("%s: sched_getcpu agrees on every CPU: %s\n", label, ok ? "ok" : "FAIL");
}

static void on_alarm(int sig)
{
    (void)sig;
}

/* Spins in a critical section until the kernel aborts it. */
static void spin_in_section(void)
{
#if defined(__x86_64__)
    __asm__ volatile(".pushsection __rseq_cs_test, \"aw\"\n\t"
                     ".balign 32\n\t"
                     "66: .long 0, 0\n\t"
                     ".quad 1f, 2f - 1f, 4f\n\t"
                     ".popsection\n\t"
                     "leaq 66b(%%rip), %%rax\n\t"
                     "movq %%rax, %[cs]\n\t"
                     "1: jmp 1b\n\t"
                     "2: .long 0x53053053\n\t"
                     "4:\n\t"
                     : [cs] "=m"(area.rseq_cs)
                     :
                     : "rax", "memory");
#elif defined(__riscv)
    __asm__ volatile(".pushsection __rseq_cs_test, \"aw\"\n\t"
                     ".balign 32\n\t"
                     "66: .long 0, 0\n\t"
                     ".dword 1f, 2f - 1f, 4f\n\t"
                     ".popsection\n\t"
                     "lla t0, 66b\n\t"
                     "sd t0, %[cs]\n\t"
                     "1: j 1b\n\t"
                     "2: .long 0x53053053\n\t"
                     "4:\n\t"
                     : [cs] "=m"(area.rseq_cs)
                     :
                     : "t0", "memory");
#endif
}

static void glibc_area(void);
static void own_area(void);

int main(void)
{
    printf("glibc registered an area: %s\n", __rseq_size ? "yes" : "no");
    /* qemu-user, riscv64's reference, has no rseq */
    if (REF_IS_QEMU)
        return 0;
    if (__rseq_size)
        glibc_area();
    own_area();
    return 0;
}

/* glibc's area: kept current, and the errors while it is registered. */
static void glibc_area(void)
{
    struct rseq *glibc = (struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
    cpus_agree("glibc's area");

    /* errors while one is registered */
    CHECK("another area", rseq_call(&area, 32, 0, RSEQ_SIG));
    CHECK("same area, other sig", rseq_call(glibc, 32, 0, RSEQ_SIG + 1));
    CHECK("same area again", rseq_call(glibc, 32, 0, RSEQ_SIG));
    CHECK("unregister, bad flags", rseq_call(glibc, 32, 3, RSEQ_SIG));
    CHECK("unregister another area", rseq_call(&area, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
    CHECK("unregister, wrong sig", rseq_call(glibc, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG + 1));
    CHECK("unregister", rseq_call(glibc, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
    printf("after unregister: cpu_id_start=%u cpu_id=%d\n", glibc->cpu_id_start, (int)glibc->cpu_id);
}

/* An area of our own: registration errors, the CPU written, an abort. */
static void own_area(void)
{
    /* registration errors */
    CHECK("flags 2", rseq_call(&area, 32, 2, SIG));
    CHECK("misaligned", rseq_call((char *)&area + 8, 32, 0, SIG));
    CHECK("len 31", rseq_call(&area, 31, 0, SIG));
    CHECK("kernel address", rseq_call((void *)((unsigned long)KPTR & ~31UL), 32, 0, SIG));
    area.cpu_id = 12345;
    CHECK("register own area", rseq_call(&area, 32, 0, SIG));
    printf("cpu_id written on the way back: %s\n", (int)area.cpu_id == raw_getcpu() ? "ok" : "FAIL");

    /* a signal aborts the critical section the thread spins in */
    signal(SIGALRM, on_alarm);
    struct itimerval t = {.it_interval = {0, 50000}, .it_value = {0, 50000}};
    setitimer(ITIMER_REAL, &t, NULL);
    spin_in_section();
    setitimer(ITIMER_REAL, &(struct itimerval){0}, NULL);
    printf("critical section aborted: ok, rseq_cs cleared: %s\n", area.rseq_cs == 0 ? "ok" : "FAIL");

    CHECK("unregister own area", rseq_call(&area, 32, RSEQ_FLAG_UNREGISTER, SIG));
}
