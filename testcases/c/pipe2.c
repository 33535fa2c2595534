/* pipe2(2) */
#include "t.h"

int main(void)
{
    int p[2] = {-1, -1};
    char buf[128];
    CHECK("pipe2 0", syscall(SYS_pipe2, p, 0));
    printf("fds: %d %d\n", p[0], p[1]);
    printf("flags: %o %o, fd flags: %d %d\n", fcntl(p[0], F_GETFL) & (O_ACCMODE | O_NONBLOCK),
           fcntl(p[1], F_GETFL) & (O_ACCMODE | O_NONBLOCK), fcntl(p[0], F_GETFD), fcntl(p[1], F_GETFD));
    CHECK("write", write(p[1], "hello", 5));
    CHECK("read", read(p[0], buf, sizeof(buf)));
    CHECK("write to read end", write(p[0], "x", 1));
    CHECK("read from write end", read(p[1], buf, 1));
    struct stat st;
    fstat(p[0], &st);
    printf("fifo: %d\n", S_ISFIFO(st.st_mode));
    close(p[0]);
    close(p[1]);

    CHECK("pipe2 O_CLOEXEC", syscall(SYS_pipe2, p, O_CLOEXEC));
    printf("fd flags: %d %d\n", fcntl(p[0], F_GETFD), fcntl(p[1], F_GETFD));
    close(p[0]);
    close(p[1]);

    CHECK("pipe2 O_NONBLOCK", syscall(SYS_pipe2, p, O_NONBLOCK));
    printf("flags: %o %o\n", fcntl(p[0], F_GETFL) & (O_ACCMODE | O_NONBLOCK), fcntl(p[1], F_GETFL) & (O_ACCMODE | O_NONBLOCK));
    CHECK("empty nonblocking read", read(p[0], buf, 1));
    /* fill the pipe: Linux's default capacity is 16 pages */
    static char chunk[4096];
    long total = 0, r;
    while ((r = write(p[1], chunk, sizeof(chunk))) > 0)
        total += r;
    printf("capacity: %ld, then %s\n", total, errname(errno));
    CHECK("F_GETPIPE_SZ", fcntl(p[0], F_GETPIPE_SZ));
    CHECK("drain one page", read(p[0], chunk, sizeof(chunk)));
    CHECK("write after drain", write(p[1], chunk, 100));
    close(p[0]);
    close(p[1]);

    CHECK("pipe2 invalid flags", syscall(SYS_pipe2, p, O_RDWR));
    CHECK("pipe2 invalid flags O_APPEND", syscall(SYS_pipe2, p, O_APPEND));
    CHECK("pipe2 NULL", syscall(SYS_pipe2, NULL, 0));
    CHECK("pipe2 0x1", syscall(SYS_pipe2, BADPTR, 0));
    CHECK("pipe2 unmapped", syscall(SYS_pipe2, t_unmapped(), 0));
    CHECK("pipe2 kernel", syscall(SYS_pipe2, KPTR, 0));
    if (!REF_IS_QEMU) /* qemu-user creates the pipe before failing to copy out */
        CHECK("no fds leaked", syscall(SYS_dup, 0));

    signal(SIGPIPE, SIG_IGN);
    pipe(p);
    close(p[0]);
    CHECK("write without reader", write(p[1], "x", 1));
    close(p[1]);
    pipe(p);
    write(p[1], "tail", 4);
    close(p[1]);
    CHECK("read remaining after writer closed", read(p[0], buf, sizeof(buf)));
    CHECK("then EOF", read(p[0], buf, sizeof(buf)));
    close(p[0]);

    /* parent/child through a pipe; atomic writes <= PIPE_BUF */
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        for (int i = 0; i < 100; i++)
            write(p[1], "0123456789", 10);
        _exit(0);
    }
    close(p[1]);
    total = 0;
    while ((r = read(p[0], buf, sizeof(buf))) > 0)
        total += r;
    int status;
    waitpid(pid, &status, 0);
    printf("child sent %ld bytes, %s\n", total, t_child_status(status));

    /* blocking reader woken by a writer */
    pipe(p);
    pid = fork();
    if (pid == 0) {
        usleep(50000);
        write(p[1], "late", 4);
        _exit(0);
    }
    memset(buf, 0, sizeof(buf));
    CHECK("blocking read", read(p[0], buf, sizeof(buf)));
    printf("got: %s\n", buf);
    waitpid(pid, &status, 0);
    return 0;
}
