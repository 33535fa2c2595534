/* rt_sigpending(2), and which signals stay pending: blocked ones do,
 * ignored ones are discarded (when sent, or when the action becomes
 * "ignore"). */
#include "t.h"
#include <pthread.h>

static void show(const char *label)
{
    sigset_t p;
    sigpending(&p);
    printf("%s:", label);
    int any = 0;
    for (int s = 1; s < SIGRTMIN; s++) {
        if (sigismember(&p, s)) {
            printf(" %s", sigabbrev_np(s));
            any = 1;
        }
    }
    for (int s = SIGRTMIN; s <= SIGRTMAX; s++) {
        if (sigismember(&p, s)) {
            printf(" RTMIN+%d", s - SIGRTMIN);
            any = 1;
        }
    }
    printf("%s\n", any ? "" : " none");
}

static volatile int hits;
static void handler(int sig)
{
    (void)sig;
    hits++;
}

static void *thread_main(void *arg)
{
    (void)arg;
    /* the thread blocks USR1 too: both pending sets are seen from here */
    show("from another thread");
    return NULL;
}

int main(void)
{
    sigset_t all, p;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, NULL);
    show("nothing sent");

    kill(getpid(), SIGUSR1);
    raise(SIGUSR2);
    kill(getpid(), SIGURG);  /* ignored by default, but blocked: kept */
    show("USR1 (process), USR2 (thread), URG");
    pthread_t th;
    pthread_create(&th, NULL, thread_main, NULL);
    pthread_join(th, NULL);

    signal(SIGUSR2, SIG_IGN);
    show("USR2 set to SIG_IGN: discarded");
    kill(getpid(), SIGUSR2);
    show("USR2 sent while ignored and blocked: kept");
    signal(SIGUSR2, SIG_DFL);
    signal(SIGURG, SIG_DFL); /* default is ignore: discarded */
    show("URG set to SIG_DFL");

    CHECK("sigsetsize 16", syscall(SYS_rt_sigpending, &p, 16));
    unsigned int small = 0;
    CHECK("sigsetsize 4", syscall(SYS_rt_sigpending, &small, 4));
    printf("  4-byte set has USR1: %d\n", (small >> (SIGUSR1 - 1)) & 1);
    CHECK("sigsetsize 0", syscall(SYS_rt_sigpending, &p, 0));
    CHECK("bad pointer", syscall(SYS_rt_sigpending, BADPTR, 8));

    /* unblocked signals are delivered, not pending */
    signal(SIGUSR1, handler);
    signal(SIGUSR2, handler);
    sigprocmask(SIG_UNBLOCK, &all, NULL);
    printf("delivered on unblock: %d\n", hits);
    show("after unblock");

    /* unblocked and ignored: never pending */
    signal(SIGUSR1, SIG_IGN);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, SIGUSR1);
    raise(SIGUSR1);
    sigprocmask(SIG_BLOCK, &one, NULL);
    show("USR1 raised while ignored and unblocked");
    return 0;
}
