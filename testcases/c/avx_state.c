/* AVX state (x86_64): the full 256-bit YMM registers belong to each thread.
 *   - AVX is enabled (CPUID OSXSAVE/AVX, XCR0 has SSE and AVX);
 *   - ymm0-15 survive context switches (two threads pinned to one CPU
 *     alternating through sched_yield);
 *   - they survive a signal handler that clobbers them, and the handler sees
 *     Linux's signal frame: UC_FP_XSTATE, struct _fpx_sw_bytes, the XSAVE
 *     header and FP_XSTATE_MAGIC2;
 *   - an edit of the saved YMM_Hi128 area in the frame is restored by
 *     rt_sigreturn;
 *   - fork copies them (checked in the parent and the child).
 * Registers are loaded, the syscall made and the registers stored in one asm
 * block, so no compiler code can touch them in between.
 * On riscv64 the program only says that it is x86_64-only. */
#include "t.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <pthread.h>
#include <sched.h>
#include <ucontext.h>

#define NYMM 16
typedef struct {
    uint64_t q[4]; /* q[0..1]: the xmm half, q[2..3]: the upper half */
} ymm_t;

/* Signal frame layout (arch/x86/include/uapi/asm/sigcontext.h; glibc's
 * <signal.h> has FP_XSTATE_MAGIC1/2 and struct _fpx_sw_bytes, whose
 * xfeatures field it calls xstate_bv). */
#define UC_FP_XSTATE 0x1
#define SW_BYTES_OFF 464  /* struct _fpx_sw_bytes inside the FXSAVE image */
#define XSTATE_BV_OFF 512 /* XSAVE header: XSTATE_BV */
#define YMM_HI128_OFF 576 /* AVX component: upper halves of ymm0-15, 16 bytes each */
#define XFEATURE_YMM (1u << 2)

/* One instruction for each of the 16 registers. */
#define ALL16(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)
#define YMM_LOAD(n) "vmovdqu " #n "*32(%[in]), %%ymm" #n "\n\t"
#define YMM_STORE(n) "vmovdqu %%ymm" #n ", " #n "*32(%[out])\n\t"
#define YMM_ONES(n) "vpcmpeqb %%ymm" #n ", %%ymm" #n ", %%ymm" #n "\n\t"
#define YMM_CLOBBERS                                                                                      \
    "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", \
        "xmm13", "xmm14", "xmm15"

/* Loads ymm0-15 from in, makes a raw syscall nr(a0, a1, a2), stores ymm0-15
 * to out; returns the syscall's result. */
static long ymm_syscall(const ymm_t *in, ymm_t *out, long nr, long a0, long a1, long a2)
{
    long ret = nr;
    __asm__ volatile(ALL16(YMM_LOAD) "syscall\n\t" ALL16(YMM_STORE) "vzeroupper"
                     : "+a"(ret)
                     : [in] "r"(in), [out] "r"(out), "D"(a0), "S"(a1), "d"(a2)
                     : "rcx", "r11", "memory", YMM_CLOBBERS);
    return ret;
}

static void ymm_set_all_ones(void)
{
    __asm__ volatile(ALL16(YMM_ONES) : : : YMM_CLOBBERS);
}

/* A pattern distinct for every tag, round, register and 64-bit lane, with
 * non-zero upper halves (splitmix64). */
static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return (x ^ (x >> 31)) | 1;
}

static void fill(ymm_t *r, unsigned tag, unsigned round)
{
    for (int i = 0; i < NYMM; i++)
        for (int l = 0; l < 4; l++)
            r[i].q[l] = mix(((uint64_t)tag << 48) ^ ((uint64_t)round << 16) ^ (uint64_t)(i * 4 + l));
}

/* Number of registers that differ. */
static int ymm_diff(const ymm_t *a, const ymm_t *b)
{
    int n = 0;
    for (int i = 0; i < NYMM; i++)
        n += memcmp(&a[i], &b[i], sizeof(ymm_t)) != 0;
    return n;
}

