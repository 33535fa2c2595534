/* pread64(2): positional reads do not move the file offset. */
#include "t.h"

int main(void)
{
    char buf[32];
    t_write_file("f", "0123456789", 0644);
    int fd = open("f", O_RDONLY);
    memset(buf, 0, sizeof(buf));
    CHECK("pread 4 at 3", pread(fd, buf, 4, 3));
    printf("data: %s\n", buf);
    CHECK("offset", lseek(fd, 0, SEEK_CUR));
    CHECK("pread at 8", pread(fd, buf, 10, 8));
    CHECK("pread at size", pread(fd, buf, 10, 10));
    CHECK("pread beyond size", pread(fd, buf, 10, 1000));
    CHECK("pread negative offset", syscall(SYS_pread64, fd, buf, 4, -1L));
    CHECK("pread NULL buf", syscall(SYS_pread64, fd, NULL, 4, 0L));
    CHECK("pread 0x1 buf", syscall(SYS_pread64, fd, BADPTR, 4, 0L));
    CHECK("pread kernel buf", syscall(SYS_pread64, fd, KPTR, 4, 0L));
    CHECK("pread bad fd", pread(77, buf, 4, 0));
    close(fd);
    fd = open("f", O_WRONLY);
    CHECK("pread O_WRONLY", pread(fd, buf, 4, 0));
    close(fd);
    int p[2];
    pipe(p);
    write(p[1], "x", 1);
    CHECK("pread pipe", pread(p[0], buf, 1, 0));
    mkdir("d", 0755);
    fd = open("d", O_RDONLY);
    CHECK("pread directory", pread(fd, buf, 1, 0));
    return 0;
}
