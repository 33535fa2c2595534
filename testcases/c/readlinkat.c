/* readlinkat(2) */
#include "t.h"

int main(int argc, char **argv)
{
    (void)argc;
    char buf[64];
    t_write_file("f", "", 0644);
    symlink("target-name", "l");
    mkdir("d", 0755);
    symlink("../f", "d/up");

    memset(buf, '#', sizeof(buf));
    long n = CHECK("readlink", syscall(SYS_readlinkat, AT_FDCWD, "l", buf, sizeof(buf)));
    printf("content: %.*s, not NUL-terminated: %d\n", (int)n, buf, buf[n] == '#');
    memset(buf, '#', sizeof(buf));
    CHECK("short buffer", syscall(SYS_readlinkat, AT_FDCWD, "l", buf, 6));
    printf("content: %.6s, byte after: %c\n", buf, buf[6]);
    CHECK("bufsiz 1", syscall(SYS_readlinkat, AT_FDCWD, "l", buf, 1));
    CHECK("bufsiz 0", syscall(SYS_readlinkat, AT_FDCWD, "l", buf, 0));
    CHECK("regular file", syscall(SYS_readlinkat, AT_FDCWD, "f", buf, sizeof(buf)));
    CHECK("directory", syscall(SYS_readlinkat, AT_FDCWD, "d", buf, sizeof(buf)));
    CHECK("missing", syscall(SYS_readlinkat, AT_FDCWD, "missing", buf, sizeof(buf)));
    CHECK("through file", syscall(SYS_readlinkat, AT_FDCWD, "f/x", buf, sizeof(buf)));
    CHECK("empty path", syscall(SYS_readlinkat, AT_FDCWD, "", buf, sizeof(buf)));
    CHECK("NULL buf", syscall(SYS_readlinkat, AT_FDCWD, "l", NULL, sizeof(buf)));
    CHECK("0x1 buf", syscall(SYS_readlinkat, AT_FDCWD, "l", BADPTR, sizeof(buf)));
    CHECK("kernel buf", syscall(SYS_readlinkat, AT_FDCWD, "l", KPTR, sizeof(buf)));
    CHECK("NULL path", syscall(SYS_readlinkat, AT_FDCWD, NULL, buf, sizeof(buf)));
    CHECK("0x1 path", syscall(SYS_readlinkat, AT_FDCWD, BADPTR, buf, sizeof(buf)));

    int d = open("d", O_RDONLY | O_DIRECTORY);
    memset(buf, 0, sizeof(buf));
    CHECK("via dirfd", syscall(SYS_readlinkat, d, "up", buf, sizeof(buf)));
    printf("content: %s\n", buf);
    CHECK("bad dirfd", syscall(SYS_readlinkat, 99, "up", buf, sizeof(buf)));
    close(d);
    int lfd = open("l", O_PATH | O_NOFOLLOW);
    memset(buf, 0, sizeof(buf));
    CHECK("O_PATH symlink fd, empty path", syscall(SYS_readlinkat, lfd, "", buf, sizeof(buf)));
    printf("content: %s\n", buf);
    close(lfd);
    symlink("l", "l2");
    memset(buf, 0, sizeof(buf));
    CHECK("symlink to symlink (not followed)", syscall(SYS_readlinkat, AT_FDCWD, "l2", buf, sizeof(buf)));
    printf("content: %s\n", buf);

    /* procfs links */
    static char exe[4096];
    n = syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", exe, sizeof(exe) - 1);
    exe[n > 0 ? n : 0] = 0;
    const char *base = strrchr(exe, '/');
    const char *me = strrchr(argv[0], '/');
    EXPECT("/proc/self/exe names this program", n > 0 && base && me && strcmp(base, me) == 0);
    int fd = open("f", O_RDONLY);
    char link[64];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    n = syscall(SYS_readlinkat, AT_FDCWD, link, exe, sizeof(exe) - 1);
    exe[n > 0 ? n : 0] = 0;
    EXPECT("/proc/self/fd/N is absolute and ends in /f", n > 2 && exe[0] == '/' && strcmp(exe + n - 2, "/f") == 0);
    static char cwd[4096];
    getcwd(cwd, sizeof(cwd));
    EXPECT("/proc/self/fd/N is cwd + /f", strncmp(exe, cwd, strlen(cwd)) == 0);
    close(fd);
    return 0;
}
