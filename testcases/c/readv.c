/* readv(2): scatter reads and bad iovecs. */
#include "t.h"
#include <sys/uio.h>

int main(void)
{
    char a[4], b[8], c[16];
    t_write_file("f", "0123456789abcdefghij", 0644);
    int fd = open("f", O_RDONLY);
    struct iovec iov[3] = {{a, sizeof(a)}, {b, sizeof(b)}, {c, sizeof(c)}};
    memset(c, 0, sizeof(c));
    CHECK("readv", readv(fd, iov, 3));
    printf("a=%.4s b=%.8s c=%s\n", a, b, c);
    CHECK("readv at eof", readv(fd, iov, 3));
    lseek(fd, 0, SEEK_SET);

    CHECK("readv iovcnt 0", readv(fd, iov, 0));
    CHECK("readv iovcnt -1", syscall(SYS_readv, fd, iov, -1));
    CHECK("readv iovcnt 1025", syscall(SYS_readv, fd, iov, 1025));
    CHECK("readv iov NULL", syscall(SYS_readv, fd, NULL, 1));
    CHECK("readv iov 0x1", syscall(SYS_readv, fd, BADPTR, 1));
    CHECK("readv iov kernel", syscall(SYS_readv, fd, KPTR, 1));
    struct iovec bad[2] = {{BADPTR, 4}, {b, 4}};
    CHECK("readv base 0x1", syscall(SYS_readv, fd, bad, 2));
    struct iovec kbad[1] = {{KPTR, 4}};
    CHECK("readv base kernel", syscall(SYS_readv, fd, kbad, 1));
    struct iovec zero[2] = {{NULL, 0}, {a, 4}};
    CHECK("readv zero-length NULL base", readv(fd, zero, 2));
    printf("a=%.4s\n", a);
    struct iovec huge[2] = {{a, (size_t)-1 / 2}, {b, (size_t)-1 / 2}};
    CHECK("readv total overflows ssize_t", syscall(SYS_readv, fd, huge, 2));
    CHECK("readv bad fd", readv(99, iov, 3));
    close(fd);
    fd = open("f", O_WRONLY);
    CHECK("readv O_WRONLY", readv(fd, iov, 3));
    close(fd);

    int p[2];
    pipe(p);
    write(p[1], "pipedata", 8);
    struct iovec piov[2] = {{a, 3}, {b, 8}};
    memset(b, 0, sizeof(b));
    CHECK("readv pipe", readv(p[0], piov, 2));
    printf("a=%.3s b=%.5s\n", a, b);
    return 0;
}
