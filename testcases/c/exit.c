/* exit(2): ends the calling thread; the last thread's code is the process status */
#include "t.h"
#include <pthread.h>

static void bye(void) { printf("atexit handler ran\n"); }

static void *thread_exits(void *arg)
{
    (void)arg;
    syscall(SYS_exit, 9); /* ends this thread only */
    return NULL;
}

int main(void)
{
    int status;
    pid_t pid;
    int codes[] = {0, 1, 42, 255, 256, 257, -1};
    for (unsigned i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        pid = fork();
        if (pid == 0)
            syscall(SYS_exit, codes[i]);
        waitpid(pid, &status, 0);
        printf("SYS_exit(%d): %s\n", codes[i], t_child_status(status));
    }

    /* exit(3) runs atexit handlers and flushes stdio, _exit(2) does not */
    pid = fork();
    if (pid == 0) {
        atexit(bye);
        printf("buffered, flushed by exit(3)");
        exit(3);
    }
    waitpid(pid, &status, 0);
    printf("\nexit(3): %s\n", t_child_status(status));
    pid = fork();
    if (pid == 0) {
        atexit(bye);
        setvbuf(stdout, NULL, _IOFBF, 4096);
        printf("lost by _exit\n");
        _exit(4);
    }
    waitpid(pid, &status, 0);
    printf("_exit: %s\n", t_child_status(status));

    /* SYS_exit in a non-main thread leaves the process running */
    pid = fork();
    if (pid == 0) {
        pthread_t t;
        pthread_create(&t, NULL, thread_exits, NULL);
        pthread_join(t, NULL);
        printf("main thread continues after thread exit\n");
        fflush(stdout);
        _exit(11);
    }
    waitpid(pid, &status, 0);
    printf("thread exit: %s\n", t_child_status(status));

    /* returning from main is exit */
    printf("returning 6 from main\n");
    return 6;
}
