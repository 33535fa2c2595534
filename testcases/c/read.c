/* read(2): regular files, pipes, devices, EOF and bad arguments. */
#include "t.h"

int main(void)
{
    char buf[64];
    t_write_file("f", "hello world\n", 0644);
    int fd = CHECK("open f", open("f", O_RDONLY));

    memset(buf, 0, sizeof(buf));
    CHECK("read 5", read(fd, buf, 5));
    printf("data: %s\n", buf);
    CHECK("read rest", read(fd, buf, sizeof(buf)));
    CHECK("read at eof", read(fd, buf, sizeof(buf)));
    CHECK("read count 0", read(fd, buf, 0));
    CHECK("read NULL count 0", syscall(SYS_read, fd, NULL, 0));

    lseek(fd, 0, SEEK_SET);
    CHECK("read into NULL", syscall(SYS_read, fd, NULL, 5));
    CHECK("read into 0x1", syscall(SYS_read, fd, BADPTR, 5));
    CHECK("read into unmapped", syscall(SYS_read, fd, t_unmapped(), 5));
    CHECK("read into kernel", syscall(SYS_read, fd, KPTR, 5));
    CHECK("offset unchanged after EFAULT", lseek(fd, 0, SEEK_CUR));
    close(fd);

    CHECK("read fd -1", read(-1, buf, 1));
    CHECK("read fd 1000", read(1000, buf, 1));
    CHECK("read closed fd", read(fd, buf, 1));

    fd = open("f", O_WRONLY);
    CHECK("read O_WRONLY fd", read(fd, buf, 1));
    close(fd);

    mkdir("d", 0755);
    fd = open("d", O_RDONLY | O_DIRECTORY);
    CHECK("read directory", read(fd, buf, sizeof(buf)));
    close(fd);

    fd = open("/dev/null", O_RDONLY);
    CHECK("read /dev/null", read(fd, buf, sizeof(buf)));
    close(fd);

    fd = open("/dev/zero", O_RDONLY);
    memset(buf, 'x', sizeof(buf));
    CHECK("read /dev/zero", read(fd, buf, 16));
    int zero = 1;
    for (int i = 0; i < 16; i++)
        zero &= buf[i] == 0;
    EXPECT("zeros", zero);
    EXPECT("beyond untouched", buf[16] == 'x');
    close(fd);

    /* A large read from a file larger than one page. */
    fd = open("big", O_RDWR | O_CREAT | O_TRUNC, 0644);
    static char big[20000], back[20000];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)(i * 7 + 3);
    write(fd, big, sizeof(big));
    lseek(fd, 0, SEEK_SET);
    CHECK("read big", read(fd, back, sizeof(back)));
    EXPECT("big content", memcmp(big, back, sizeof(big)) == 0);
    lseek(fd, 10000, SEEK_SET);
    CHECK("read from middle", read(fd, back, sizeof(back)));
    CHECK("read past end", (lseek(fd, 50000, SEEK_SET), read(fd, back, 10)));
    close(fd);

    int p[2];
    pipe(p);
    write(p[1], "abc", 3);
    CHECK("read pipe (asks 10)", read(p[0], buf, 10));
    close(p[1]);
    CHECK("read pipe after writer closed", read(p[0], buf, 10));
    close(p[0]);
    return 0;
}
