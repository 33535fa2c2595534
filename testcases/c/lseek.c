/* lseek(2) */
#include "t.h"

int main(void)
{
    char buf[16];
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "0123456789", 10);
    CHECK("SEEK_CUR 0", lseek(fd, 0, SEEK_CUR));
    CHECK("SEEK_SET 3", lseek(fd, 3, SEEK_SET));
    read(fd, buf, 2);
    printf("read: %.2s\n", buf);
    CHECK("SEEK_CUR +2", lseek(fd, 2, SEEK_CUR));
    CHECK("SEEK_CUR -4", lseek(fd, -4, SEEK_CUR));
    CHECK("SEEK_END 0", lseek(fd, 0, SEEK_END));
    CHECK("SEEK_END -1", lseek(fd, -1, SEEK_END));
    CHECK("SEEK_SET -1", lseek(fd, -1, SEEK_SET));
    CHECK("SEEK_CUR to negative", lseek(fd, -100, SEEK_CUR));
    CHECK("offset kept after EINVAL", lseek(fd, 0, SEEK_CUR));
    CHECK("whence 5", lseek(fd, 0, 5));
    CHECK("whence -1", syscall(SYS_lseek, fd, 0L, -1));
    CHECK("beyond end", lseek(fd, 100, SEEK_SET));
    CHECK("write past end", write(fd, "X", 1));
    struct stat st;
    fstat(fd, &st);
    printf("size: %ld\n", (long)st.st_size);
    CHECK("pread in gap", pread(fd, buf, 4, 50));
    printf("gap zeros: %s\n", buf[0] == 0 && buf[3] == 0 ? "ok" : "FAIL");
    CHECK("SEEK_DATA 0", lseek(fd, 0, SEEK_DATA));
    CHECK("SEEK_DATA past end", lseek(fd, 200, SEEK_DATA));
    CHECK("SEEK_HOLE past end", lseek(fd, 200, SEEK_HOLE));
    CHECK("large offset", lseek(fd, 1L << 40, SEEK_SET));
    close(fd);
    CHECK("bad fd", lseek(42, 0, SEEK_SET));
    int p[2];
    pipe(p);
    CHECK("pipe", lseek(p[0], 0, SEEK_SET));
    CHECK("pipe write end", lseek(p[1], 0, SEEK_CUR));
    fd = open("/dev/null", O_RDONLY);
    CHECK("/dev/null", lseek(fd, 10, SEEK_SET));
    close(fd);
    fd = open("/dev/zero", O_RDONLY);
    CHECK("/dev/zero", lseek(fd, 10, SEEK_SET));
    close(fd);
    mkdir("d", 0755);
    fd = open("d", O_RDONLY);
    CHECK("directory rewind", lseek(fd, 0, SEEK_SET));
    close(fd);
    return 0;
}