static const char *okfail(int ok) { return ok ? "ok" : "FAIL"; }

/* ---- 1. AVX usable ---- */
static int avx_usable(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
    printf("cpuid OSXSAVE and AVX: %s\n", osxsave && avx ? "ok" : "missing");
    if (!osxsave || !avx)
        return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    int enabled = (lo & 6) == 6;
    printf("XCR0 has SSE and AVX: %s\n", enabled ? "ok" : "missing");
    if (!enabled)
        return 0;
    __cpuid_count(0xd, 2, a, b, c, d);
    EXPECT("cpuid 0xd.2: YMM_Hi128 at offset 576", b == YMM_HI128_OFF);
    return 1;
}

/* ---- 2. context switches ---- */
#define YIELD_ROUNDS 2000
static pthread_barrier_t start_barrier;
static int pin_cpu;

static void *yielder(void *arg)
{
    unsigned tag = (unsigned)(uintptr_t)arg;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(pin_cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
    pthread_barrier_wait(&start_barrier);
    long bad = 0;
    ymm_t in[NYMM], out[NYMM];
    for (unsigned round = 0; round < YIELD_ROUNDS; round++) {
        fill(in, tag, round);
        memset(out, 0, sizeof(out));
        ymm_syscall(in, out, SYS_sched_yield, 0, 0, 0);
        bad += ymm_diff(in, out) != 0;
    }
    return (void *)bad;
}

static void test_context_switch(void)
{
    cpu_set_t initial;
    pin_cpu = 0; /* the first CPU we may run on: CPU 0 unless restricted */
    if (sched_getaffinity(0, sizeof(initial), &initial) == 0)
        for (int i = 0; i < CPU_SETSIZE; i++)
            if (CPU_ISSET(i, &initial)) {
                pin_cpu = i;
                break;
            }
    pthread_barrier_init(&start_barrier, NULL, 2);
    pthread_t th[2];
    for (int t = 0; t < 2; t++)
        pthread_create(&th[t], NULL, yielder, (void *)(uintptr_t)(t + 1));
    long bad = 0;
    for (int t = 0; t < 2; t++) {
        void *r;
        pthread_join(th[t], &r);
        bad += (long)r;
    }
    pthread_barrier_destroy(&start_barrier);
    printf("ymm across sched_yield: %s\n", bad == 0 ? "ok" : "FAIL");
    if (bad)
        printf("  rounds with a changed register: %ld of %d\n", bad, 2 * YIELD_ROUNDS);
}

/* ---- 3-5. signal frames ---- */
static const uint64_t edit_value[2] = {0x0123456789abcdefull, 0xfedcba9876543210ull};
static volatile int edit_frame; /* the handler writes edit_value into ymm3's saved upper half */
static struct {
    int called, has_fpregs, uc_flags_ok, magic1_ok, size_ok, ext_size_ok, xfeatures_ok, magic2_ok, bv_ok;
} seen;

static void handler(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)si;
    ucontext_t *uc = ctx;
    unsigned char *fp = (unsigned char *)uc->uc_mcontext.fpregs;
    seen.called = 1;
    ymm_set_all_ones(); /* rt_sigreturn must undo this */
    seen.uc_flags_ok = (uc->uc_flags & UC_FP_XSTATE) != 0;
    seen.has_fpregs = fp != NULL;
    if (!fp)
        return;
    struct _fpx_sw_bytes sw;
    memcpy(&sw, fp + SW_BYTES_OFF, sizeof(sw));
    seen.magic1_ok = sw.magic1 == FP_XSTATE_MAGIC1;
    if (!seen.magic1_ok)
        return; /* no XSAVE area: nothing else is valid */
    seen.size_ok = sw.xstate_size >= YMM_HI128_OFF + NYMM * 16;
    seen.ext_size_ok = sw.extended_size == sw.xstate_size + 4;
    seen.xfeatures_ok = (sw.xstate_bv & 7) == 7;
    uint32_t magic2;
    memcpy(&magic2, fp + sw.xstate_size, sizeof(magic2));
    seen.magic2_ok = magic2 == FP_XSTATE_MAGIC2;
    uint64_t bv;
    memcpy(&bv, fp + XSTATE_BV_OFF, sizeof(bv));
    seen.bv_ok = (bv & XFEATURE_YMM) != 0;
    if (edit_frame && seen.size_ok) {
        memcpy(fp + YMM_HI128_OFF + 3 * 16, edit_value, 16);
        bv |= XFEATURE_YMM;
        memcpy(fp + XSTATE_BV_OFF, &bv, sizeof(bv));
    }
}

