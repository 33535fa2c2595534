/* clone(2), fork-style: fork(), raw clone(SIGCHLD), flag validation */
#include "t.h"
#include <sched.h>

static int global = 1;

int main(void)
{
    pid_t parent = getpid();
    int local = 10;
    int *heap = malloc(sizeof(int));
    *heap = 100;
    int p[2];
    pipe(p);

    pid_t pid = fork();
    if (pid == 0) {
        global = 2;
        local = 20;
        *heap = 200;
        char msg[64];
        int n = snprintf(msg, sizeof(msg), "child: ppid ok=%d pid differs=%d\n", getppid() == parent, getpid() != parent);
        write(p[1], msg, n);
        _exit(7);
    }
    printf("fork returned child pid > 0: %d\n", pid > 0);
    int status;
    CHECK("waitpid", waitpid(pid, &status, 0) == pid);
    printf("child %s\n", t_child_status(status));
    char buf[128] = {0};
    read(p[0], buf, sizeof(buf) - 1);
    printf("%s", buf);
    printf("parent memory untouched: %d %d %d\n", global, local, *heap);

    /* raw clone with only the exit signal: like fork */
    long r = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
    if (r == 0) {
        global = 3;
        _exit(global + 10);
    }
    printf("raw clone(SIGCHLD) returned > 0: %d\n", r > 0);
    waitpid(r, &status, 0);
    printf("child %s, global=%d\n", t_child_status(status), global);

    /* clone with exit signal 0: waitable only with __WALL/__WCLONE */
    r = syscall(SYS_clone, 0, 0, 0, 0, 0);
    if (r == 0)
        _exit(5);
    CHECK("waitpid without __WALL", waitpid(r, &status, WNOHANG) > 0 ? 1 : 0);
    CHECK("waitpid __WALL", waitpid(r, &status, __WALL) == r);
    if (!REF_IS_QEMU) /* qemu-user does not report this status */
        printf("child %s\n", t_child_status(status));

    /* invalid flag combinations */
    CHECK("CLONE_SIGHAND without CLONE_VM", syscall(SYS_clone, CLONE_SIGHAND | SIGCHLD, 0, 0, 0, 0));
    CHECK("CLONE_THREAD without CLONE_SIGHAND", syscall(SYS_clone, CLONE_THREAD | CLONE_VM | SIGCHLD, 0, 0, 0, 0));
    CHECK("CLONE_FS|CLONE_NEWNS", syscall(SYS_clone, CLONE_FS | CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0));
    CHECK("CLONE_NEWUSER|CLONE_FS", syscall(SYS_clone, CLONE_NEWUSER | CLONE_FS | SIGCHLD, 0, 0, 0, 0));

    /* a parent_tid that cannot be written: the child is made all the same */
    long c = syscall(SYS_clone, CLONE_PARENT_SETTID | SIGCHLD, 0, BADPTR, 0, 0);
    if (c == 0)
        _exit(3);
    EXPECT("CLONE_PARENT_SETTID to a bad pointer still forks", c > 0 && waitpid(c, &status, 0) == c);

    /* fork inherits fds and their shared offsets */
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    pid = fork();
    if (pid == 0) {
        write(fd, "child", 5);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    CHECK("offset moved by child", lseek(fd, 0, SEEK_CUR));

    /* many children */
    int ok = 1;
    for (int i = 0; i < 20; i++) {
        pid = fork();
        if (pid == 0)
            _exit(i);
        if (pid < 0)
            ok = 0;
    }
    int sum = 0;
    while ((pid = wait(&status)) > 0)
        sum += WEXITSTATUS(status);
    printf("20 children: forks ok=%d, exit codes sum=%d, then %s\n", ok, sum, errname(errno));

    /* nested: grandchild's parent is the child */
    pid = fork();
    if (pid == 0) {
        pid_t me = getpid();
        pid_t g = fork();
        if (g == 0)
            _exit(getppid() == me ? 0 : 1);
        waitpid(g, &status, 0);
        _exit(WEXITSTATUS(status) == 0 ? 33 : 44);
    }
    waitpid(pid, &status, 0);
    printf("grandchild saw child as parent: %s\n", t_child_status(status));
    return 0;
}
