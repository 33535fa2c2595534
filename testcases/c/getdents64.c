/* getdents64(2): listing (sorted, since order is filesystem-specific), types, errors. */
#include "t.h"
#include <dirent.h>

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static const char *tname(int t)
{
    switch (t) {
    case DT_REG: return "reg";
    case DT_DIR: return "dir";
    case DT_LNK: return "lnk";
    case DT_FIFO: return "fifo";
    case DT_UNKNOWN: return "unknown";
    default: return "other";
    }
}

/* List a directory fd with the given buffer size; print sorted "name type". */
static void list(const char *label, int fd, size_t bufsize)
{
    char *names[256];
    int n = 0, calls = 0, bad_reclen = 0;
    char *buf = malloc(bufsize);
    for (;;) {
        long r = syscall(SYS_getdents64, fd, buf, bufsize);
        if (r < 0) {
            printf("%s: ret=-1 errno=%s\n", label, errname(errno));
            break;
        }
        if (r == 0)
            break;
        calls++;
        for (long off = 0; off < r;) {
            struct linux_dirent64 *d = (void *)(buf + off);
            if (d->d_reclen % 8 || d->d_reclen < 20)
                bad_reclen = 1;
            char *s = malloc(300);
            snprintf(s, 300, "%s %s", d->d_name, tname(d->d_type));
            if (n < 256)
                names[n++] = s;
            off += d->d_reclen;
        }
    }
    qsort(names, n, sizeof(names[0]), cmp);
    printf("%s: %d entries, multiple calls=%d, reclen ok=%d\n", label, n, calls > 1, !bad_reclen);
    for (int i = 0; i < n; i++)
        printf("  %s\n", names[i]);
    free(buf);
}

int main(void)
{
    mkdir("d", 0755);
    t_write_file("d/a", "", 0644);
    t_write_file("d/bb", "", 0644);
    t_write_file("d/ccc", "", 0644);
    mkdir("d/sub", 0755);
    symlink("a", "d/link");
    int fd = open("d", O_RDONLY | O_DIRECTORY);
    list("big buffer", fd, 4096);
    CHECK("at end", syscall(SYS_getdents64, fd, malloc(4096), 4096));
    CHECK("rewind", lseek(fd, 0, SEEK_SET));
    list("small buffer", fd, 40);
    lseek(fd, 0, SEEK_SET);
    char small[8];
    CHECK("buffer too small", syscall(SYS_getdents64, fd, small, sizeof(small)));
    CHECK("NULL buffer", syscall(SYS_getdents64, fd, NULL, 4096));
    CHECK("0x1 buffer", syscall(SYS_getdents64, fd, BADPTR, 4096));
    CHECK("kernel buffer", syscall(SYS_getdents64, fd, KPTR, 4096));
    close(fd);
    CHECK("closed fd", syscall(SYS_getdents64, fd, small, sizeof(small)));
    fd = open("d/a", O_RDONLY);
    CHECK("regular file", syscall(SYS_getdents64, fd, malloc(4096), 4096));
    close(fd);

    /* many entries force several calls */
    mkdir("many", 0755);
    char name[64];
    for (int i = 0; i < 150; i++) {
        snprintf(name, sizeof(name), "many/file-with-a-longish-name-%03d", i);
        t_write_file(name, "", 0644);
    }
    fd = open("many", O_RDONLY | O_DIRECTORY);
    char *buf = malloc(1024);
    int total = 0, calls = 0;
    long r;
    while ((r = syscall(SYS_getdents64, fd, buf, 1024)) > 0) {
        calls++;
        for (long off = 0; off < r; off += ((struct linux_dirent64 *)(buf + off))->d_reclen)
            total++;
    }
    printf("many: %d entries, multiple calls=%d\n", total, calls > 1);
    close(fd);

    /* entries removed while open: rmdir'ed directory reads as empty */
    mkdir("gone", 0755);
    fd = open("gone", O_RDONLY | O_DIRECTORY);
    rmdir("gone");
    CHECK("removed directory", syscall(SYS_getdents64, fd, buf, 1024));
    close(fd);

    /* readdir(3) agrees */
    DIR *dir = opendir("d");
    int count = 0;
    while (readdir(dir))
        count++;
    closedir(dir);
    printf("readdir count: %d\n", count);
    return 0;
}
