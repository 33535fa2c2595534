/* SIGPIPE: a write to a pipe without readers raises it (and fails with
 * EPIPE when the process survives). */
#include "t.h"
#include <sys/uio.h>

static volatile int hits, code_ok, pid_ok;
static void handler(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    hits++;
    code_ok = si->si_code == SI_USER;
    pid_ok = si->si_pid == getpid();
}

/* A pipe whose read end is closed. */
static int broken_pipe(void)
{
    int p[2];
    pipe(p);
    close(p[0]);
    return p[1];
}

int main(void)
{
    int st;
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        int w = broken_pipe();
        write(w, "x", 1);
        _exit(0);
    }
    waitpid(c, &st, 0);
    printf("default action: %s, raw status 0x%x\n", t_child_status(st), st);

    signal(SIGPIPE, SIG_IGN);
    int w = broken_pipe();
    CHECK("write, SIGPIPE ignored", write(w, "x", 1));
    CHECK("writev, SIGPIPE ignored", writev(w, &(struct iovec){"xy", 2}, 1));

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGPIPE, &sa, NULL);
    CHECK("write, SIGPIPE handled", write(w, "x", 1));
    printf("  handler ran %d time(s), si_code SI_USER=%d, si_pid self=%d\n", hits, code_ok, pid_ok);

    /* blocked: stays pending */
    sigset_t s, pend;
    sigemptyset(&s);
    sigaddset(&s, SIGPIPE);
    sigprocmask(SIG_BLOCK, &s, NULL);
    hits = 0;
    CHECK("write, SIGPIPE blocked", write(w, "x", 1));
    sigpending(&pend);
    printf("  pending=%d hits=%d\n", sigismember(&pend, SIGPIPE), hits);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    printf("  after unblock: hits=%d\n", hits);
    close(w);

    /* the reader goes away while the writer is blocked on a full pipe */
    int p[2];
    pipe(p);
    c = fork();
    if (c == 0) {
        signal(SIGPIPE, SIG_DFL);
        close(p[0]);
        char buf[4096] = {0};
        for (;;)
            write(p[1], buf, sizeof(buf));
    }
    close(p[1]);
    usleep(200000);
    close(p[0]);
    waitpid(c, &st, 0);
    printf("blocked writer, reader closes: %s\n", t_child_status(st));
    return 0;
}
