/* writev(2): gather writes and bad iovecs. */
#include "t.h"
#include <sys/uio.h>

int main(void)
{
    char buf[64];
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    struct iovec iov[3] = {{"abc", 3}, {"", 0}, {"defgh", 5}};
    CHECK("writev", writev(fd, iov, 3));
    CHECK("writev iovcnt 0", writev(fd, iov, 0));
    CHECK("writev iovcnt -1", syscall(SYS_writev, fd, iov, -1));
    CHECK("writev iovcnt 1025", syscall(SYS_writev, fd, iov, 1025));
    CHECK("writev iov NULL", syscall(SYS_writev, fd, NULL, 1));
    CHECK("writev iov 0x1", syscall(SYS_writev, fd, BADPTR, 1));
    CHECK("writev iov unmapped", syscall(SYS_writev, fd, t_unmapped(), 1));
    struct iovec bad[1] = {{BADPTR, 4}};
    CHECK("writev base 0x1", syscall(SYS_writev, fd, bad, 1));
    struct iovec kbad[1] = {{KPTR, 4}};
    CHECK("writev base kernel", syscall(SYS_writev, fd, kbad, 1));
    struct iovec huge[2] = {{"a", (size_t)-1 / 2}, {"b", (size_t)-1 / 2}};
    CHECK("writev total overflows ssize_t", syscall(SYS_writev, fd, huge, 2));
    CHECK("writev bad fd", writev(99, iov, 3));
    lseek(fd, 0, SEEK_SET);
    memset(buf, 0, sizeof(buf));
    CHECK("read back", read(fd, buf, sizeof(buf)));
    printf("content: %s\n", buf);
    close(fd);
    fd = open("f", O_RDONLY);
    CHECK("writev O_RDONLY", writev(fd, iov, 3));
    close(fd);

    /* many small iovecs */
    struct iovec many[100];
    for (int i = 0; i < 100; i++) {
        many[i].iov_base = (void *)"0123456789" + (i % 10);
        many[i].iov_len = 1;
    }
    int p[2];
    pipe(p);
    CHECK("writev 100 iovecs to pipe", writev(p[1], many, 100));
    memset(buf, 0, sizeof(buf));
    CHECK("read pipe", read(p[0], buf, 20));
    printf("pipe: %s\n", buf);
    return 0;
}
