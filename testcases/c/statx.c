/* statx(2) */
#include "t.h"

static void sx(const char *label, int dirfd, const char *path, int flags, unsigned mask)
{
    struct statx s;
    memset(&s, 0, sizeof(s));
    long r = syscall(SYS_statx, dirfd, path, flags, mask, &s);
    if (r) {
        printf("%s: ret=-1 errno=%s\n", label, errname(errno));
        return;
    }
    const char *type = S_ISREG(s.stx_mode) ? "reg" : S_ISDIR(s.stx_mode) ? "dir" : S_ISLNK(s.stx_mode) ? "lnk"
                     : S_ISCHR(s.stx_mode) ? "chr" : "other";
    printf("%s: basic=%d type=%s perm=%o", label, (s.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS,
           type, s.stx_mode & 07777);
    if (!S_ISDIR(s.stx_mode))
        printf(" size=%llu nlink=%u", (unsigned long long)s.stx_size, s.stx_nlink);
    if (S_ISCHR(s.stx_mode))
        printf(" rdev=%u:%u", s.stx_rdev_major, s.stx_rdev_minor);
    printf(" uid_ok=%d\n", s.stx_uid == getuid());
}

int main(void)
{
    umask(0);
    t_write_file("f", "hello statx", 0640);
    mkdir("d", 0755);
    symlink("f", "lnk");
    int f = open("f", O_RDONLY);

    sx("file", AT_FDCWD, "f", 0, STATX_BASIC_STATS);
    sx("dir", AT_FDCWD, "d", 0, STATX_ALL);
    sx("symlink followed", AT_FDCWD, "lnk", 0, STATX_BASIC_STATS);
    sx("symlink nofollow", AT_FDCWD, "lnk", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS);
    sx("/dev/null", AT_FDCWD, "/dev/null", 0, STATX_BASIC_STATS);
    sx("AT_EMPTY_PATH", f, "", AT_EMPTY_PATH, STATX_BASIC_STATS);
    sx("AT_STATX_FORCE_SYNC", AT_FDCWD, "f", AT_STATX_FORCE_SYNC, STATX_BASIC_STATS);
    sx("AT_STATX_DONT_SYNC", AT_FDCWD, "f", AT_STATX_DONT_SYNC, STATX_BASIC_STATS);
    sx("both sync flags", AT_FDCWD, "f", AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC, STATX_BASIC_STATS);
    sx("reserved mask bit", AT_FDCWD, "f", 0, 0x80000000U);
    sx("invalid flags", AT_FDCWD, "f", 0x40000000, STATX_BASIC_STATS);
    sx("missing", AT_FDCWD, "missing", 0, STATX_BASIC_STATS);
    sx("empty path", AT_FDCWD, "", 0, STATX_BASIC_STATS);
    sx("through file", AT_FDCWD, "f/x", 0, STATX_BASIC_STATS);
    sx("bad dirfd", 77, "f", 0, STATX_BASIC_STATS);
    sx("file dirfd", f, "x", 0, STATX_BASIC_STATS);

    struct statx s;
    CHECK("NULL path", syscall(SYS_statx, AT_FDCWD, NULL, 0, STATX_BASIC_STATS, &s));
    CHECK("0x1 path", syscall(SYS_statx, AT_FDCWD, BADPTR, 0, STATX_BASIC_STATS, &s));
    CHECK("kernel path", syscall(SYS_statx, AT_FDCWD, KPTR, 0, STATX_BASIC_STATS, &s));
    CHECK("NULL buf", syscall(SYS_statx, AT_FDCWD, "f", 0, STATX_BASIC_STATS, NULL));
    CHECK("0x1 buf", syscall(SYS_statx, AT_FDCWD, "f", 0, STATX_BASIC_STATS, BADPTR));
    CHECK("kernel buf", syscall(SYS_statx, AT_FDCWD, "f", 0, STATX_BASIC_STATS, KPTR));

    struct stat st;
    fstat(f, &st);
    syscall(SYS_statx, AT_FDCWD, "f", 0, STATX_BASIC_STATS, &s);
    EXPECT("ino matches fstat", s.stx_ino == st.st_ino);
    EXPECT("size matches fstat", s.stx_size == (unsigned long long)st.st_size);
    EXPECT("mtime matches fstat", s.stx_mtime.tv_sec == st.st_mtim.tv_sec && s.stx_mtime.tv_nsec == (unsigned)st.st_mtim.tv_nsec);
    EXPECT("blksize nonzero", s.stx_blksize > 0);
    return 0;
}
