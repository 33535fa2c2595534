/* dup3(2) */
#include "t.h"

int main(void)
{
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    int other = open("/dev/null", O_RDONLY);
    printf("fds: %d %d\n", fd, other);
    CHECK("dup3 to 10", syscall(SYS_dup3, fd, 10, 0));
    CHECK("F_GETFD 10", fcntl(10, F_GETFD));
    CHECK("dup3 O_CLOEXEC to 11", syscall(SYS_dup3, fd, 11, O_CLOEXEC));
    CHECK("F_GETFD 11", fcntl(11, F_GETFD));
    CHECK("dup3 same fd", syscall(SYS_dup3, fd, fd, 0));
    CHECK("dup3 invalid flags", syscall(SYS_dup3, fd, 12, O_NONBLOCK));
    CHECK("dup3 invalid flags 0x1", syscall(SYS_dup3, fd, 12, 1));
    CHECK("dup3 bad oldfd", syscall(SYS_dup3, 99, 12, 0));
    CHECK("dup3 bad oldfd same", syscall(SYS_dup3, 99, 99, 0));
    CHECK("dup3 newfd -1", syscall(SYS_dup3, fd, -1, 0));
    CHECK("dup3 newfd huge", syscall(SYS_dup3, fd, 1 << 30, 0));
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    CHECK("dup3 newfd = RLIMIT_NOFILE", syscall(SYS_dup3, fd, (long)rl.rlim_cur, 0));

    /* replacing an open fd closes it */
    write(fd, "data", 4);
    CHECK("dup3 over open fd", syscall(SYS_dup3, fd, other, 0));
    CHECK("replaced fd now shares the file offset", lseek(other, 0, SEEK_CUR));
    char buf[8] = {0};
    CHECK("pread via replaced fd", pread(other, buf, 4, 0));
    printf("data: %s\n", buf);

    /* replacing a pipe's only write end gives EOF to the reader */
    int p[2];
    pipe(p);
    CHECK("dup3 over pipe write end", syscall(SYS_dup3, fd, p[1], 0));
    CHECK("reader sees EOF", read(p[0], buf, 1));

    /* dup3 onto stdout redirects output */
    fflush(stdout);
    int saved = dup(1);
    int out = open("out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    syscall(SYS_dup3, out, 1, 0);
    printf("this goes to the file\n");
    fflush(stdout);
    syscall(SYS_dup3, saved, 1, 0);
    memset(buf, 0, sizeof(buf));
    int in = open("out", O_RDONLY);
    read(in, buf, 7);
    printf("file starts with: %s\n", buf);
    return 0;
}
