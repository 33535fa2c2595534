/* fadvise64(2): the hints coreutils gives on every file it reads; only the checks are visible. */
#include "t.h"

int main(void)
{
    t_write_file("f", "some data\n", 0644);
    int fd = open("f", O_RDONLY);
    CHECK("sequential", syscall(SYS_fadvise64, fd, 0, 0, POSIX_FADV_SEQUENTIAL));
    CHECK("dontneed range", syscall(SYS_fadvise64, fd, 4096, 8192, POSIX_FADV_DONTNEED));
    CHECK("every advice", posix_fadvise(fd, 0, 0, POSIX_FADV_NORMAL) | posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM) |
                              posix_fadvise(fd, 0, 0, POSIX_FADV_WILLNEED) | posix_fadvise(fd, 0, 0, POSIX_FADV_NOREUSE));
    CHECK("unknown advice", syscall(SYS_fadvise64, fd, 0, 0, 99));
    CHECK("negative length", syscall(SYS_fadvise64, fd, 0, -1L, POSIX_FADV_NORMAL));
    CHECK("negative offset", syscall(SYS_fadvise64, fd, -1L, 0, POSIX_FADV_NORMAL));
    int wfd = open("f", O_WRONLY);
    CHECK("write-only fd", syscall(SYS_fadvise64, wfd, 0, 0, POSIX_FADV_SEQUENTIAL));
    close(wfd);
    close(fd);
    CHECK("closed fd", syscall(SYS_fadvise64, fd, 0, 0, POSIX_FADV_SEQUENTIAL));
    CHECK("bad fd", syscall(SYS_fadvise64, -1, 0, 0, POSIX_FADV_SEQUENTIAL));
    int p[2];
    pipe(p);
    CHECK("pipe", syscall(SYS_fadvise64, p[0], 0, 0, POSIX_FADV_SEQUENTIAL));
    CHECK("pipe, unknown advice", syscall(SYS_fadvise64, p[0], 0, 0, 99));
    int d = open(".", O_RDONLY | O_DIRECTORY);
    CHECK("directory", syscall(SYS_fadvise64, d, 0, 0, POSIX_FADV_WILLNEED));
    int n = open("/dev/null", O_RDONLY);
    CHECK("/dev/null", syscall(SYS_fadvise64, n, 0, 0, POSIX_FADV_SEQUENTIAL));
    return 0;
}
