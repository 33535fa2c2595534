/* pwrite64(2): positional writes, holes, O_APPEND quirk. */
#include "t.h"

int main(void)
{
    char buf[32];
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "0123456789", 10);
    CHECK("pwrite 3 at 2", pwrite(fd, "abc", 3, 2));
    CHECK("offset", lseek(fd, 0, SEEK_CUR));
    memset(buf, 0, sizeof(buf));
    pread(fd, buf, sizeof(buf), 0);
    printf("content: %s\n", buf);
    CHECK("pwrite at 20 (hole)", pwrite(fd, "Z", 1, 20));
    struct stat st;
    fstat(fd, &st);
    printf("size: %ld\n", (long)st.st_size);
    memset(buf, 'x', sizeof(buf));
    CHECK("pread hole", pread(fd, buf, 11, 10));
    int zeros = 1;
    for (int i = 0; i < 10; i++)
        zeros &= buf[i] == 0;
    EXPECT("hole is zeros", zeros);
    printf("last: %c\n", buf[10]);
    CHECK("pwrite negative offset", syscall(SYS_pwrite64, fd, "x", 1, -5L));
    CHECK("pwrite NULL buf", syscall(SYS_pwrite64, fd, NULL, 1, 0L));
    CHECK("pwrite 0x1 buf", syscall(SYS_pwrite64, fd, BADPTR, 1, 0L));
    CHECK("pwrite kernel buf", syscall(SYS_pwrite64, fd, KPTR, 1, 0L));
    CHECK("pwrite count 0", pwrite(fd, "x", 0, 0));
    CHECK("pwrite bad fd", pwrite(66, "x", 1, 0));
    close(fd);
    fd = open("f", O_RDONLY);
    CHECK("pwrite O_RDONLY", pwrite(fd, "x", 1, 0));
    close(fd);
    /* Linux: with O_APPEND, pwrite appends regardless of the offset. */
    fd = open("f", O_WRONLY | O_APPEND);
    CHECK("pwrite O_APPEND at 0", pwrite(fd, "END", 3, 0));
    close(fd);
    fd = open("f", O_RDONLY);
    fstat(fd, &st);
    printf("size: %ld\n", (long)st.st_size);
    memset(buf, 0, sizeof(buf));
    pread(fd, buf, 3, st.st_size - 3);
    printf("tail: %s\n", buf);
    pread(fd, buf, 3, 0);
    printf("head: %.3s\n", buf);
    int p[2];
    pipe(p);
    CHECK("pwrite pipe", pwrite(p[1], "x", 1, 0));
    return 0;
}
