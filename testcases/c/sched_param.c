/* sched_{get,set}scheduler, sched_{get,set}param, priority ranges,
 * sched_rr_get_interval, SCHED_RESET_ON_FORK. */
#include "t.h"
#include <pthread.h>
#include <sched.h>

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif
#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif

static long setsched(pid_t pid, int policy, int prio)
{
    struct sched_param p = {.sched_priority = prio};
    return syscall(SYS_sched_setscheduler, pid, policy, &p);
}

static int getprio(pid_t pid)
{
    struct sched_param p = {.sched_priority = -7};
    if (syscall(SYS_sched_getparam, pid, &p) != 0)
        return -100;
    return p.sched_priority;
}

static volatile int thread_done;
static void *idle_thread(void *arg)
{
    (void)arg;
    while (!thread_done)
        usleep(1000);
    return NULL;
}

int main(void)
{
    int policies[] = {SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_IDLE, SCHED_DEADLINE, 4, -1};
    for (unsigned i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
        char l[64];
        snprintf(l, sizeof l, "priority_max(%d)", policies[i]);
        CHECK(l, syscall(SYS_sched_get_priority_max, policies[i]));
        snprintf(l, sizeof l, "priority_min(%d)", policies[i]);
        CHECK(l, syscall(SYS_sched_get_priority_min, policies[i]));
    }

    CHECK("getscheduler", syscall(SYS_sched_getscheduler, 0));
    printf("getparam: %d\n", getprio(0));
    CHECK("setscheduler FIFO 10", setsched(0, SCHED_FIFO, 10));
    CHECK("getscheduler", syscall(SYS_sched_getscheduler, 0));
    CHECK("getscheduler by pid", syscall(SYS_sched_getscheduler, getpid()));
    printf("getparam: %d\n", getprio(0));
    struct sched_param sp = {.sched_priority = 20};
    CHECK("setparam 20", syscall(SYS_sched_setparam, 0, &sp));
    printf("getparam: %d\n", getprio(0));
    sp.sched_priority = 0;
    CHECK("setparam 0 under FIFO", syscall(SYS_sched_setparam, 0, &sp));
    sp.sched_priority = 100;
    CHECK("setparam 100", syscall(SYS_sched_setparam, 0, &sp));
    struct timespec ts = {9, 9};
    CHECK("rr_get_interval FIFO", syscall(SYS_sched_rr_get_interval, 0, &ts));
    printf("FIFO interval: %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
    CHECK("setscheduler RR 1", setsched(0, SCHED_RR, 1));
    CHECK("getscheduler", syscall(SYS_sched_getscheduler, 0));
    CHECK("rr_get_interval RR", syscall(SYS_sched_rr_get_interval, 0, &ts));
    printf("RR interval: %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
    CHECK("setscheduler RR 99", setsched(0, SCHED_RR, 99));
    printf("getparam: %d\n", getprio(0));

    /* errors */
    CHECK("FIFO 0", setsched(0, SCHED_FIFO, 0));
    CHECK("FIFO 100", setsched(0, SCHED_FIFO, 100));
    CHECK("FIFO -1", setsched(0, SCHED_FIFO, -1));
    CHECK("OTHER 5", setsched(0, SCHED_OTHER, 5));
    CHECK("policy 4", setsched(0, 4, 0));
    CHECK("policy -1", setsched(0, -1, 0));
    CHECK("DEADLINE 0", setsched(0, SCHED_DEADLINE, 0));
    CHECK("param NULL", syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, NULL));
    CHECK("param BADPTR", syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, BADPTR));
    CHECK("pid -1", setsched(-1, SCHED_FIFO, 1));
    CHECK("pid -1, bad policy", setsched(-1, 9, 1));
    pid_t gone = fork();
    if (gone == 0)
        _exit(0);
    waitpid(gone, NULL, 0);
    CHECK("reaped pid", setsched(gone, SCHED_FIFO, 1));
    CHECK("reaped pid, bad policy", setsched(gone, 9, 1));
    CHECK("getscheduler pid -1", syscall(SYS_sched_getscheduler, -1));
    CHECK("getscheduler reaped pid", syscall(SYS_sched_getscheduler, gone));
    CHECK("getparam NULL", syscall(SYS_sched_getparam, 0, NULL));
    CHECK("getparam BADPTR", syscall(SYS_sched_getparam, 0, BADPTR));
    CHECK("getparam pid -1", syscall(SYS_sched_getparam, -1, &sp));
    CHECK("getparam reaped pid", syscall(SYS_sched_getparam, gone, &sp));
    CHECK("setparam NULL", syscall(SYS_sched_setparam, 0, NULL));
    CHECK("setparam reaped pid", syscall(SYS_sched_setparam, gone, &sp));
    CHECK("rr_get_interval BADPTR", syscall(SYS_sched_rr_get_interval, 0, BADPTR));
    CHECK("rr_get_interval pid -1", syscall(SYS_sched_rr_get_interval, -1, &ts));
    CHECK("rr_get_interval reaped pid", syscall(SYS_sched_rr_get_interval, gone, &ts));
    CHECK("getscheduler after errors", syscall(SYS_sched_getscheduler, 0));

    /* children inherit; SCHED_RESET_ON_FORK makes them SCHED_OTHER */
    pid_t c = fork();
    if (c == 0)
        _exit(syscall(SYS_sched_getscheduler, 0) == SCHED_RR && getprio(0) == 99 ? 0 : 1);
    int st;
    waitpid(c, &st, 0);
    printf("child inherits RR 99: %s\n", t_child_status(st));
    CHECK("setscheduler FIFO|RESET_ON_FORK 5", setsched(0, SCHED_FIFO | SCHED_RESET_ON_FORK, 5));
    CHECK("getscheduler", syscall(SYS_sched_getscheduler, 0));
    c = fork();
    if (c == 0)
        _exit(syscall(SYS_sched_getscheduler, 0) == SCHED_OTHER && getprio(0) == 0 ? 0 : 1);
    waitpid(c, &st, 0);
    printf("child after RESET_ON_FORK is OTHER 0: %s\n", t_child_status(st));
    sp.sched_priority = 6;
    CHECK("setparam keeps RESET_ON_FORK", syscall(SYS_sched_setparam, 0, &sp));
    CHECK("getscheduler", syscall(SYS_sched_getscheduler, 0));

    /* per thread: another thread's policy is its own */
    pthread_t th;
    pthread_create(&th, NULL, idle_thread, NULL);
    struct sched_param tp = {.sched_priority = 3};
    printf("pthread_setschedparam RR 3: %s\n", errname(pthread_setschedparam(th, SCHED_RR, &tp)));
    int pol = -1;
    pthread_getschedparam(th, &pol, &tp);
    printf("thread: policy %d prio %d\n", pol, tp.sched_priority);
    CHECK("main getscheduler", syscall(SYS_sched_getscheduler, 0));
    thread_done = 1;
    pthread_join(th, NULL);

    CHECK("back to OTHER", setsched(0, SCHED_OTHER, 0));
    CHECK("BATCH", setsched(0, SCHED_BATCH, 0));
    CHECK("getscheduler", syscall(SYS_sched_getscheduler, 0));
    CHECK("IDLE", setsched(0, SCHED_IDLE, 0));
    CHECK("getscheduler", syscall(SYS_sched_getscheduler, 0));
    CHECK("OTHER", setsched(0, SCHED_OTHER, 0));
    printf("getparam: %d\n", getprio(0));
    return 0;
}
