/* Signal handlers: SA_SIGINFO fields, the ucontext, the mask a handler runs
 * with, SA_NODEFER, SA_RESETHAND, queued real-time signals, nested delivery. */
#include "t.h"
#include <ucontext.h>

static volatile int hits;
static volatile int got_signo, got_code, got_pid_ok, got_uid, got_value;
static volatile int uc_ok, mask_has_self, mask_has_extra, uc_mask_has_self, stack_flags;
static volatile unsigned long sp_mod16;
static int order[16];
static volatile int norder;

static void info_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    sigset_t cur;
    hits++;
    got_signo = si->si_signo;
    got_code = si->si_code;
    got_pid_ok = si->si_pid == getpid();
    got_uid = si->si_uid;
    got_value = si->si_value.sival_int;
    uc_ok = uc != NULL;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    mask_has_self = sigismember(&cur, sig);
    mask_has_extra = sigismember(&cur, SIGUSR2);
    uc_mask_has_self = sigismember(&uc->uc_sigmask, sig);
    stack_flags = uc->uc_stack.ss_flags;
}

/* The stack pointer at entry, as the ABI wants it: (sp + 8) % 16 == 0 on
 * x86_64 (a call pushed the return address), sp % 16 == 0 on riscv64. */
__attribute__((noinline)) static void sp_handler(int sig)
{
    (void)sig;
    unsigned long sp = (unsigned long)__builtin_frame_address(0);
    sp_mod16 = sp % 16;
    hits++;
}

static void count_handler(int sig)
{
    (void)sig;
    hits++;
}

static void order_handler(int sig)
{
    if (norder < 16)
        order[norder++] = sig;
}

static void install(int sig, void *fn, int flags, int extra)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    if (extra)
        sigaddset(&sa.sa_mask, extra);
    sa.sa_flags = flags;
    if (flags & SA_SIGINFO)
        sa.sa_sigaction = fn;
    else
        sa.sa_handler = fn;
    sigaction(sig, &sa, NULL);
}

static const char *name(int sig)
{
    static char buf[4][16];
    static int n;
    char *b = buf[n++ % 4];
    if (sig >= SIGRTMIN)
        snprintf(b, 16, "RTMIN+%d", sig - SIGRTMIN);
    else
        snprintf(b, 16, "%s", sigabbrev_np(sig));
    return b;
}

