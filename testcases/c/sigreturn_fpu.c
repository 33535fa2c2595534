/* rt_sigreturn restores the FP/SIMD registers and control state that a
 * handler clobbered, and the general registers the interrupted code held. */
#include "t.h"

#define NREG 16
static volatile int handler_round_ok = -1;

/* The SSE / F-extension rounding mode, read and set directly (fenv.h's
 * functions live in libm, which the tests do not link). */
enum { ROUND_NEAREST, ROUND_DOWN, ROUND_UP };
#if defined(__x86_64__)
static int get_round(void)
{
    unsigned int m;
    __asm__ volatile("stmxcsr %0" : "=m"(m));
    return (m >> 13) & 3; /* 0 nearest, 1 down, 2 up */
}
static void set_round(int r)
{
    unsigned int m;
    __asm__ volatile("stmxcsr %0" : "=m"(m));
    m = (m & ~(3u << 13)) | ((unsigned)r << 13);
    __asm__ volatile("ldmxcsr %0" : : "m"(m));
}
#else
static int get_round(void)
{
    unsigned long frm;
    __asm__ volatile("frrm %0" : "=r"(frm));
    return frm == 0 ? ROUND_NEAREST : frm == 2 ? ROUND_DOWN : frm == 3 ? ROUND_UP : 3;
}
static void set_round(int r)
{
    unsigned long frm = r == ROUND_NEAREST ? 0 : r == ROUND_DOWN ? 2 : 3;
    __asm__ volatile("fsrm %0" : : "r"(frm));
}
#endif

#if defined(__x86_64__)
/* Loads xmm0-15 from `in`, sends SIGUSR1 to this thread with a raw tgkill
 * (the signal arrives on the syscall's return), stores xmm0-15 to `out`. */
