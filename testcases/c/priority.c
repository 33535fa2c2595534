/* getpriority/setpriority: nice per thread, process group and user; the raw
 * syscall returns 20 - nice. */
#include "t.h"
#include <pthread.h>
#include <sys/resource.h>

static long raw_get(int which, int who)
{
    return syscall(SYS_getpriority, which, who);
}

static volatile int thread_done, thread_tid;
static void *thread_fn(void *arg)
{
    (void)arg;
    thread_tid = gettid();
    while (!thread_done)
        usleep(1000);
    return NULL;
}

int main(void)
{
    setpgid(0, 0); /* a process group of our own */
    CHECK("raw getpriority self", raw_get(PRIO_PROCESS, 0));
    CHECK("setpriority 5", setpriority(PRIO_PROCESS, 0, 5));
    CHECK("raw getpriority self", raw_get(PRIO_PROCESS, 0));
    errno = 0;
    printf("libc getpriority: %d errno=%s\n", getpriority(PRIO_PROCESS, 0), errname(errno));
    CHECK("setpriority 100 (clamped)", setpriority(PRIO_PROCESS, 0, 100));
    CHECK("raw getpriority", raw_get(PRIO_PROCESS, 0));
    CHECK("setpriority -100 (clamped)", setpriority(PRIO_PROCESS, 0, -100));
    CHECK("raw getpriority", raw_get(PRIO_PROCESS, 0));
    CHECK("setpriority -3 by pid", setpriority(PRIO_PROCESS, getpid(), -3));
    CHECK("raw getpriority by pid", raw_get(PRIO_PROCESS, getpid()));
    CHECK("raw getpriority own pgrp", raw_get(PRIO_PGRP, 0));
    CHECK("raw getpriority own pgrp by id", raw_get(PRIO_PGRP, getpgrp()));

    /* errors */
    CHECK("which=3", raw_get(3, 0));
    CHECK("which=-1", raw_get(-1, 0));
    CHECK("set which=3", setpriority(3, 0, 0));
    pid_t gone = fork();
    if (gone == 0)
        _exit(0);
    waitpid(gone, NULL, 0);
    CHECK("reaped pid", raw_get(PRIO_PROCESS, gone));
    CHECK("set reaped pid", setpriority(PRIO_PROCESS, gone, 1));
    CHECK("pgrp of nobody", raw_get(PRIO_PGRP, gone));
    CHECK("set pgrp of nobody", setpriority(PRIO_PGRP, gone, 1));
    CHECK("user without processes", raw_get(PRIO_USER, 54321));
    CHECK("set user without processes", setpriority(PRIO_USER, 54321, 1));
    CHECK("pid -1", raw_get(PRIO_PROCESS, -1));

    /* a child inherits the nice value and changes only its own */
    pid_t c = fork();
    if (c == 0) {
        int ok = raw_get(PRIO_PROCESS, 0) == 23;
        setpriority(PRIO_PROCESS, 0, 7);
        _exit(ok ? 0 : 1);
    }
    int st;
    waitpid(c, &st, 0);
    printf("child inherits nice -3: %s\n", t_child_status(st));
    CHECK("parent keeps -3", raw_get(PRIO_PROCESS, 0));

    /* the group: setpriority(PRIO_PGRP) reaches every member; getpriority
     * reports the highest priority (lowest nice) */
    int pfd[2], ready[2];
    pipe(pfd);
    pipe(ready);
    c = fork();
    if (c == 0) {
        char x;
        close(pfd[1]);
        write(ready[1], "r", 1);
        read(pfd[0], &x, 1);
        _exit(raw_get(PRIO_PROCESS, 0) == 10 ? 0 : 1);
    }
    close(pfd[0]);
    /* Under qemu-user (the riscv64 reference) the child's fork makes a
     * helper thread that inherits nice -3; PRIO_PGRP counts every thread,
     * so it must exist before the group's nice is set. */
    char r;
    read(ready[0], &r, 1);
    CHECK("set pgrp nice 10", setpriority(PRIO_PGRP, 0, 10));
    CHECK("raw getpriority child", raw_get(PRIO_PROCESS, c));
    CHECK("setpriority child 4", setpriority(PRIO_PROCESS, c, 4));
    CHECK("raw getpriority pgrp: highest", raw_get(PRIO_PGRP, 0));
    CHECK("setpriority child 10", setpriority(PRIO_PROCESS, c, 10));
    write(pfd[1], "x", 1);
    waitpid(c, &st, 0);
    printf("child saw the group's nice: %s\n", t_child_status(st));

    /* threads have their own nice value */
    pthread_t th;
    pthread_create(&th, NULL, thread_fn, NULL);
    while (!thread_tid)
        usleep(1000);
    CHECK("thread inherits", raw_get(PRIO_PROCESS, thread_tid));
    CHECK("setpriority thread 15", setpriority(PRIO_PROCESS, thread_tid, 15));
    CHECK("raw getpriority thread", raw_get(PRIO_PROCESS, thread_tid));
    CHECK("raw getpriority main", raw_get(PRIO_PROCESS, 0));
    thread_done = 1;
    pthread_join(th, NULL);

    errno = 0;
    printf("nice(2): %d errno=%s\n", nice(2), errname(errno));
    CHECK("raw getpriority", raw_get(PRIO_PROCESS, 0));
    return 0;
}
