/* exit_group(2): ends all threads of the process */
#include "t.h"
#include <pthread.h>

static void *sleeper(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

static void *killer(void *arg)
{
    (void)arg;
    usleep(20000);
    syscall(SYS_exit_group, 17);
    return NULL;
}

int main(void)
{
    int status;
    pid_t pid = fork();
    if (pid == 0)
        syscall(SYS_exit_group, 300);
    waitpid(pid, &status, 0);
    printf("exit_group(300): %s\n", t_child_status(status));

    /* from a secondary thread, while other threads block */
    pid = fork();
    if (pid == 0) {
        pthread_t t1, t2, t3;
        pthread_create(&t1, NULL, sleeper, NULL);
        pthread_create(&t2, NULL, sleeper, NULL);
        pthread_create(&t3, NULL, killer, NULL);
        pthread_join(t1, NULL); /* never returns */
        _exit(99);
    }
    waitpid(pid, &status, 0);
    printf("exit_group from a thread: %s\n", t_child_status(status));

    /* from the main thread while others run */
    pid = fork();
    if (pid == 0) {
        pthread_t t;
        pthread_create(&t, NULL, sleeper, NULL);
        usleep(10000);
        syscall(SYS_exit_group, 5);
        _exit(99);
    }
    waitpid(pid, &status, 0);
    printf("exit_group from main with a thread blocked: %s\n", t_child_status(status));

    printf("exiting via exit_group(0)\n");
    fflush(stdout);
    syscall(SYS_exit_group, 0);
    printf("not reached\n");
    return 1;
}