int main(void)
{
    install(SIGUSR1, info_handler, SA_SIGINFO, SIGUSR2);
    CHECK("kill self SIGUSR1", kill(getpid(), SIGUSR1));
    printf("hits=%d signo=%s code=%s pid_ok=%d uid=%d ucontext=%d\n", hits, name(got_signo),
           got_code == SI_USER ? "SI_USER" : "other", got_pid_ok, got_uid, uc_ok);
    printf("in handler: self blocked=%d, uc_sigmask has self=%d\n", mask_has_self, uc_mask_has_self);
    if (!REF_IS_QEMU) /* qemu-user 7.2 applies no sa_mask and has its own uc_stack */
        printf("in handler: sa_mask blocked=%d, uc_stack.ss_flags=%d\n", mask_has_extra, stack_flags);
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    printf("after return: SIGUSR1 blocked=%d SIGUSR2 blocked=%d\n", sigismember(&cur, SIGUSR1),
           sigismember(&cur, SIGUSR2));

    /* tgkill/raise: SI_TKILL; sigqueue: SI_QUEUE with the value */
    raise(SIGUSR1);
    printf("raise: code=%s\n", got_code == SI_TKILL ? "SI_TKILL" : "other");
    union sigval v = {.sival_int = 42};
    CHECK("sigqueue", sigqueue(getpid(), SIGUSR1, v));
    printf("sigqueue: code=%s value=%d pid_ok=%d\n", got_code == SI_QUEUE ? "SI_QUEUE" : "other", got_value,
           got_pid_ok);

    /* SA_NODEFER: the signal stays unblocked inside its handler */
    install(SIGUSR1, info_handler, SA_SIGINFO | SA_NODEFER, 0);
    raise(SIGUSR1);
    printf("SA_NODEFER: self blocked in handler=%d\n", mask_has_self);

    /* SA_RESETHAND: one shot, then the default action */
    install(SIGUSR2, count_handler, SA_RESETHAND, 0);
    hits = 0;
    raise(SIGUSR2);
    struct sigaction old;
    sigaction(SIGUSR2, NULL, &old);
    printf("SA_RESETHAND: hits=%d now default=%d\n", hits, old.sa_handler == SIG_DFL);

    /* stack alignment at handler entry */
    install(SIGUSR2, sp_handler, 0, 0);
    hits = 0;
    raise(SIGUSR2);
    printf("handler frame aligned: %d\n", hits == 1 && sp_mod16 == 0);

    /* standard signals merge while blocked, real-time ones queue */
    install(SIGUSR1, count_handler, 0, 0);
    install(SIGRTMIN, count_handler, 0, 0);
    sigset_t both;
    sigemptyset(&both);
    sigaddset(&both, SIGUSR1);
    sigaddset(&both, SIGRTMIN);
    sigprocmask(SIG_BLOCK, &both, NULL);
    for (int i = 0; i < 3; i++) {
        kill(getpid(), SIGUSR1);
        sigqueue(getpid(), SIGRTMIN, v);
    }
    hits = 0;
    sigprocmask(SIG_UNBLOCK, &both, NULL);
    printf("3x SIGUSR1 + 3x SIGRTMIN while blocked: %d handler runs\n", hits);

    /* Several pending at once: each handler runs once; Linux stacks the
     * frames lowest-numbered first, so the highest runs first. */
    install(SIGUSR1, order_handler, 0, 0);
    install(SIGUSR2, order_handler, 0, 0);
    install(SIGRTMIN + 1, order_handler, 0, 0);
    sigset_t three;
    sigemptyset(&three);
    sigaddset(&three, SIGUSR1);
    sigaddset(&three, SIGUSR2);
    sigaddset(&three, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &three, NULL);
    raise(SIGRTMIN + 1);
    raise(SIGUSR2);
    raise(SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &three, NULL);
    if (!REF_IS_QEMU) {
        printf("delivery order:");
        for (int i = 0; i < norder; i++)
            printf(" %s", name(order[i]));
        printf("\n");
    } else {
        printf("delivered: %d\n", norder);
    }

    /* The handler's own mask blocks the others: with sa_mask covering them,
     * they run one after the other in signal-number order. */
    norder = 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = order_handler;
    sa.sa_mask = three;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    sigaction(SIGRTMIN + 1, &sa, NULL);
    sigprocmask(SIG_BLOCK, &three, NULL);
    raise(SIGRTMIN + 1);
    raise(SIGUSR2);
    raise(SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &three, NULL);
    if (!REF_IS_QEMU) {
        printf("with sa_mask:");
        for (int i = 0; i < norder; i++)
            printf(" %s", name(order[i]));
        printf("\n");
    } else {
        printf("delivered: %d\n", norder);
    }

    /* a handler without SA_RESTORER: glibc always sets it, so use the raw
     * call; Linux x86_64 cannot build the frame and kills with SIGSEGV. */
    if (strcmp(ARCH_NAME, "x86_64") == 0) {
        pid_t c = fork();
        if (c == 0) {
            struct {
                void *h;
                unsigned long flags;
                void *restorer;
                unsigned long mask;
            } k = {(void *)count_handler, 0, NULL, 0};
            syscall(SYS_rt_sigaction, SIGUSR1, &k, NULL, 8);
            raise(SIGUSR1);
            _exit(0);
        }
        int st;
        waitpid(c, &st, 0);
        printf("no SA_RESTORER: %s\n", t_child_status(st));
    } else {
        printf("no SA_RESTORER: signal=SEGV\n");
    }
    return 0;
}
