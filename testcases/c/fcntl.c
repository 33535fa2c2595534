/* fcntl(2): F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD/F_SETFD, F_GETFL/F_SETFL */
#include "t.h"

#define FLMASK (O_ACCMODE | O_APPEND | O_NONBLOCK)

int main(void)
{
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    printf("fd: %d\n", fd);
    CHECK("F_DUPFD 0", fcntl(fd, F_DUPFD, 0));
    CHECK("F_DUPFD 10", fcntl(fd, F_DUPFD, 10));
    CHECK("F_DUPFD 10 again", fcntl(fd, F_DUPFD, 10));
    CHECK("F_GETFD dup", fcntl(10, F_GETFD));
    CHECK("F_DUPFD_CLOEXEC 20", fcntl(fd, F_DUPFD_CLOEXEC, 20));
    CHECK("F_GETFD cloexec dup", fcntl(20, F_GETFD));
    CHECK("F_DUPFD -1", syscall(SYS_fcntl, fd, F_DUPFD, -1));
    CHECK("F_DUPFD huge", syscall(SYS_fcntl, fd, F_DUPFD, 1 << 30));
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    CHECK("F_DUPFD at RLIMIT_NOFILE", syscall(SYS_fcntl, fd, F_DUPFD, (long)rl.rlim_cur));
    CHECK("F_DUPFD at RLIMIT_NOFILE-1", syscall(SYS_fcntl, fd, F_DUPFD, (long)rl.rlim_cur - 1) == (long)rl.rlim_cur - 1);
    close(rl.rlim_cur - 1);
    CHECK("F_DUPFD bad fd", fcntl(99, F_DUPFD, 0));

    /* dup'ed fds share the file offset and status flags */
    write(fd, "abc", 3);
    CHECK("shared offset", lseek(10, 0, SEEK_CUR));
    fcntl(fd, F_SETFL, O_APPEND);
    printf("shared status flags: %d\n", (fcntl(10, F_GETFL) & O_APPEND) != 0);
    fcntl(fd, F_SETFL, 0);

    CHECK("F_GETFD", fcntl(fd, F_GETFD));
    CHECK("F_SETFD FD_CLOEXEC", fcntl(fd, F_SETFD, FD_CLOEXEC));
    CHECK("F_GETFD", fcntl(fd, F_GETFD));
    CHECK("F_SETFD 0", fcntl(fd, F_SETFD, 0));
    CHECK("F_GETFD", fcntl(fd, F_GETFD));
    CHECK("F_SETFD 0xff", fcntl(fd, F_SETFD, 0xff));
    CHECK("F_GETFD after 0xff", fcntl(fd, F_GETFD));
    CHECK("cloexec is per fd (dup)", fcntl(10, F_GETFD));
    fcntl(fd, F_SETFD, 0);
    CHECK("F_GETFD bad fd", fcntl(99, F_GETFD));
    CHECK("F_SETFD bad fd", fcntl(99, F_SETFD, 1));

    printf("F_GETFL O_RDWR: %o\n", fcntl(fd, F_GETFL) & FLMASK);
    int ro = open("f", O_RDONLY);
    printf("F_GETFL O_RDONLY: %o\n", fcntl(ro, F_GETFL) & FLMASK);
    int wo = open("f", O_WRONLY | O_APPEND);
    printf("F_GETFL O_WRONLY|O_APPEND: %o\n", fcntl(wo, F_GETFL) & FLMASK);
    CHECK("F_SETFL O_APPEND|O_NONBLOCK", fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK));
    printf("F_GETFL: %o\n", fcntl(fd, F_GETFL) & FLMASK);
    CHECK("F_SETFL cannot change access mode", fcntl(ro, F_SETFL, O_RDWR));
    printf("F_GETFL: %o\n", fcntl(ro, F_GETFL) & FLMASK);
    CHECK("F_SETFL ignores O_CREAT|O_TRUNC", fcntl(ro, F_SETFL, O_CREAT | O_TRUNC | O_EXCL));
    printf("F_GETFL: %o\n", fcntl(ro, F_GETFL) & (FLMASK | O_CREAT | O_TRUNC | O_EXCL));
    struct stat st;
    fstat(fd, &st);
    printf("size not truncated: %ld\n", (long)st.st_size);
    lseek(fd, 0, SEEK_SET);
    write(fd, "Z", 1);
    fstat(fd, &st);
    printf("append after F_SETFL: size %ld\n", (long)st.st_size);
    CHECK("F_SETFL 0", fcntl(fd, F_SETFL, 0));
    printf("F_GETFL: %o\n", fcntl(fd, F_GETFL) & FLMASK);
    CHECK("F_GETFL bad fd", fcntl(99, F_GETFL));
    CHECK("F_SETFL bad fd", fcntl(99, F_SETFL, 0));

    int p[2];
    pipe(p);
    printf("pipe ends: %o %o\n", fcntl(p[0], F_GETFL) & FLMASK, fcntl(p[1], F_GETFL) & FLMASK);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    char c;
    CHECK("nonblocking empty pipe read", read(p[0], &c, 1));
    fcntl(p[0], F_SETFL, 0);

    int path = open("f", O_PATH);
    CHECK("F_GETFD on O_PATH", fcntl(path, F_GETFD));
    CHECK("F_DUPFD on O_PATH", fcntl(path, F_DUPFD, 30));
    printf("O_PATH F_GETFL has O_PATH: %d\n", (fcntl(path, F_GETFL) & O_PATH) != 0);

    CHECK("unknown cmd", syscall(SYS_fcntl, fd, 12345, 0));
    if (!REF_IS_QEMU) /* qemu-user: EINVAL before looking at the fd */
        CHECK("unknown cmd bad fd", syscall(SYS_fcntl, 99, 12345, 0));
    return 0;
}
