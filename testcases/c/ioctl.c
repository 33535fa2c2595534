/* ioctl(2): terminal ioctls on non-terminals, FIONBIO, FIONREAD, FIOCLEX */
#include "t.h"
#include <sys/ioctl.h>
#include <termios.h>

int main(void)
{
    struct termios tio;
    struct winsize ws;
    pid_t pg;
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    int null = open("/dev/null", O_RDWR);
    int p[2];
    pipe(p);

    CHECK("TCGETS file", syscall(SYS_ioctl, fd, TCGETS, &tio));
    CHECK("TCGETS /dev/null", syscall(SYS_ioctl, null, TCGETS, &tio));
    CHECK("TCGETS pipe", syscall(SYS_ioctl, p[0], TCGETS, &tio));
    CHECK("TCGETS stdin (/dev/null)", syscall(SYS_ioctl, 0, TCGETS, &tio));
    CHECK("TCGETS bad fd", syscall(SYS_ioctl, 99, TCGETS, &tio));
    CHECK("TCGETS file NULL arg", syscall(SYS_ioctl, fd, TCGETS, NULL));
    CHECK("isatty file", isatty(fd));
    printf("isatty errno: %s\n", errname(errno));
    CHECK("TCSETS file", syscall(SYS_ioctl, fd, TCSETS, &tio));
    CHECK("TIOCGWINSZ file", syscall(SYS_ioctl, fd, TIOCGWINSZ, &ws));
    CHECK("TIOCGWINSZ /dev/null", syscall(SYS_ioctl, null, TIOCGWINSZ, &ws));
    CHECK("TIOCGWINSZ pipe", syscall(SYS_ioctl, p[1], TIOCGWINSZ, &ws));
    CHECK("TIOCSWINSZ file", syscall(SYS_ioctl, fd, TIOCSWINSZ, &ws));
    CHECK("TIOCGPGRP file", syscall(SYS_ioctl, fd, TIOCGPGRP, &pg));
    CHECK("TIOCGPGRP /dev/null", syscall(SYS_ioctl, null, TIOCGPGRP, &pg));
    pg = getpgrp();
    CHECK("TIOCSPGRP file", syscall(SYS_ioctl, fd, TIOCSPGRP, &pg));
    CHECK("TIOCSPGRP pipe", syscall(SYS_ioctl, p[0], TIOCSPGRP, &pg));
    CHECK("tcgetpgrp /dev/null", tcgetpgrp(null));

    int one = 1, zero = 0;
    char c;
    CHECK("FIONBIO pipe on", syscall(SYS_ioctl, p[0], FIONBIO, &one));
    printf("O_NONBLOCK set: %d\n", (fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
    CHECK("read empty pipe", read(p[0], &c, 1));
    CHECK("FIONBIO pipe off", syscall(SYS_ioctl, p[0], FIONBIO, &zero));
    printf("O_NONBLOCK set: %d\n", (fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
    CHECK("FIONBIO file", syscall(SYS_ioctl, fd, FIONBIO, &one));
    printf("O_NONBLOCK set on file: %d\n", (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
    CHECK("FIONBIO NULL", syscall(SYS_ioctl, fd, FIONBIO, NULL));
    CHECK("FIONBIO 0x1", syscall(SYS_ioctl, fd, FIONBIO, BADPTR));
    CHECK("FIONBIO kernel", syscall(SYS_ioctl, fd, FIONBIO, KPTR));
    CHECK("FIONBIO bad fd", syscall(SYS_ioctl, 99, FIONBIO, &one));

    int n = -1;
    write(p[1], "12345", 5);
    CHECK("FIONREAD pipe", syscall(SYS_ioctl, p[0], FIONREAD, &n));
    printf("bytes available: %d\n", n);
    write(fd, "0123456789", 10);
    lseek(fd, 3, SEEK_SET);
    CHECK("FIONREAD file", syscall(SYS_ioctl, fd, FIONREAD, &n));
    printf("bytes available: %d\n", n);
    CHECK("FIONREAD NULL", syscall(SYS_ioctl, p[0], FIONREAD, NULL));

    CHECK("FIOCLEX", syscall(SYS_ioctl, fd, FIOCLEX));
    CHECK("F_GETFD", fcntl(fd, F_GETFD));
    CHECK("FIONCLEX", syscall(SYS_ioctl, fd, FIONCLEX));
    CHECK("F_GETFD", fcntl(fd, F_GETFD));

    if (!REF_IS_QEMU) { /* qemu-user answers ENOSYS for requests it does not know */
        CHECK("unknown request on file", syscall(SYS_ioctl, fd, 0x12345678, 0));
        CHECK("unknown request on pipe", syscall(SYS_ioctl, p[0], 0x12345678, 0));
        CHECK("unknown request bad fd", syscall(SYS_ioctl, 99, 0x12345678, 0));
    }
    return 0;
}
