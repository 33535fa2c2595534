/* rt_sigsuspend(2): waits with a temporary mask, restored after the handler. */
#include "t.h"
#include <ucontext.h>

static volatile int hits, in_handler_usr1_blocked, in_handler_usr2_blocked, uc_usr1_blocked;
static void handler(int sig, siginfo_t *si, void *ucv)
{
    (void)si;
    ucontext_t *uc = ucv;
    sigset_t cur;
    hits++;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    in_handler_usr1_blocked = sigismember(&cur, SIGUSR1);
    in_handler_usr2_blocked = sigismember(&cur, SIGUSR2);
    uc_usr1_blocked = sigismember(&uc->uc_sigmask, SIGUSR1);
    (void)sig;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);

    sigset_t block, waitmask, cur;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    sigemptyset(&waitmask);
    sigaddset(&waitmask, SIGUSR2);

    CHECK("sigsetsize 4", syscall(SYS_rt_sigsuspend, &waitmask, 4));
    CHECK("bad mask pointer", syscall(SYS_rt_sigsuspend, BADPTR, 8));

    /* already pending: returns at once */
    raise(SIGUSR1);
    printf("pending before: hits=%d\n", hits);
    CHECK("sigsuspend with SIGUSR1 pending", sigsuspend(&waitmask));
    printf("  hits=%d usr1 blocked in handler=%d usr2 blocked in handler=%d uc_sigmask has usr1=%d\n", hits,
           in_handler_usr1_blocked, in_handler_usr2_blocked, uc_usr1_blocked);
    sigprocmask(SIG_BLOCK, NULL, &cur);
    printf("  mask restored: usr1=%d usr2=%d\n", sigismember(&cur, SIGUSR1), sigismember(&cur, SIGUSR2));

    /* sent while suspended, even with SA_RESTART: EINTR */
    hits = 0;
    pid_t c = t_signal_later(SIGUSR1, 200);
    CHECK("sigsuspend, SIGUSR1 sent later", sigsuspend(&waitmask));
    printf("  hits=%d\n", hits);
    sigprocmask(SIG_BLOCK, NULL, &cur);
    printf("  mask restored: usr1=%d usr2=%d\n", sigismember(&cur, SIGUSR1), sigismember(&cur, SIGUSR2));
    waitpid(c, NULL, 0);

    /* an ignored signal does not end the wait; a blocked one neither */
    signal(SIGUSR2, SIG_IGN);
    hits = 0;
    c = fork();
    if (c == 0) {
        pid_t parent = getppid();
        usleep(100000);
        kill(parent, SIGUSR2);
        usleep(200000);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    sigemptyset(&waitmask);
    CHECK("sigsuspend, SIGUSR2 ignored then SIGUSR1", sigsuspend(&waitmask));
    printf("  hits=%d\n", hits);
    waitpid(c, NULL, 0);

    /* a signal whose default action kills ends the process in sigsuspend */
    c = fork();
    if (c == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigsuspend(&none);
        _exit(0);
    }
    usleep(100000);
    kill(c, SIGTERM);
    int st;
    waitpid(c, &st, 0);
    printf("SIGTERM in sigsuspend: %s\n", t_child_status(st));
    return 0;
}
