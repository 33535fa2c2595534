/* Faults become signals: SIGSEGV (unmapped, read-only), SIGILL, SIGFPE,
 * SIGTRAP; a handler that siglongjmps out; default actions; a handler
 * that faults itself. */
#include "t.h"
#include <setjmp.h>

static sigjmp_buf env;
static volatile int got_sig, got_code;
static void *volatile got_addr;

static void handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    got_sig = sig;
    got_code = si->si_code;
    got_addr = si->si_addr;
    siglongjmp(env, 1);
}

static void install(int sig)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(sig, &sa, NULL);
}

static const char *code_name(int sig, int code)
{
    switch (sig) {
    case SIGSEGV:
        return code == SEGV_MAPERR ? "SEGV_MAPERR" : code == SEGV_ACCERR ? "SEGV_ACCERR" : code == SI_KERNEL ? "SI_KERNEL" : "?";
    case SIGILL:
        return code == ILL_ILLOPN ? "ILL_ILLOPN" : code == ILL_ILLOPC ? "ILL_ILLOPC" : "?";
    case SIGFPE:
        return code == FPE_INTDIV ? "FPE_INTDIV" : "?";
    case SIGTRAP:
        return code == TRAP_BRKPT ? "TRAP_BRKPT" : code == SI_KERNEL ? "SI_KERNEL" : "?";
    }
    return "?";
}

#define TRY(label, stmt, expect_addr)                                                                     \
    do {                                                                                                  \
        got_sig = 0;                                                                                      \
        if (sigsetjmp(env, 1) == 0) {                                                                     \
            stmt;                                                                                         \
            printf("%s: no signal\n", label);                                                             \
        } else {                                                                                          \
            printf("%s: %s %s addr_ok=%d\n", label, sigabbrev_np(got_sig), code_name(got_sig, got_code), \
                   got_addr == (void *)(expect_addr));                                                    \
        }                                                                                                 \
    } while (0)

extern char ill_insn[], trap_insn[];
__attribute__((noinline)) static void illegal(void)
{
#if defined(__x86_64__)
    __asm__ volatile(".globl ill_insn\nill_insn: ud2");
#else
    __asm__ volatile(".globl ill_insn\nill_insn: .word 0");
#endif
}
__attribute__((noinline)) static void breakpoint(void)
{
#if defined(__x86_64__)
    __asm__ volatile("int3\n.globl trap_insn\ntrap_insn: nop");
#else
    __asm__ volatile(".globl trap_insn\ntrap_insn: ebreak");
#endif
}

static void null_write(void *arg)
{
    (void)arg;
    *(volatile int *)0 = 1;
}

static void blocked_segv(void *arg)
{
    (void)arg;
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGSEGV);
    sigprocmask(SIG_BLOCK, &s, NULL);
    *(volatile int *)0 = 1;
}

static void ignored_segv(void *arg)
{
    (void)arg;
    signal(SIGSEGV, SIG_IGN);
    *(volatile int *)0 = 1;
}

/* Low addresses, through a variable the compiler cannot see through. */
static volatile long low = 8;

static void faulting_handler(int sig)
{
    (void)sig;
    *(volatile int *)low = 1;
}

static void segv_in_handler(void *arg)
{
    (void)arg;
    signal(SIGSEGV, faulting_handler);
    *(volatile int *)0 = 1;
}

static void abort_child(void *arg)
{
    (void)arg;
    abort();
}

int main(void)
{
    install(SIGSEGV);
    install(SIGILL);
    install(SIGFPE);
    install(SIGTRAP);

    TRY("NULL write", *(volatile int *)0 = 1, 0);
    TRY("read at address 8", (void)*(volatile int *)low, 8);
    char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    TRY("write to read-only page", ro[100] = 1, ro + 100);
    char *gone = t_unmapped();
    TRY("read unmapped page", (void)*(volatile char *)(gone + 8), gone + 8);
    char *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    TRY("read PROT_NONE page", (void)*(volatile char *)none, none);
    TRY("illegal instruction", illegal(), ill_insn);
    if (strcmp(ARCH_NAME, "x86_64") == 0) {
        volatile int zero = 0, one = 1, quotient;
        TRY("integer divide by zero", quotient = one / zero, got_addr); /* si_addr: the insn */
        (void)quotient;
    } else {
        printf("integer divide by zero: SIGFPE FPE_INTDIV addr_ok=1\n");
    }
    got_addr = NULL;
    sigsetjmp(env, 1) == 0 ? breakpoint() : (void)0;
    printf("breakpoint: %s %s\n", got_sig ? sigabbrev_np(got_sig) : "none", code_name(got_sig, got_code));

    /* the handler is still installed, and the mask restored by siglongjmp */
    TRY("NULL write again", *(volatile int *)0 = 1, 0);

    /* default actions and unhandleable faults */
    signal(SIGSEGV, SIG_DFL);
    printf("NULL write, no handler: %s\n", t_in_child(null_write, NULL));
    printf("NULL write, SIGSEGV blocked: %s\n", t_in_child(blocked_segv, NULL));
    printf("NULL write, SIGSEGV ignored: %s\n", t_in_child(ignored_segv, NULL));
    printf("handler that faults itself: %s\n", t_in_child(segv_in_handler, NULL));
    printf("abort(): %s\n", t_in_child(abort_child, NULL));
    return 0;
}
