/* openat(2): creation, flags, dirfds, path resolution errors, bad pointers. */
#include "t.h"
#include <limits.h>

static void show_mode(const char *label, const char *path)
{
    struct stat st;
    if (lstat(path, &st) == 0)
        printf("%s: mode=%o\n", label, st.st_mode & 07777);
    else
        printf("%s: %s\n", label, errname(errno));
}

int main(void)
{
    umask(022);
    CHECK("create f", syscall(SYS_openat, AT_FDCWD, "f", O_WRONLY | O_CREAT, 0666));
    show_mode("f", "f");
    CHECK("next fd is lowest", syscall(SYS_openat, AT_FDCWD, "f", O_RDONLY));
    close(3);
    CHECK("reuses fd 3", syscall(SYS_openat, AT_FDCWD, "f", O_RDONLY));
    close(3);
    close(4);
    CHECK("O_EXCL existing", syscall(SYS_openat, AT_FDCWD, "f", O_WRONLY | O_CREAT | O_EXCL, 0600));
    CHECK("O_EXCL new", syscall(SYS_openat, AT_FDCWD, "g", O_WRONLY | O_CREAT | O_EXCL, 0600));
    close(3);
    show_mode("g", "g");
    CHECK("missing", syscall(SYS_openat, AT_FDCWD, "nope", O_RDONLY));
    CHECK("missing parent", syscall(SYS_openat, AT_FDCWD, "nodir/x", O_RDONLY | O_CREAT, 0644));
    CHECK("file as directory", syscall(SYS_openat, AT_FDCWD, "f/x", O_RDONLY));
    CHECK("O_DIRECTORY on file", syscall(SYS_openat, AT_FDCWD, "f", O_RDONLY | O_DIRECTORY));
    CHECK("empty path", syscall(SYS_openat, AT_FDCWD, "", O_RDONLY));
    CHECK("NULL path", syscall(SYS_openat, AT_FDCWD, NULL, O_RDONLY));
    CHECK("0x1 path", syscall(SYS_openat, AT_FDCWD, BADPTR, O_RDONLY));
    CHECK("unmapped path", syscall(SYS_openat, AT_FDCWD, t_unmapped(), O_RDONLY));
    CHECK("kernel path", syscall(SYS_openat, AT_FDCWD, KPTR, O_RDONLY));

    char longname[300];
    memset(longname, 'a', 299);
    longname[299] = 0;
    CHECK("component > NAME_MAX", syscall(SYS_openat, AT_FDCWD, longname, O_RDONLY | O_CREAT, 0644));
    static char longpath[PATH_MAX + 10];
    for (int i = 0; i < PATH_MAX + 8; i += 2)
        memcpy(longpath + i, "./", 2);
    longpath[PATH_MAX + 8] = 0;
    CHECK("path > PATH_MAX", syscall(SYS_openat, AT_FDCWD, longpath, O_RDONLY));

    mkdir("d", 0755);
    CHECK("O_WRONLY on directory", syscall(SYS_openat, AT_FDCWD, "d", O_WRONLY));
    CHECK("O_RDWR on directory", syscall(SYS_openat, AT_FDCWD, "d", O_RDWR));
    CHECK("O_CREAT on existing directory", syscall(SYS_openat, AT_FDCWD, "d", O_RDONLY | O_CREAT, 0644));
    int d = CHECK("O_DIRECTORY on directory", syscall(SYS_openat, AT_FDCWD, "d", O_RDONLY | O_DIRECTORY));
    CHECK("create via dirfd", syscall(SYS_openat, d, "in", O_RDWR | O_CREAT, 0640));
    close(4);
    show_mode("d/in", "d/in");
    CHECK("open via dirfd", syscall(SYS_openat, d, "in", O_RDONLY));
    close(4);
    CHECK("dirfd .. relative", syscall(SYS_openat, d, "../f", O_RDONLY));
    close(4);
    CHECK("bad dirfd relative", syscall(SYS_openat, 99, "f", O_RDONLY));
    CHECK("bad dirfd absolute", syscall(SYS_openat, 99, "/dev/null", O_RDONLY));
    close(4);
    int f = open("f", O_RDONLY);
    CHECK("file dirfd relative", syscall(SYS_openat, f, "x", O_RDONLY));
    close(f);
    close(d);

    /* O_TRUNC, O_APPEND, O_CLOEXEC */
    t_write_file("t", "0123456789", 0644);
    int fd = open("t", O_WRONLY | O_TRUNC);
    struct stat st;
    fstat(fd, &st);
    printf("size after O_TRUNC: %ld\n", (long)st.st_size);
    close(fd);
    fd = open("t", O_RDONLY | O_CLOEXEC);
    printf("O_CLOEXEC: fd flags=%d\n", fcntl(fd, F_GETFD));
    close(fd);
    fd = open("t", O_RDONLY);
    printf("no O_CLOEXEC: fd flags=%d\n", fcntl(fd, F_GETFD));
    close(fd);

    /* Symlinks */
    symlink("f", "lnk");
    symlink("loop2", "loop1");
    symlink("loop1", "loop2");
    symlink("missing", "dangling");
    CHECK("open through symlink", syscall(SYS_openat, AT_FDCWD, "lnk", O_RDONLY));
    close(3);
    CHECK("O_NOFOLLOW on symlink", syscall(SYS_openat, AT_FDCWD, "lnk", O_RDONLY | O_NOFOLLOW));
    CHECK("symlink loop", syscall(SYS_openat, AT_FDCWD, "loop1", O_RDONLY));
    CHECK("dangling symlink", syscall(SYS_openat, AT_FDCWD, "dangling", O_RDONLY));
    CHECK("O_CREAT through dangling symlink", syscall(SYS_openat, AT_FDCWD, "dangling", O_WRONLY | O_CREAT, 0644));
    close(3);
    show_mode("missing", "missing");
    CHECK("O_CREAT|O_EXCL on symlink", syscall(SYS_openat, AT_FDCWD, "lnk", O_WRONLY | O_CREAT | O_EXCL, 0644));
    CHECK("O_PATH on symlink with O_NOFOLLOW", syscall(SYS_openat, AT_FDCWD, "lnk", O_PATH | O_NOFOLLOW));
    close(3);

    /* O_PATH fds cannot be read */
    fd = CHECK("O_PATH", syscall(SYS_openat, AT_FDCWD, "t", O_PATH));
    char c;
    CHECK("read O_PATH fd", read(fd, &c, 1));
    close(fd);

    /* fds 0..2 closed -> open returns 0 */
    int saved = dup(1);
    close(0);
    CHECK("lowest free fd is 0", syscall(SYS_openat, AT_FDCWD, "f", O_RDONLY));
    dup2(saved, 1);
    return 0;
}
