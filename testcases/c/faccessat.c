/* faccessat(2) (the 3-argument syscall; the caller is root in every run) */
#include "t.h"

static long acc(int dirfd, const char *p, int mode) { return syscall(SYS_faccessat, dirfd, p, mode); }

int main(void)
{
    t_write_file("rw", "", 0644);
    t_write_file("x", "", 0755);
    t_write_file("none", "", 0000);
    t_write_file("xo", "", 0100);
    mkdir("d", 0755);
    symlink("x", "lx");
    symlink("missing", "dangling");

    CHECK("F_OK rw", acc(AT_FDCWD, "rw", F_OK));
    CHECK("R_OK|W_OK rw", acc(AT_FDCWD, "rw", R_OK | W_OK));
    CHECK("X_OK rw", acc(AT_FDCWD, "rw", X_OK));
    CHECK("X_OK x", acc(AT_FDCWD, "x", X_OK));
    CHECK("X_OK via symlink", acc(AT_FDCWD, "lx", X_OK));
    CHECK("X_OK xo (any x bit)", acc(AT_FDCWD, "xo", X_OK));
    CHECK("R_OK|W_OK none (root)", acc(AT_FDCWD, "none", R_OK | W_OK));
    CHECK("X_OK none", acc(AT_FDCWD, "none", X_OK));
    CHECK("X_OK dir", acc(AT_FDCWD, "d", X_OK));
    CHECK("W_OK dir", acc(AT_FDCWD, "d", W_OK));
    CHECK("F_OK missing", acc(AT_FDCWD, "missing", F_OK));
    CHECK("F_OK dangling", acc(AT_FDCWD, "dangling", F_OK));
    CHECK("F_OK through file", acc(AT_FDCWD, "rw/x", F_OK));
    CHECK("F_OK empty path", acc(AT_FDCWD, "", F_OK));
    CHECK("mode 8", acc(AT_FDCWD, "rw", 8));
    CHECK("mode -1", acc(AT_FDCWD, "rw", -1));
    CHECK("NULL path", acc(AT_FDCWD, NULL, F_OK));
    CHECK("0x1 path", acc(AT_FDCWD, BADPTR, F_OK));
    CHECK("kernel path", acc(AT_FDCWD, KPTR, F_OK));
    CHECK("/dev/null R_OK|W_OK", acc(AT_FDCWD, "/dev/null", R_OK | W_OK));
    int d = open("d", O_RDONLY | O_DIRECTORY);
    t_write_file("d/in", "", 0600);
    CHECK("via dirfd", acc(d, "in", R_OK));
    CHECK("via dirfd missing", acc(d, "rw", F_OK));
    CHECK("bad dirfd", acc(99, "rw", F_OK));
    CHECK("bad dirfd absolute", acc(99, "/dev/null", F_OK));
    int f = open("rw", O_RDONLY);
    CHECK("file dirfd", acc(f, "x", F_OK));
    CHECK("glibc faccessat AT_SYMLINK_NOFOLLOW", faccessat(AT_FDCWD, "dangling", F_OK, AT_SYMLINK_NOFOLLOW));
    return 0;
}
