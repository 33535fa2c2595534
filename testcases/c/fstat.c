/* fstat(2) */
#include "t.h"
#include <sys/sysmacros.h>

static void show(const char *label, int fd)
{
    struct stat st;
    memset(&st, 0xaa, sizeof(st));
    long r = syscall(SYS_fstat, fd, &st);
    if (r) {
        printf("%s: ret=-1 errno=%s\n", label, errname(errno));
        return;
    }
    const char *type = S_ISREG(st.st_mode) ? "reg" : S_ISDIR(st.st_mode) ? "dir" : S_ISCHR(st.st_mode) ? "chr"
                     : S_ISFIFO(st.st_mode) ? "fifo" : S_ISLNK(st.st_mode) ? "lnk" : "other";
    printf("%s: type=%s perm=%o", label, type, st.st_mode & 07777);
    if (S_ISREG(st.st_mode))
        printf(" size=%ld nlink=%ld", (long)st.st_size, (long)st.st_nlink);
    if (S_ISCHR(st.st_mode))
        printf(" rdev=%u:%u", major(st.st_rdev), minor(st.st_rdev));
    printf(" uid_ok=%d gid_ok=%d\n", st.st_uid == getuid(), st.st_gid == getgid());
}

int main(void)
{
    umask(022);
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0640);
    write(fd, "hello", 5);
    show("file", fd);
    link("f", "f2");
    show("file with 2 links", fd);
    struct stat a, b;
    fstat(fd, &a);
    stat("f2", &b);
    EXPECT("same inode as link", a.st_ino == b.st_ino && a.st_dev == b.st_dev);
    ftruncate(fd, 4096 * 3 + 1);
    show("after ftruncate", fd);
    fchmod(fd, 0604);
    show("after fchmod", fd);
    CHECK("NULL statbuf", syscall(SYS_fstat, fd, NULL));
    CHECK("0x1 statbuf", syscall(SYS_fstat, fd, BADPTR));
    CHECK("kernel statbuf", syscall(SYS_fstat, fd, KPTR));
    close(fd);
    show("closed fd", fd);
    show("fd -1", -1);

    mkdir("d", 0751);
    fd = open("d", O_RDONLY);
    show("dir", fd);
    close(fd);

    int p[2];
    pipe(p);
    show("pipe read", p[0]);
    show("pipe write", p[1]);
    close(p[0]);
    close(p[1]);

    fd = open("/dev/null", O_RDONLY);
    show("/dev/null", fd);
    close(fd);
    fd = open("/dev/zero", O_RDONLY);
    show("/dev/zero", fd);
    close(fd);
    fd = open("/dev/full", O_RDONLY);
    show("/dev/full", fd);
    close(fd);
    fd = open("/dev/urandom", O_RDONLY);
    show("/dev/urandom", fd);
    close(fd);

    symlink("f", "l");
    fd = open("l", O_PATH | O_NOFOLLOW);
    show("O_PATH symlink", fd);
    close(fd);
    return 0;
}
