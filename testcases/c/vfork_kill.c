/* A parent blocked in vfork() until its child execs or exits is still
 * killable: SIGKILL, or any signal whose default action kills, ends it at
 * once and the child runs on; a handled signal waits until the child
 * releases the parent. */
#include "t.h"
#include <time.h>

static void on_usr2(int sig)
{
    (void)sig;
}

/* Runs a process that vforks a child sleeping `ms`; returns the process's
 * pid and, through *child, the vfork child's. */
static pid_t vforker(int ms, pid_t *child)
{
    int p[2];
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        signal(SIGUSR2, on_usr2);
        pid_t c = vfork();
        if (c == 0) {
            pid_t me = syscall(SYS_getpid);
            write(p[1], &me, sizeof(me));
            struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
            _exit(7);
        }
        _exit(0);
    }
    close(p[1]);
    read(p[0], child, sizeof(*child));
    close(p[0]);
    return pid;
}

int main(void)
{
    pid_t child;
    pid_t pid = vforker(1500, &child);
    usleep(100 * 1000);
    kill(pid, SIGKILL);
    int st;
    waitpid(pid, &st, 0);
    printf("vfork parent after SIGKILL: %s\n", t_child_status(st));
    printf("vfork child still running: %s\n", kill(child, 0) == 0 ? "ok" : "FAIL");

    /* SIGUSR1 by default terminates: fatal at once too */
    pid = vforker(1500, &child);
    usleep(100 * 1000);
    kill(pid, SIGUSR1);
    waitpid(pid, &st, 0);
    printf("vfork parent after SIGUSR1: %s\n", t_child_status(st));
    printf("vfork child still running: %s\n", kill(child, 0) == 0 ? "ok" : "FAIL");

    /* a handled SIGUSR2 waits for the child to release the parent */
    pid = vforker(300, &child);
    usleep(100 * 1000);
    kill(pid, SIGUSR2);
    usleep(50 * 1000);
    printf("parent still blocked with SIGUSR2 handled: %s\n", waitpid(pid, &st, WNOHANG) == 0 ? "ok" : "FAIL");
    waitpid(pid, &st, 0);
    printf("vfork parent after its child exited: %s\n", t_child_status(st));
    return 0;
}
