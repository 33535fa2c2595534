/* sched_yield(2) */
#include "t.h"
#include <sched.h>

int main(void)
{
    CHECK("sched_yield", syscall(SYS_sched_yield));
    int ok = 1;
    for (int i = 0; i < 1000; i++)
        ok &= syscall(SYS_sched_yield) == 0;
    EXPECT("1000 yields", ok);
    /* two processes yielding to each other through a pipe ping-pong */
    int a[2], b[2];
    pipe(a);
    pipe(b);
    pid_t c = fork();
    if (c == 0) {
        char x;
        for (int i = 0; i < 100; i++) {
            read(a[0], &x, 1);
            sched_yield();
            write(b[1], &x, 1);
        }
        _exit(0);
    }
    char x = 'p';
    int rounds = 0;
    for (int i = 0; i < 100; i++) {
        write(a[1], &x, 1);
        sched_yield();
        if (read(b[0], &x, 1) == 1)
            rounds++;
    }
    int st;
    waitpid(c, &st, 0);
    printf("ping-pong rounds: %d, child %s\n", rounds, t_child_status(st));
    return 0;
}