static void fp_roundtrip(const double *in, double *out)
{
    long pid = getpid(), tid = syscall(SYS_gettid);
    __asm__ volatile(
        "movsd 0(%[i]), %%xmm0\n movsd 8(%[i]), %%xmm1\n movsd 16(%[i]), %%xmm2\n movsd 24(%[i]), %%xmm3\n"
        "movsd 32(%[i]), %%xmm4\n movsd 40(%[i]), %%xmm5\n movsd 48(%[i]), %%xmm6\n movsd 56(%[i]), %%xmm7\n"
        "movsd 64(%[i]), %%xmm8\n movsd 72(%[i]), %%xmm9\n movsd 80(%[i]), %%xmm10\n movsd 88(%[i]), %%xmm11\n"
        "movsd 96(%[i]), %%xmm12\n movsd 104(%[i]), %%xmm13\n movsd 112(%[i]), %%xmm14\n movsd 120(%[i]), %%xmm15\n"
        "mov %[nr], %%eax\n mov %[pid], %%rdi\n mov %[tid], %%rsi\n mov %[sig], %%edx\n syscall\n"
        "movsd %%xmm0, 0(%[o])\n movsd %%xmm1, 8(%[o])\n movsd %%xmm2, 16(%[o])\n movsd %%xmm3, 24(%[o])\n"
        "movsd %%xmm4, 32(%[o])\n movsd %%xmm5, 40(%[o])\n movsd %%xmm6, 48(%[o])\n movsd %%xmm7, 56(%[o])\n"
        "movsd %%xmm8, 64(%[o])\n movsd %%xmm9, 72(%[o])\n movsd %%xmm10, 80(%[o])\n movsd %%xmm11, 88(%[o])\n"
        "movsd %%xmm12, 96(%[o])\n movsd %%xmm13, 104(%[o])\n movsd %%xmm14, 112(%[o])\n movsd %%xmm15, 120(%[o])\n"
        :
        : [i] "r"(in), [o] "r"(out), [nr] "i"(SYS_tgkill), [pid] "r"(pid), [tid] "r"(tid), [sig] "i"(SIGUSR1)
        : "rax", "rdi", "rsi", "rdx", "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
          "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
}

static void clobber_fp(void)
{
    double junk = -12345.5;
    __asm__ volatile("movsd %0, %%xmm0\n movapd %%xmm0, %%xmm1\n movapd %%xmm0, %%xmm7\n movapd %%xmm0, %%xmm8\n"
                     "movapd %%xmm0, %%xmm15\n"
                     :
                     : "m"(junk)
                     : "xmm0", "xmm1", "xmm7", "xmm8", "xmm15");
}
#elif defined(__riscv)
static void fp_roundtrip(const double *in, double *out)
{
    long pid = getpid(), tid = syscall(SYS_gettid);
    register long a0 __asm__("a0") = pid;
    register long a1 __asm__("a1") = tid;
    register long a2 __asm__("a2") = SIGUSR1;
    register long a7 __asm__("a7") = SYS_tgkill;
    __asm__ volatile(
        "fld f0, 0(%[i])\n fld f1, 8(%[i])\n fld f2, 16(%[i])\n fld f3, 24(%[i])\n"
        "fld f8, 32(%[i])\n fld f9, 40(%[i])\n fld f10, 48(%[i])\n fld f11, 56(%[i])\n"
        "fld f18, 64(%[i])\n fld f19, 72(%[i])\n fld f20, 80(%[i])\n fld f21, 88(%[i])\n"
        "fld f28, 96(%[i])\n fld f29, 104(%[i])\n fld f30, 112(%[i])\n fld f31, 120(%[i])\n"
        "ecall\n"
        "fsd f0, 0(%[o])\n fsd f1, 8(%[o])\n fsd f2, 16(%[o])\n fsd f3, 24(%[o])\n"
        "fsd f8, 32(%[o])\n fsd f9, 40(%[o])\n fsd f10, 48(%[o])\n fsd f11, 56(%[o])\n"
        "fsd f18, 64(%[o])\n fsd f19, 72(%[o])\n fsd f20, 80(%[o])\n fsd f21, 88(%[o])\n"
        "fsd f28, 96(%[o])\n fsd f29, 104(%[o])\n fsd f30, 112(%[o])\n fsd f31, 120(%[o])\n"
        : "+r"(a0)
        : [i] "r"(in), [o] "r"(out), "r"(a1), "r"(a2), "r"(a7)
        : "memory", "f0", "f1", "f2", "f3", "f8", "f9", "f10", "f11", "f18", "f19", "f20", "f21", "f28", "f29",
          "f30", "f31");
}

static void clobber_fp(void)
{
    double junk = -12345.5;
    __asm__ volatile("fld f0, %0\n fmv.d f1, f0\n fmv.d f8, f0\n fmv.d f18, f0\n fmv.d f31, f0\n"
                     :
                     : "m"(junk)
                     : "f0", "f1", "f8", "f18", "f31");
}
#endif

static void handler(int sig)
{
    (void)sig;
    /* x86_64 handlers start with a fresh FPU (round to nearest); riscv64
     * ones inherit fcsr. */
    handler_round_ok = get_round() == ROUND_NEAREST;
    clobber_fp();
    set_round(ROUND_UP);
    volatile double x = 1.0, y = 3.0;
    volatile double z = x / y; /* uses the clobbered unit */
    (void)z;
}

/* General registers: values live in callee-saved registers across a signal. */
static long gpr_check(void)
{
    volatile long seed = 7;
    long a = seed * 3, b = seed * 5, c = seed * 7, d = seed * 11, e = seed * 13, f = seed * 17;
    raise(SIGUSR1);
    return (a == 21) + (b == 35) + (c == 49) + (d == 77) + (e == 91) + (f == 119);
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sigaction(SIGUSR1, &sa, NULL);

    double in[NREG], out[NREG];
    for (int i = 0; i < NREG; i++) {
        in[i] = 1.25 * (i + 1) + 0.0625;
        out[i] = 0;
    }
    set_round(ROUND_DOWN);
    fp_roundtrip(in, out);
    int same = 0;
    for (int i = 0; i < NREG; i++)
        same += in[i] == out[i];
    printf("FP registers preserved across the handler: %d of %d\n", same, NREG);
    printf("rounding mode restored: %d\n", get_round() == ROUND_DOWN);
    if (strcmp(ARCH_NAME, "x86_64") == 0)
        printf("handler started with default rounding: %d\n", handler_round_ok);
    set_round(ROUND_NEAREST);

    /* FP arithmetic still right afterwards */
    volatile double a = 2.0, b = 0.1;
    printf("2.0 * 0.1 = %.17g\n", a * b);
    printf("general registers preserved: %ld of 6\n", gpr_check());
    return 0;
}
