/* close(2) */
#include "t.h"

int main(void)
{
    int fd = open("/dev/null", O_RDONLY);
    CHECK("close", close(fd));
    CHECK("close again", syscall(SYS_close, fd));
    CHECK("close -1", syscall(SYS_close, -1));
    CHECK("close 1<<20", syscall(SYS_close, 1 << 20));
    CHECK("close INT_MAX", syscall(SYS_close, 0x7fffffff));
    int p[2];
    pipe(p);
    CHECK("close pipe write end", close(p[1]));
    char c;
    CHECK("read sees EOF", read(p[0], &c, 1));
    CHECK("close pipe read end", close(p[0]));
    /* close of a dup'ed fd leaves the other usable */
    fd = open("/dev/zero", O_RDONLY);
    int fd2 = dup(fd);
    close(fd);
    CHECK("dup still readable", read(fd2, &c, 1));
    close(fd2);
    /* closing stdin makes 0 the next fd */
    CHECK("close 0", close(0));
    CHECK("open gets 0", open("/dev/null", O_RDONLY));
    return 0;
}
