/* getpid(2) */
#include "t.h"

int main(void)
{
    long pid = syscall(SYS_getpid);
    printf("positive: %d\n", pid > 0);
    EXPECT("glibc agrees", getpid() == pid);
    EXPECT("stable", syscall(SYS_getpid) == pid);
    int p[2];
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        long mine = syscall(SYS_getpid);
        char ok = (mine != pid && mine > 0) ? 'y' : 'n';
        write(p[1], &ok, 1);
        long child_pid = mine;
        write(p[1], &child_pid, sizeof(child_pid));
        _exit(0);
    }
    char ok;
    long child_pid;
    read(p[0], &ok, 1);
    read(p[0], &child_pid, sizeof(child_pid));
    waitpid(c, NULL, 0);
    printf("child pid differs: %c\n", ok);
    EXPECT("fork's return value is the child's getpid", child_pid == c);
    EXPECT("/proc/self is us", ({ char b[32]; ssize_t n = readlink("/proc/self", b, 31); n > 0 && (b[n] = 0, atol(b) == pid); }));
    return 0;
}
