/* kill(2), tgkill(2), tkill(2), rt_sigqueueinfo(2): targets and errors. */
#include "t.h"
#include <limits.h>
#include <pthread.h>

#define NOPID 4000000 /* above pid_max: never a process */

static volatile int hits, hit_tid_ok;
static volatile pid_t want_tid;
static void handler(int sig)
{
    (void)sig;
    hits++;
    hit_tid_ok = syscall(SYS_gettid) == want_tid;
}

static volatile int thread_ready, thread_done;
static volatile pid_t thread_tid;
static void *thread_main(void *arg)
{
    (void)arg;
    thread_tid = syscall(SYS_gettid);
    want_tid = thread_tid;
    thread_ready = 1;
    while (!thread_done)
        usleep(1000);
    return NULL;
}

static void pause_forever(void *arg)
{
    (void)arg;
    for (;;)
        pause();
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sigaction(SIGUSR1, &sa, NULL);
    pid_t me = getpid();
    /* our own process group, whatever the runner's (init's group is 1,
     * where kill(-pgrp) would mean kill(-1)) */
    setpgid(0, 0);

    CHECK("kill self, sig 0", kill(me, 0));
    CHECK("kill no such pid, sig 0", kill(NOPID, 0));
    CHECK("kill self, sig 65", kill(me, 65));
    CHECK("kill self, sig -1", kill(me, -1));
    CHECK("kill no such pid, sig 65", kill(NOPID, 65));
    CHECK("kill own group (0), sig 0", kill(0, 0));
    CHECK("kill -pgrp, sig 0", kill(-getpgrp(), 0));
    CHECK("kill no such group, sig 0", kill(-NOPID, 0));
    CHECK("kill INT_MIN, sig 0", kill(INT_MIN, 0));
    fflush(stdout);
    pid_t other = fork(); /* at least one process kill(-1) reaches */
    if (other == 0)
        pause_forever(NULL);
    CHECK("kill -1, sig 0", kill(-1, 0));
    kill(other, SIGKILL);
    waitpid(other, NULL, 0);
    want_tid = syscall(SYS_gettid);
    CHECK("kill self SIGUSR1", kill(me, SIGUSR1));
    printf("  hits=%d\n", hits);

    /* a zombie still exists for kill until it is reaped */
    int zp[2];
    char zb;
    pipe(zp);
    fflush(stdout);
    pid_t z = fork();
    if (z == 0)
        _exit(0);
    close(zp[1]);
    read(zp[0], &zb, 1); /* EOF: the child is exiting */
    close(zp[0]);
    usleep(100000);
    CHECK("kill zombie, sig 0", kill(z, 0));
    CHECK("kill zombie, SIGKILL", kill(z, SIGKILL));
    int st;
    waitpid(z, &st, 0);
    printf("  zombie status: %s\n", t_child_status(st));
    CHECK("kill reaped child, sig 0", kill(z, 0));

    /* a live child: SIGTERM ends it */
    pid_t c = fork();
    if (c == 0)
        pause_forever(NULL);
    CHECK("kill child SIGTERM", kill(c, SIGTERM));
    waitpid(c, &st, 0);
    printf("  child status: %s\n", t_child_status(st));

    pid_t tid = syscall(SYS_gettid);
    CHECK("tgkill self, sig 0", syscall(SYS_tgkill, me, tid, 0));
    CHECK("tgkill no such tid", syscall(SYS_tgkill, me, NOPID, 0));
    CHECK("tgkill tgid 0", syscall(SYS_tgkill, 0, tid, 0));
    CHECK("tgkill tid -1", syscall(SYS_tgkill, me, -1, 0));
    CHECK("tgkill wrong tgid", syscall(SYS_tgkill, getppid(), tid, 0));
    CHECK("tgkill sig 65", syscall(SYS_tgkill, me, tid, 65));
    CHECK("tgkill no such tid, sig 65", syscall(SYS_tgkill, me, NOPID, 65));
    CHECK("tkill tid 0", syscall(SYS_tkill, 0, 0));
    CHECK("tkill self, sig 0", syscall(SYS_tkill, tid, 0));
    hits = 0;
    CHECK("tkill self SIGUSR1", syscall(SYS_tkill, tid, SIGUSR1));
    printf("  hits=%d\n", hits);

    /* tgkill reaches the named thread */
    pthread_t th;
    pthread_create(&th, NULL, thread_main, NULL);
    while (!thread_ready)
        usleep(1000);
    hits = 0;
    CHECK("tgkill other thread", syscall(SYS_tgkill, me, thread_tid, SIGUSR1));
    while (!hits)
        usleep(1000);
    printf("  ran in that thread: %d\n", hit_tid_ok);
    /* a process-directed signal goes to a thread that does not block it */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    hits = 0;
    CHECK("kill with the main thread blocking", kill(me, SIGUSR1));
    while (!hits)
        usleep(1000);
    printf("  ran in the other thread: %d\n", hit_tid_ok);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    thread_done = 1;
    pthread_join(th, NULL);

    /* rt_sigqueueinfo: only SI_QUEUE-like codes may be forged for others */
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    si.si_code = SI_QUEUE;
    si.si_value.sival_int = 7;
    want_tid = tid;
    hits = 0;
    CHECK("rt_sigqueueinfo self SI_QUEUE", syscall(SYS_rt_sigqueueinfo, me, SIGUSR1, &si));
    printf("  hits=%d\n", hits);
    c = fork();
    if (c == 0)
        pause_forever(NULL);
    si.si_code = SI_USER;
    CHECK("rt_sigqueueinfo child SI_USER", syscall(SYS_rt_sigqueueinfo, c, SIGUSR1, &si));
    si.si_code = SI_TKILL;
    CHECK("rt_sigqueueinfo child SI_TKILL", syscall(SYS_rt_sigqueueinfo, c, SIGUSR1, &si));
    si.si_code = SI_KERNEL;
    CHECK("rt_sigqueueinfo child SI_KERNEL", syscall(SYS_rt_sigqueueinfo, c, SIGUSR1, &si));
    si.si_code = SI_QUEUE;
    CHECK("rt_sigqueueinfo child bad sig", syscall(SYS_rt_sigqueueinfo, c, 65, &si));
    CHECK("rt_sigqueueinfo bad pointer", syscall(SYS_rt_sigqueueinfo, c, SIGUSR1, BADPTR));
    CHECK("rt_sigqueueinfo no such pid", syscall(SYS_rt_sigqueueinfo, NOPID, SIGUSR1, &si));
    CHECK("rt_sigqueueinfo child SIGTERM", syscall(SYS_rt_sigqueueinfo, c, SIGTERM, &si));
    waitpid(c, &st, 0);
    printf("  child status: %s\n", t_child_status(st));
    CHECK("rt_tgsigqueueinfo tid 0", syscall(SYS_rt_tgsigqueueinfo, me, 0, SIGUSR1, &si));
    hits = 0;
    CHECK("rt_tgsigqueueinfo self", syscall(SYS_rt_tgsigqueueinfo, me, tid, SIGUSR1, &si));
    printf("  hits=%d\n", hits);
    return 0;
}
