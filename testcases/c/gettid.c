/* gettid(2) */
#include "t.h"
#include <pthread.h>

static long tids[4];

static void *thr(void *arg)
{
    tids[(long)arg] = syscall(SYS_gettid);
    long pid = syscall(SYS_getpid);
    tids[(long)arg + 2] = pid;
    return NULL;
}

int main(void)
{
    long pid = syscall(SYS_getpid);
    long tid = syscall(SYS_gettid);
    EXPECT("main thread: tid == pid", tid == pid);
    EXPECT("glibc gettid agrees", gettid() == tid);
    pthread_t a, b;
    pthread_create(&a, NULL, thr, (void *)0);
    pthread_join(a, NULL);
    pthread_create(&b, NULL, thr, (void *)1);
    pthread_join(b, NULL);
    EXPECT("thread tid differs from pid", tids[0] != pid && tids[1] != pid);
    EXPECT("threads have distinct tids", tids[0] != tids[1]);
    EXPECT("threads share the pid", tids[2] == pid && tids[3] == pid);
    pid_t c = fork();
    if (c == 0)
        _exit(syscall(SYS_gettid) == syscall(SYS_getpid) ? 0 : 1);
    int st;
    waitpid(c, &st, 0);
    printf("child: tid == pid: %s\n", t_child_status(st));
    return 0;
}
