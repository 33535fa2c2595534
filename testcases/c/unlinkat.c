/* unlinkat(2) */
#include "t.h"

int main(void)
{
    t_write_file("f", "data", 0644);
    mkdir("d", 0755);
    mkdir("full", 0755);
    t_write_file("full/x", "", 0644);
    symlink("f", "l");

    CHECK("unlink file", syscall(SYS_unlinkat, AT_FDCWD, "f", 0));
    CHECK("unlink file again", syscall(SYS_unlinkat, AT_FDCWD, "f", 0));
    CHECK("stat removed", access("f", F_OK));
    CHECK("symlink still there (lstat)", ({ struct stat st; lstat("l", &st); }));
    CHECK("unlink dangling symlink", syscall(SYS_unlinkat, AT_FDCWD, "l", 0));
    CHECK("unlink directory", syscall(SYS_unlinkat, AT_FDCWD, "d", 0));
    CHECK("AT_REMOVEDIR on file", (t_write_file("g", "", 0644), syscall(SYS_unlinkat, AT_FDCWD, "g", AT_REMOVEDIR)));
    CHECK("AT_REMOVEDIR non-empty", syscall(SYS_unlinkat, AT_FDCWD, "full", AT_REMOVEDIR));
    CHECK("AT_REMOVEDIR empty", syscall(SYS_unlinkat, AT_FDCWD, "d", AT_REMOVEDIR));
    CHECK("AT_REMOVEDIR again", syscall(SYS_unlinkat, AT_FDCWD, "d", AT_REMOVEDIR));
    CHECK("AT_REMOVEDIR dot", syscall(SYS_unlinkat, AT_FDCWD, ".", AT_REMOVEDIR));
    CHECK("AT_REMOVEDIR full/.", syscall(SYS_unlinkat, AT_FDCWD, "full/.", AT_REMOVEDIR));
    CHECK("AT_REMOVEDIR dotdot", syscall(SYS_unlinkat, AT_FDCWD, "full/..", AT_REMOVEDIR));
    CHECK("invalid flags", syscall(SYS_unlinkat, AT_FDCWD, "g", 0x1));
    CHECK("invalid flags 0x100", syscall(SYS_unlinkat, AT_FDCWD, "g", AT_SYMLINK_NOFOLLOW));
    CHECK("missing", syscall(SYS_unlinkat, AT_FDCWD, "missing", 0));
    CHECK("missing parent", syscall(SYS_unlinkat, AT_FDCWD, "missing/x", 0));
    CHECK("through file", syscall(SYS_unlinkat, AT_FDCWD, "g/x", 0));
    CHECK("empty path", syscall(SYS_unlinkat, AT_FDCWD, "", 0));
    CHECK("NULL path", syscall(SYS_unlinkat, AT_FDCWD, NULL, 0));
    CHECK("0x1 path", syscall(SYS_unlinkat, AT_FDCWD, BADPTR, 0));
    CHECK("kernel path", syscall(SYS_unlinkat, AT_FDCWD, KPTR, 0));

    int d = open("full", O_RDONLY | O_DIRECTORY);
    CHECK("via dirfd", syscall(SYS_unlinkat, d, "x", 0));
    CHECK("bad dirfd", syscall(SYS_unlinkat, 66, "x", 0));
    int g = open("g", O_RDONLY);
    CHECK("file dirfd", syscall(SYS_unlinkat, g, "x", 0));
    close(g);
    close(d);
    CHECK("rmdir now empty", syscall(SYS_unlinkat, AT_FDCWD, "full", AT_REMOVEDIR));

    /* an unlinked file stays readable through an open fd */
    t_write_file("h", "still here", 0644);
    int fd = open("h", O_RDWR);
    link("h", "h2");
    CHECK("unlink open file", syscall(SYS_unlinkat, AT_FDCWD, "h", 0));
    struct stat st;
    fstat(fd, &st);
    printf("nlink after unlink (one link left): %ld\n", (long)st.st_nlink);
    unlink("h2");
    fstat(fd, &st);
    printf("nlink after last unlink: %ld\n", (long)st.st_nlink);
    char buf[32] = {0};
    CHECK("read unlinked", pread(fd, buf, sizeof(buf) - 1, 0));
    printf("data: %s\n", buf);
    CHECK("write unlinked", pwrite(fd, "!", 1, 10));
    close(fd);

    /* removing a directory while it is the cwd of nobody, then recreating it */
    mkdir("again", 0755);
    CHECK("rmdir again", syscall(SYS_unlinkat, AT_FDCWD, "again", AT_REMOVEDIR));
    CHECK("mkdir again", mkdir("again", 0755));
    CHECK("trailing slash dir", syscall(SYS_unlinkat, AT_FDCWD, "again/", AT_REMOVEDIR));
    t_write_file("tf", "", 0644);
    CHECK("trailing slash on file", syscall(SYS_unlinkat, AT_FDCWD, "tf/", 0));
    return 0;
}