/* Loads patterns, sends SIGUSR1 to this thread, stores the registers. */
static void signal_roundtrip(ymm_t *in, ymm_t *out, unsigned tag)
{
    fill(in, tag, 0);
    memset(out, 0, NYMM * sizeof(ymm_t));
    memset(&seen, 0, sizeof(seen));
    ymm_syscall(in, out, SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
}

static void test_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    ymm_t in[NYMM], out[NYMM];

    edit_frame = 0;
    signal_roundtrip(in, out, 100);
    EXPECT("handler ran", seen.called);
    printf("ymm across a clobbering handler: %s\n", okfail(ymm_diff(in, out) == 0));
    EXPECT("frame: uc_flags has UC_FP_XSTATE", seen.uc_flags_ok);
    EXPECT("frame: fpregs set", seen.has_fpregs);
    EXPECT("frame: sw_bytes.magic1", seen.magic1_ok);
    EXPECT("frame: xstate_size >= 832", seen.size_ok);
    EXPECT("frame: extended_size == xstate_size + 4", seen.ext_size_ok);
    EXPECT("frame: xfeatures has x87, SSE, AVX", seen.xfeatures_ok);
    EXPECT("frame: FP_XSTATE_MAGIC2 at xstate_size", seen.magic2_ok);
    EXPECT("frame: XSTATE_BV has AVX", seen.bv_ok);

    edit_frame = 1;
    signal_roundtrip(in, out, 200);
    edit_frame = 0;
    EXPECT("handler ran (edit)", seen.called);
    ymm_t want[NYMM];
    memcpy(want, in, sizeof(want));
    memcpy(&want[3].q[2], edit_value, 16);
    printf("edited ymm3 upper half restored: %s\n", okfail(memcmp(&out[3], &want[3], sizeof(ymm_t)) == 0));
    printf("other ymm unchanged by the edit: %s\n", okfail(ymm_diff(want, out) == 0));

    signal(SIGUSR1, SIG_DFL);
}

/* ---- 6. fork ---- */
static void test_fork(void)
{
    ymm_t in[NYMM], out[NYMM];
    fill(in, 300, 0);
    memset(out, 0, sizeof(out));
    fflush(stdout);
    long pid = ymm_syscall(in, out, SYS_fork, 0, 0, 0);
    if (pid == 0)
        _exit(ymm_diff(in, out) == 0 ? 0 : 1);
    if (pid < 0) {
        printf("fork: %s\n", errname((int)-pid));
        return;
    }
    printf("fork: parent ymm: %s\n", okfail(ymm_diff(in, out) == 0));
    int status = 0;
    if (waitpid((pid_t)pid, &status, 0) != pid) {
        printf("fork: waitpid failed\n");
        return;
    }
    printf("fork: child ymm: %s\n",
           WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "ok" : WIFEXITED(status) ? "FAIL" : t_child_status(status));
}

int main(void)
{
    if (!avx_usable()) {
        printf("AVX not usable: skipping the rest\n");
        return 0;
    }
    test_context_switch();
    test_signals();
    test_fork();
    return 0;
}

#else

int main(void)
{
    printf("avx_state: x86_64-only test\n");
    return 0;
}

#endif
