/* symlinkat(2) */
#include "t.h"

static void show(const char *p)
{
    char buf[256];
    ssize_t n = readlink(p, buf, sizeof(buf) - 1);
    if (n < 0) {
        printf("  readlink %s: %s\n", p, errname(errno));
        return;
    }
    buf[n] = 0;
    struct stat st;
    lstat(p, &st);
    printf("  %s -> %s (size %ld)\n", p, buf, (long)st.st_size);
}

int main(void)
{
    t_write_file("f", "content", 0644);
    mkdir("d", 0755);
    CHECK("symlink to file", syscall(SYS_symlinkat, "f", AT_FDCWD, "l1"));
    show("l1");
    char buf[16] = {0};
    int fd = open("l1", O_RDONLY);
    read(fd, buf, sizeof(buf) - 1);
    close(fd);
    printf("  read through: %s\n", buf);
    CHECK("dangling", syscall(SYS_symlinkat, "does/not/exist", AT_FDCWD, "l2"));
    show("l2");
    CHECK("stat dangling", access("l2", F_OK));
    CHECK("absolute target", syscall(SYS_symlinkat, "/dev/null", AT_FDCWD, "l3"));
    show("l3");
    CHECK("to directory", syscall(SYS_symlinkat, "d", AT_FDCWD, "l4"));
    CHECK("create through dir symlink", (t_write_file("l4/x", "x", 0644), access("d/x", F_OK)));
    CHECK("existing name", syscall(SYS_symlinkat, "f", AT_FDCWD, "l1"));
    CHECK("existing file", syscall(SYS_symlinkat, "x", AT_FDCWD, "f"));
    CHECK("empty target", syscall(SYS_symlinkat, "", AT_FDCWD, "l5"));
    CHECK("empty linkpath", syscall(SYS_symlinkat, "f", AT_FDCWD, ""));
    CHECK("missing parent", syscall(SYS_symlinkat, "f", AT_FDCWD, "nodir/l"));
    CHECK("parent is file", syscall(SYS_symlinkat, "f", AT_FDCWD, "f/l"));
    CHECK("NULL target", syscall(SYS_symlinkat, NULL, AT_FDCWD, "l6"));
    CHECK("0x1 target", syscall(SYS_symlinkat, BADPTR, AT_FDCWD, "l6"));
    CHECK("kernel target", syscall(SYS_symlinkat, KPTR, AT_FDCWD, "l6"));
    CHECK("NULL linkpath", syscall(SYS_symlinkat, "f", AT_FDCWD, NULL));
    CHECK("0x1 linkpath", syscall(SYS_symlinkat, "f", AT_FDCWD, BADPTR));
    static char longt[5000];
    memset(longt, 'x', sizeof(longt) - 1);
    CHECK("target longer than PATH_MAX", syscall(SYS_symlinkat, longt, AT_FDCWD, "l7"));
    memset(longt, 0, sizeof(longt));
    memset(longt, 'y', 1000);
    CHECK("1000-byte target", syscall(SYS_symlinkat, longt, AT_FDCWD, "l8"));
    struct stat st;
    lstat("l8", &st);
    printf("  l8 size %ld\n", (long)st.st_size);

    int d = open("d", O_RDONLY | O_DIRECTORY);
    CHECK("via dirfd", syscall(SYS_symlinkat, "../f", d, "up"));
    show("d/up");
    fd = open("d/up", O_RDONLY);
    memset(buf, 0, sizeof(buf));
    read(fd, buf, sizeof(buf) - 1);
    close(fd);
    printf("  read d/up: %s\n", buf);
    CHECK("bad dirfd", syscall(SYS_symlinkat, "f", 99, "l9"));
    close(d);

    /* chains */
    symlink("l1", "c1");
    symlink("c1", "c2");
    fd = open("c2", O_RDONLY);
    memset(buf, 0, sizeof(buf));
    read(fd, buf, sizeof(buf) - 1);
    printf("  chain read: %s\n", buf);
    close(fd);
    /* Linux follows at most 40 symlinks in one lookup */
    char a[16], b[16];
    symlink("f", "s0");
    for (int i = 1; i <= 41; i++) {
        snprintf(a, sizeof(a), "s%d", i - 1);
        snprintf(b, sizeof(b), "s%d", i);
        symlink(a, b);
    }
    /* sN -> ... -> s0 -> f follows N+1 links */
    CHECK("follow 39 links", open("s38", O_RDONLY));
    CHECK("follow 40 links", open("s39", O_RDONLY));
    CHECK("follow 41 links", open("s40", O_RDONLY));
    return 0;
}
