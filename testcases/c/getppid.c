/* getppid(2) */
#include "t.h"

int main(void)
{
    long me = syscall(SYS_getpid);
    long pp = syscall(SYS_getppid);
    printf("parent positive and not us: %d\n", pp > 0 && pp != me);
    int p[2];
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        long v = syscall(SYS_getppid);
        write(p[1], &v, sizeof(v));
        _exit(0);
    }
    long v;
    read(p[0], &v, sizeof(v));
    waitpid(c, NULL, 0);
    EXPECT("child's parent is us", v == me);

    /* orphaned grandchild is reparented (to init or a subreaper): ppid changes */
    int q[2];
    pipe(q);
    c = fork();
    if (c == 0) {
        long me = syscall(SYS_getpid);
        pid_t g = fork();
        if (g == 0) {
            long before = syscall(SYS_getppid);
            write(q[1], "x", 1); /* now let the parent exit */
            for (int i = 0; i < 500 && syscall(SYS_getppid) == me; i++)
                usleep(10000);
            long after = syscall(SYS_getppid);
            char r = (before != after && after > 0) ? 'y' : 'n';
            write(p[1], &r, 1);
            _exit(0);
        }
        char x;
        read(q[0], &x, 1);
        _exit(0);
    }
    waitpid(c, NULL, 0);
    char r;
    read(p[0], &r, 1);
    printf("orphan reparented: %c\n", r);
    return 0;
}
