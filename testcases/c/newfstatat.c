/* newfstatat(2) (stat/lstat/fstatat) */
#include "t.h"

static void st(const char *label, int dirfd, const char *path, int flags)
{
    struct stat s;
    long r = syscall(SYS_newfstatat, dirfd, path, &s, flags);
    if (r) {
        printf("%s: ret=-1 errno=%s\n", label, errname(errno));
        return;
    }
    const char *type = S_ISREG(s.st_mode) ? "reg" : S_ISDIR(s.st_mode) ? "dir" : S_ISLNK(s.st_mode) ? "lnk"
                     : S_ISCHR(s.st_mode) ? "chr" : "other";
    printf("%s: type=%s perm=%o", label, type, s.st_mode & 07777);
    if (!S_ISDIR(s.st_mode))
        printf(" size=%ld nlink=%ld", (long)s.st_size, (long)s.st_nlink);
    printf("\n");
}

int main(void)
{
    umask(0);
    t_write_file("f", "0123456789", 0600);
    mkdir("d", 0700);
    t_write_file("d/g", "xyz", 0644);
    symlink("f", "lnk");
    symlink("nowhere", "dangling");

    st("file", AT_FDCWD, "f", 0);
    st("dir", AT_FDCWD, "d", 0);
    st("dir/file", AT_FDCWD, "d/g", 0);
    st("dir trailing slash", AT_FDCWD, "d/", 0);
    st("file trailing slash", AT_FDCWD, "f/", 0);
    st("symlink followed", AT_FDCWD, "lnk", 0);
    st("symlink nofollow", AT_FDCWD, "lnk", AT_SYMLINK_NOFOLLOW);
    st("dangling followed", AT_FDCWD, "dangling", 0);
    st("dangling nofollow", AT_FDCWD, "dangling", AT_SYMLINK_NOFOLLOW);
    st("missing", AT_FDCWD, "missing", 0);
    st("through file", AT_FDCWD, "f/x", 0);
    st("dot", AT_FDCWD, ".", 0);
    st("dotdot in path", AT_FDCWD, "d/../f", 0);
    st("/dev/null", AT_FDCWD, "/dev/null", 0);

    int d = open("d", O_RDONLY | O_DIRECTORY);
    st("via dirfd", d, "g", 0);
    st("via dirfd missing", d, "f", 0);
    st("AT_EMPTY_PATH dirfd", d, "", AT_EMPTY_PATH);
    st("empty path without AT_EMPTY_PATH", d, "", 0);
    int f = open("f", O_RDONLY);
    st("AT_EMPTY_PATH file", f, "", AT_EMPTY_PATH);
    st("file as dirfd", f, "x", 0);
    st("bad dirfd relative", 99, "f", 0);
    st("bad dirfd absolute", 99, "/dev/null", 0);
    st("bad dirfd AT_EMPTY_PATH", 99, "", AT_EMPTY_PATH);
    st("invalid flags", AT_FDCWD, "f", 0x40000000);
    st("AT_REMOVEDIR flag", AT_FDCWD, "f", AT_REMOVEDIR);

    struct stat s;
    CHECK("NULL path", syscall(SYS_newfstatat, AT_FDCWD, NULL, &s, 0));
    CHECK("0x1 path", syscall(SYS_newfstatat, AT_FDCWD, BADPTR, &s, 0));
    CHECK("kernel path", syscall(SYS_newfstatat, AT_FDCWD, KPTR, &s, 0));
    CHECK("NULL statbuf", syscall(SYS_newfstatat, AT_FDCWD, "f", NULL, 0));
    CHECK("0x1 statbuf", syscall(SYS_newfstatat, AT_FDCWD, "f", BADPTR, 0));
    CHECK("unmapped statbuf", syscall(SYS_newfstatat, AT_FDCWD, "f", t_unmapped(), 0));
    CHECK("kernel statbuf", syscall(SYS_newfstatat, AT_FDCWD, "f", KPTR, 0));

    struct stat a, b;
    stat("f", &a);
    fstat(f, &b);
    EXPECT("stat and fstat agree", a.st_ino == b.st_ino && a.st_dev == b.st_dev && a.st_mode == b.st_mode);
    lstat("lnk", &b);
    EXPECT("symlink has its own inode", a.st_ino != b.st_ino);
    return 0;
}
