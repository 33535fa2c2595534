/* linkat(2) */
#include "t.h"

static long nlink(const char *p)
{
    struct stat st;
    if (lstat(p, &st))
        return -errno;
    return (long)st.st_nlink;
}

int main(void)
{
    t_write_file("f", "data", 0644);
    mkdir("d", 0755);
    symlink("f", "sl");
    symlink("missing", "dangling");

    CHECK("link f g", syscall(SYS_linkat, AT_FDCWD, "f", AT_FDCWD, "g", 0));
    printf("nlink f=%ld g=%ld\n", nlink("f"), nlink("g"));
    struct stat a, b;
    stat("f", &a);
    stat("g", &b);
    EXPECT("same inode", a.st_ino == b.st_ino);
    t_write_file("g", "changed", 0644);
    char buf[16] = {0};
    int fd = open("f", O_RDONLY);
    read(fd, buf, sizeof(buf) - 1);
    close(fd);
    printf("f after writing g: %s\n", buf);

    CHECK("existing target", syscall(SYS_linkat, AT_FDCWD, "f", AT_FDCWD, "g", 0));
    CHECK("missing source", syscall(SYS_linkat, AT_FDCWD, "nope", AT_FDCWD, "h", 0));
    CHECK("directory source", syscall(SYS_linkat, AT_FDCWD, "d", AT_FDCWD, "dl", 0));
    CHECK("missing target dir", syscall(SYS_linkat, AT_FDCWD, "f", AT_FDCWD, "nodir/h", 0));
    CHECK("target through file", syscall(SYS_linkat, AT_FDCWD, "f", AT_FDCWD, "f/h", 0));
    CHECK("into subdir", syscall(SYS_linkat, AT_FDCWD, "f", AT_FDCWD, "d/h", 0));
    printf("nlink f=%ld\n", nlink("f"));

    CHECK("symlink without follow", syscall(SYS_linkat, AT_FDCWD, "sl", AT_FDCWD, "sl2", 0));
    struct stat st;
    lstat("sl2", &st);
    printf("sl2 is symlink: %d\n", S_ISLNK(st.st_mode));
    CHECK("symlink AT_SYMLINK_FOLLOW", syscall(SYS_linkat, AT_FDCWD, "sl", AT_FDCWD, "sl3", AT_SYMLINK_FOLLOW));
    lstat("sl3", &st);
    printf("sl3 is regular: %d, nlink f=%ld\n", S_ISREG(st.st_mode), nlink("f"));
    CHECK("dangling AT_SYMLINK_FOLLOW", syscall(SYS_linkat, AT_FDCWD, "dangling", AT_FDCWD, "x", AT_SYMLINK_FOLLOW));
    CHECK("dangling no follow", syscall(SYS_linkat, AT_FDCWD, "dangling", AT_FDCWD, "x", 0));
    CHECK("invalid flags", syscall(SYS_linkat, AT_FDCWD, "f", AT_FDCWD, "y", 0x1));
    CHECK("AT_SYMLINK_NOFOLLOW invalid", syscall(SYS_linkat, AT_FDCWD, "f", AT_FDCWD, "y", AT_SYMLINK_NOFOLLOW));
    CHECK("empty old", syscall(SYS_linkat, AT_FDCWD, "", AT_FDCWD, "y", 0));
    CHECK("empty new", syscall(SYS_linkat, AT_FDCWD, "f", AT_FDCWD, "", 0));
    CHECK("NULL old", syscall(SYS_linkat, AT_FDCWD, NULL, AT_FDCWD, "y", 0));
    CHECK("0x1 new", syscall(SYS_linkat, AT_FDCWD, "f", AT_FDCWD, BADPTR, 0));
    CHECK("kernel old", syscall(SYS_linkat, AT_FDCWD, KPTR, AT_FDCWD, "y", 0));

    int d = open("d", O_RDONLY | O_DIRECTORY);
    CHECK("via dirfds", syscall(SYS_linkat, d, "h", d, "h2", 0));
    CHECK("bad olddirfd", syscall(SYS_linkat, 88, "h", d, "h3", 0));
    CHECK("bad newdirfd", syscall(SYS_linkat, d, "h", 88, "h3", 0));
    close(d);
    printf("nlink f=%ld\n", nlink("f"));

    unlink("f");
    printf("after unlink f: nlink g=%ld\n", nlink("g"));
    return 0;
}
