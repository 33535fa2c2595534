/* statfs(2), fstatfs(2): the filesystem types of the pseudo filesystems (coreutils and procps
 * ask), sizes and ST_VALID; mount options differ between machines and are not printed. */
#include "t.h"
#include <sys/statfs.h>

static void show(const char *label, struct statfs *s)
{
    printf("%s: type %#lx bsize %ld frsize==bsize %d namelen %ld ST_VALID %d\n", label, (long)s->f_type,
           (long)s->f_bsize, s->f_frsize == s->f_bsize, (long)s->f_namelen, (s->f_flags & 0x20) != 0);
}

int main(void)
{
    struct statfs s;
    const char *paths[] = {"/proc", "/proc/self/stat", "/sys", "/sys/devices/system/cpu/online", "/dev", "/dev/null",
                           "/dev/shm"};
    for (unsigned i = 0; i < sizeof paths / sizeof *paths; i++) {
        memset(&s, 0, sizeof s);
        if (CHECK_OK(paths[i], syscall(SYS_statfs, paths[i], &s)) == 0)
            show(paths[i], &s);
    }
    int fd = open("/proc/self/status", O_RDONLY);
    memset(&s, 0, sizeof s);
    if (CHECK_OK("fstatfs /proc/self/status", syscall(SYS_fstatfs, fd, &s)) == 0)
        show("fstatfs /proc/self/status", &s);
    close(fd);
    int p[2];
    pipe(p);
    memset(&s, 0, sizeof s);
    if (CHECK_OK("fstatfs pipe", syscall(SYS_fstatfs, p[0], &s)) == 0)
        show("fstatfs pipe", &s);
    /* the scratch directory: ext4 or tmpfs depending on the machine, so only that it works */
    CHECK_OK("statfs .", syscall(SYS_statfs, ".", &s));
    EXPECT("statfs . and fstatfs of a file in it agree", ({
               struct statfs a;
               t_write_file("f", "x", 0644);
               int f = open("f", O_RDONLY);
               int r = fstatfs(f, &a);
               close(f);
               r == 0 && a.f_type == s.f_type && a.f_bsize == s.f_bsize;
           }));
    CHECK("missing", syscall(SYS_statfs, "missing", &s));
    CHECK("through a file", syscall(SYS_statfs, "f/x", &s));
    CHECK("NULL path", syscall(SYS_statfs, NULL, &s));
    CHECK("NULL buf", syscall(SYS_statfs, "/proc", NULL));
    CHECK("bad buf", syscall(SYS_statfs, "/proc", BADPTR));
    CHECK("fstatfs bad fd", syscall(SYS_fstatfs, -1, &s));
    CHECK("fstatfs closed fd", syscall(SYS_fstatfs, 99, &s));
    CHECK("fstatfs NULL buf", syscall(SYS_fstatfs, p[0], NULL));

    /* procfs files have 1024-byte blocks (stdio sizes its buffer for them from st_blksize) */
    struct stat st;
    if (stat("/proc/filesystems", &st) == 0)
        printf("/proc/filesystems st_blksize %ld\n", (long)st.st_blksize);
    return 0;
}
