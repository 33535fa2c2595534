/* rt_sigaction(2) */
#include "t.h"

/* The kernel's struct sigaction (differs from glibc's). */
struct ksigaction {
    void (*handler)(int);
    unsigned long flags;
#ifdef __x86_64__
    void (*restorer)(void);
#endif
    unsigned long mask;
};

static long ksa(int sig, const void *act, void *old, size_t size) { return syscall(SYS_rt_sigaction, sig, act, old, size); }

static volatile int hits, last_sig, last_code, nested_order[4], nested_n;
static void h(int s) { hits++; last_sig = s; }
static void hinfo(int s, siginfo_t *si, void *uc)
{
    (void)uc;
    hits++;
    last_sig = s;
    last_code = si->si_code;
}
static void h_outer(int s)
{
    nested_order[nested_n++] = s;
    raise(SIGUSR2); /* blocked by sa_mask: delivered after we return */
    nested_order[nested_n++] = -s;
}
static void h_inner(int s) { nested_order[nested_n++] = s; }

int main(void)
{
    struct ksigaction k, old;
    memset(&k, 0, sizeof(k));
    k.handler = SIG_IGN;

    CHECK("query SIGUSR1", ksa(SIGUSR1, NULL, &old, 8));
    printf("default handler: %d\n", old.handler == SIG_DFL);
    CHECK("set SIG_IGN", ksa(SIGUSR1, &k, &old, 8));
    CHECK("query again", ksa(SIGUSR1, NULL, &old, 8));
    printf("now ignored: %d\n", old.handler == SIG_IGN);
    CHECK("raise ignored signal", raise(SIGUSR1));
    k.handler = SIG_DFL;
    ksa(SIGUSR1, &k, NULL, 8);

    CHECK("sigsetsize 4", ksa(SIGUSR1, NULL, &old, 4));
    CHECK("sigsetsize 16", ksa(SIGUSR1, NULL, &old, 16));
    CHECK("signal 0", ksa(0, NULL, &old, 8));
    CHECK("signal 65", ksa(65, NULL, &old, 8));
    CHECK("signal -1", ksa(-1, NULL, &old, 8));
    k.handler = SIG_IGN;
    CHECK("set SIGKILL", ksa(SIGKILL, &k, NULL, 8));
    CHECK("set SIGSTOP", ksa(SIGSTOP, &k, NULL, 8));
    CHECK("query SIGKILL", ksa(SIGKILL, NULL, &old, 8));
    CHECK("NULL act and oldact", ksa(SIGUSR1, NULL, NULL, 8));
    CHECK("0x1 act", ksa(SIGUSR1, BADPTR, NULL, 8));
    CHECK("kernel act", ksa(SIGUSR1, KPTR, NULL, 8));
    CHECK("0x1 oldact", ksa(SIGUSR1, NULL, BADPTR, 8));
    CHECK("unmapped oldact", ksa(SIGUSR1, NULL, t_unmapped(), 8));
    CHECK("kernel oldact", ksa(SIGUSR1, NULL, KPTR, 8));
    ksa(SIGUSR1, NULL, &old, 8);
    printf("still default after failures: %d\n", old.handler == SIG_DFL);

    /* glibc sigaction installs handlers with a restorer */
    struct sigaction sa, osa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = h;
    CHECK("install handler", sigaction(SIGUSR1, &sa, &osa));
    raise(SIGUSR1);
    printf("handler ran: hits=%d sig=%s\n", hits, sigabbrev_np(last_sig));
    kill(getpid(), SIGUSR1);
    printf("via kill: hits=%d\n", hits);

    /* SA_SIGINFO: si_code tells raise (tkill) from kill */
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = hinfo;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR2, &sa, NULL);
    hits = 0;
    kill(getpid(), SIGUSR2);
    printf("SA_SIGINFO kill: hits=%d si_code=%s\n", hits, last_code == SI_USER ? "SI_USER" : "other");
    raise(SIGUSR2);
    printf("SA_SIGINFO raise: hits=%d si_code=%s\n", hits, last_code == SI_TKILL ? "SI_TKILL" : "other");

    /* SA_RESETHAND: one-shot */
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = h;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGUSR1, &sa, NULL);
    hits = 0;
    raise(SIGUSR1);
    sigaction(SIGUSR1, NULL, &osa);
    printf("SA_RESETHAND: hits=%d, reset to default=%d\n", hits, osa.sa_handler == SIG_DFL);

    /* sa_mask: SIGUSR2 raised inside the SIGUSR1 handler waits until it returns */
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = h_outer;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = h_inner;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR1);
    if (!REF_IS_QEMU) { /* qemu-user 7.2 does not apply sa_mask here */
        printf("sa_mask order (USR1 in, USR1 out, USR2):");
        for (int i = 0; i < nested_n; i++)
            printf(" %s%s", nested_order[i] < 0 ? "-" : "", sigabbrev_np(abs(nested_order[i])));
        printf("\n");
    }

    /* the old action comes back through oldact */
    sa.sa_handler = SIG_IGN;
    sigaction(SIGUSR2, &sa, &osa);
    printf("oldact is previous handler: %d\n", osa.sa_handler == h_inner);

    /* handlers are reset to default across exec, ignored stays ignored (checked via fork only) */
    pid_t c = fork();
    if (c == 0) {
        sigaction(SIGUSR2, NULL, &osa);
        _exit(osa.sa_handler == SIG_IGN ? 0 : 1);
    }
    int st;
    waitpid(c, &st, 0);
    printf("fork inherits dispositions: %s\n", t_child_status(st));

    /* default action of SIGUSR1 terminates */
    c = fork();
    if (c == 0) {
        signal(SIGUSR1, SIG_DFL);
        raise(SIGUSR1);
        _exit(0);
    }
    waitpid(c, &st, 0);
    printf("default SIGUSR1: %s\n", t_child_status(st));
    /* default action of SIGCHLD is ignore */
    c = fork();
    if (c == 0) {
        raise(SIGCHLD);
        raise(SIGURG);
        raise(SIGWINCH);
        _exit(0);
    }
    waitpid(c, &st, 0);
    printf("default SIGCHLD/SIGURG/SIGWINCH ignored: %s\n", t_child_status(st));
    return 0;
}
