/* write(2): files, O_APPEND, pipes (EPIPE), /dev/full and bad arguments. */
#include "t.h"

int main(void)
{
    char buf[64];
    int fd = CHECK("open f", open("f", O_RDWR | O_CREAT | O_TRUNC, 0644));
    CHECK("write 5", write(fd, "hello", 5));
    CHECK("write 0", write(fd, "x", 0));
    CHECK("write NULL count 0", syscall(SYS_write, fd, NULL, 0));
    CHECK("write from NULL", syscall(SYS_write, fd, NULL, 5));
    CHECK("write from 0x1", syscall(SYS_write, fd, BADPTR, 5));
    CHECK("write from unmapped", syscall(SYS_write, fd, t_unmapped(), 5));
    CHECK("write from kernel", syscall(SYS_write, fd, KPTR, 5));
    CHECK("offset", lseek(fd, 0, SEEK_CUR));
    struct stat st;
    fstat(fd, &st);
    printf("size: %ld\n", (long)st.st_size);
    lseek(fd, 2, SEEK_SET);
    CHECK("overwrite", write(fd, "LL", 2));
    lseek(fd, 0, SEEK_SET);
    memset(buf, 0, sizeof(buf));
    read(fd, buf, sizeof(buf));
    printf("content: %s\n", buf);
    close(fd);

    CHECK("write fd -1", write(-1, "x", 1));
    CHECK("write fd 1000", write(1000, "x", 1));
    CHECK("write closed fd", write(fd, "x", 1));
    fd = open("f", O_RDONLY);
    CHECK("write O_RDONLY fd", write(fd, "x", 1));
    close(fd);

    fd = open("f", O_WRONLY | O_APPEND);
    lseek(fd, 0, SEEK_SET);
    CHECK("append write", write(fd, "!!", 2));
    CHECK("offset after append", lseek(fd, 0, SEEK_CUR));
    close(fd);
    fd = open("f", O_RDONLY);
    memset(buf, 0, sizeof(buf));
    read(fd, buf, sizeof(buf));
    printf("content: %s\n", buf);
    close(fd);

    fd = open("/dev/null", O_WRONLY);
    CHECK("write /dev/null", write(fd, "abc", 3));
    close(fd);
    fd = open("/dev/full", O_WRONLY);
    CHECK("write /dev/full", write(fd, "abc", 3));
    close(fd);

    signal(SIGPIPE, SIG_IGN);
    int p[2];
    pipe(p);
    CHECK("write pipe", write(p[1], "xyz", 3));
    CHECK("read pipe", read(p[0], buf, sizeof(buf)));
    close(p[0]);
    CHECK("write pipe without reader", write(p[1], "xyz", 3));
    close(p[1]);

    /* Default SIGPIPE kills the writer. */
    pipe(p);
    close(p[0]);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        write(p[1], "x", 1);
        _exit(0);
    }
    close(p[1]);
    int status;
    waitpid(pid, &status, 0);
    printf("writer: %s\n", t_child_status(status));
    return 0;
}
