/* rt_sigprocmask(2) */
#include "t.h"

static long kmask(int how, const unsigned long *set, unsigned long *old, size_t size)
{
    return syscall(SYS_rt_sigprocmask, how, set, old, size);
}

#define BIT(s) (1UL << ((s) - 1))

static volatile int hits;
static void h(int s) { (void)s; hits++; }

int main(void)
{
    unsigned long set, old;
    signal(SIGUSR1, h);
    signal(SIGUSR2, h);

    CHECK("query", kmask(SIG_BLOCK, NULL, &old, 8));
    printf("USR1/USR2 blocked initially: %d\n", (old & (BIT(SIGUSR1) | BIT(SIGUSR2))) != 0);
    set = BIT(SIGUSR1);
    CHECK("block USR1", kmask(SIG_BLOCK, &set, NULL, 8));
    raise(SIGUSR1);
    printf("hits while blocked: %d\n", hits);
    sigset_t pend;
    sigpending(&pend);
    printf("pending: %d\n", sigismember(&pend, SIGUSR1));
    raise(SIGUSR1); /* standard signals do not queue */
    CHECK("unblock USR1", kmask(SIG_UNBLOCK, &set, &old, 8));
    printf("old had USR1: %d, hits after unblock: %d\n", (old & BIT(SIGUSR1)) != 0, hits);

    set = BIT(SIGUSR2) | BIT(SIGKILL) | BIT(SIGSTOP);
    CHECK("SETMASK USR2|KILL|STOP", kmask(SIG_SETMASK, &set, NULL, 8));
    kmask(SIG_BLOCK, NULL, &old, 8);
    printf("USR2 blocked: %d, KILL blocked: %d, STOP blocked: %d\n", (old & BIT(SIGUSR2)) != 0, (old & BIT(SIGKILL)) != 0,
           (old & BIT(SIGSTOP)) != 0);
    set = 0;
    kmask(SIG_SETMASK, &set, NULL, 8);

    CHECK("invalid how", kmask(99, &set, NULL, 8));
    CHECK("invalid how, NULL set", kmask(99, NULL, &old, 8));
    CHECK("sigsetsize 4", kmask(SIG_BLOCK, &set, NULL, 4));
    CHECK("sigsetsize 16", kmask(SIG_BLOCK, &set, NULL, 16));
    CHECK("0x1 set", kmask(SIG_BLOCK, BADPTR, NULL, 8));
    CHECK("kernel set", kmask(SIG_BLOCK, KPTR, NULL, 8));
    CHECK("0x1 oldset", kmask(SIG_BLOCK, NULL, BADPTR, 8));
    CHECK("unmapped oldset", kmask(SIG_BLOCK, NULL, t_unmapped(), 8));
    CHECK("kernel oldset", kmask(SIG_BLOCK, NULL, KPTR, 8));
    set = BIT(SIGUSR1);
    CHECK("bad oldset with valid set", kmask(SIG_BLOCK, &set, BADPTR, 8));
    kmask(SIG_BLOCK, NULL, &old, 8);
    printf("USR1 blocked after that call: %d\n", (old & BIT(SIGUSR1)) != 0);
    set = 0;
    kmask(SIG_SETMASK, &set, NULL, 8);

    /* the mask is inherited by fork; pending signals are not */
    set = BIT(SIGUSR2);
    kmask(SIG_BLOCK, &set, NULL, 8);
    raise(SIGUSR2);
    pid_t c = fork();
    if (c == 0) {
        unsigned long m;
        sigset_t p;
        kmask(SIG_BLOCK, NULL, &m, 8);
        sigpending(&p);
        _exit(((m & BIT(SIGUSR2)) ? 1 : 0) + (sigismember(&p, SIGUSR2) ? 2 : 0));
    }
    int st;
    waitpid(c, &st, 0);
    printf("child: mask inherited + pending not inherited => exit=1: %s\n", t_child_status(st));
    hits = 0;
    kmask(SIG_UNBLOCK, &set, NULL, 8);
    printf("parent pending USR2 delivered on unblock: %d\n", hits);

    /* a blocked fatal signal kills only when unblocked */
    c = fork();
    if (c == 0) {
        signal(SIGTERM, SIG_DFL);
        unsigned long m = BIT(SIGTERM);
        kmask(SIG_BLOCK, &m, NULL, 8);
        raise(SIGTERM);
        printf("child survived blocked SIGTERM\n");
        fflush(stdout);
        kmask(SIG_UNBLOCK, &m, NULL, 8);
        printf("not reached\n");
        _exit(0);
    }
    waitpid(c, &st, 0);
    printf("child: %s\n", t_child_status(st));
    return 0;
}
