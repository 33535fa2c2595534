/* dup(2) */
#include "t.h"

int main(void)
{
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK("dup", syscall(SYS_dup, fd));
    CHECK("dup again", syscall(SYS_dup, fd));
    close(4);
    CHECK("dup fills hole", syscall(SYS_dup, fd));
    CHECK("dup -1", syscall(SYS_dup, -1));
    CHECK("dup closed", syscall(SYS_dup, 100));
    CHECK("dup huge", syscall(SYS_dup, 1 << 30));

    write(fd, "hello", 5);
    CHECK("offset shared", lseek(4, 0, SEEK_CUR));
    lseek(4, 1, SEEK_SET);
    char buf[8] = {0};
    read(fd, buf, 4);
    printf("read via original after seek on dup: %s\n", buf);

    fcntl(fd, F_SETFD, FD_CLOEXEC);
    int d = dup(fd);
    CHECK("dup clears FD_CLOEXEC", fcntl(d, F_GETFD));
    close(fd);
    CHECK("dup survives close of original", pread(d, buf, 5, 0));

    int p[2];
    pipe(p);
    int w2 = dup(p[1]);
    close(p[1]);
    write(w2, "x", 1);
    close(w2);
    CHECK("pipe read", read(p[0], buf, 8));
    CHECK("pipe EOF after all writers closed", read(p[0], buf, 8));

    /* fill the table up to RLIMIT_NOFILE */
    struct rlimit rl = {64, 64};
    struct rlimit old;
    getrlimit(RLIMIT_NOFILE, &old);
    rl.rlim_max = old.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    int last = -1, n;
    while ((n = dup(0)) >= 0)
        last = n;
    printf("last fd: %d, then %s\n", last, errname(errno));
    return 0;
}
