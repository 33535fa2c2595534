/* mmap(2): anonymous/file, private/shared, MAP_FIXED, MAP_FIXED_NOREPLACE, errors */
#include "t.h"

#define PG 4096L

static void *mm(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

static const char *res(void *p)
{
    static char buf[32];
    if (p == MAP_FAILED) {
        snprintf(buf, sizeof(buf), "errno=%s", errname(errno));
        return buf;
    }
    return ((long)p & (PG - 1)) ? "unaligned!" : "ok";
}

#define TRY(label, call) printf("%s: %s\n", label, res(call))

static void touch(void *p) { *(volatile char *)p = 1; }
static void readp(void *p) { (void)*(volatile char *)p; }

int main(void)
{
    /* anonymous private */
    char *a = mm(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("anon: %s\n", res(a));
    int zero = 1;
    for (long i = 0; i < 3 * PG; i++)
        zero &= a[i] == 0;
    EXPECT("anon zero-filled", zero);
    memset(a, 7, 3 * PG);
    EXPECT("anon writable", a[3 * PG - 1] == 7);

    /* MAP_FIXED replaces part of an existing mapping */
    char *f = mm(a + PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    EXPECT("MAP_FIXED at requested address", f == a + PG);
    printf("MAP_FIXED: new page zero=%d, neighbours kept=%d\n", f[0] == 0, a[0] == 7 && a[2 * PG] == 7);
    char *n;
    if (!REF_IS_QEMU) { /* qemu-user 7.2 treats MAP_FIXED_NOREPLACE as a hint */
        n = mm(a, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        printf("MAP_FIXED_NOREPLACE over mapping: %s\n", res(n));
        n = mm(a + 2 * PG + 100, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        printf("MAP_FIXED_NOREPLACE unaligned: %s\n", res(n));
    }
    munmap(a + 2 * PG, PG);
    n = mm(a + 2 * PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    printf("MAP_FIXED_NOREPLACE in hole: %s at hole=%d\n", res(n), n == a + 2 * PG);
    TRY("MAP_FIXED unaligned", mm(a + 1, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
    munmap(a, 3 * PG);

    /* a hint address is only a hint; unaligned hints are fine */
    TRY("unaligned hint", mm((void *)0x12345, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));

    /* argument errors */
    TRY("length 0", mm(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    TRY("no PRIVATE/SHARED", mm(NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0));
    TRY("PRIVATE|SHARED", mm(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_SHARED | MAP_ANONYMOUS, -1, 0));
    TRY("huge length", mm(NULL, 1UL << 62, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    TRY("length -1", mm(NULL, (size_t)-1, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    TRY("file: bad fd", mm(NULL, PG, PROT_READ, MAP_PRIVATE, 99, 0));
    TRY("file: fd -1 without MAP_ANONYMOUS", mm(NULL, PG, PROT_READ, MAP_PRIVATE, -1, 0));
    TRY("anon: fd ignored", mm(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, 99, 0));

    /* file mappings */
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    char content[2 * PG];
    for (long i = 0; i < 2 * PG; i++)
        content[i] = 'a' + i % 26;
    write(fd, content, sizeof(content));
    TRY("file: unaligned offset", mm(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 100));
    TRY("file: negative offset", mm(NULL, PG, PROT_READ, MAP_PRIVATE, fd, -PG));

    char *p = mm(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    printf("file private: %s\n", res(p));
    EXPECT("file private sees content", memcmp(p, content, 2 * PG) == 0);
    p[0] = 'X';
    char c;
    pread(fd, &c, 1, 0);
    printf("private write reaches file: %d\n", c == 'X');
    munmap(p, 2 * PG);

    p = mm(NULL, PG, PROT_READ, MAP_PRIVATE, fd, PG);
    printf("file offset mapping: %s, first byte ok=%d\n", res(p), p[1] == content[PG + 1]);
    munmap(p, PG);

    p = mm(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    printf("file shared: %s\n", res(p));
    p[5] = 'S';
    pread(fd, &c, 1, 5);
    printf("shared write visible via read: %d\n", c == 'S');
    pwrite(fd, "T", 1, 6);
    printf("file write visible in shared mapping: %d\n", p[6] == 'T');
    CHECK("msync", msync(p, 2 * PG, MS_SYNC));
    munmap(p, 2 * PG);
    pread(fd, &c, 1, 5);
    printf("after munmap file keeps shared write: %d\n", c == 'S');

    /* mapping beyond EOF: the rest of the last page reads zeros, pages past it fault */
    ftruncate(fd, 10);
    p = mm(NULL, 2 * PG, PROT_READ, MAP_SHARED, fd, 0);
    printf("map past EOF: %s, tail zero=%d\n", res(p), p[10] == 0 && p[PG - 1] == 0);
    printf("access page past EOF: %s\n", t_in_child(readp, p + PG));
    munmap(p, 2 * PG);
    close(fd);

    /* two descriptors of a file closed before, each with a shared mapping:
     * all four views see the same bytes */
    int d1 = open("f", O_RDONLY), d2 = open("f", O_RDWR);
    char *v1 = mm(NULL, PG, PROT_READ, MAP_SHARED, d1, 0);
    char *v2 = mm(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, d2, 0);
    v2[2] = 'M';
    pwrite(d2, "W", 1, 3);
    char two[2];
    pread(d1, two, 2, 2);
    printf("views agree: %c%c %c%c %c%c\n", two[0], two[1], v1[2], v1[3], v2[2], v2[3]);
    munmap(v1, PG);
    munmap(v2, PG);
    close(d1);
    close(d2);

    int ro = open("f", O_RDONLY);
    TRY("shared writable on O_RDONLY fd", mm(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0));
    TRY("private writable on O_RDONLY fd", mm(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0));
    TRY("shared read-only on O_RDONLY fd", mm(NULL, PG, PROT_READ, MAP_SHARED, ro, 0));
    close(ro);
    int wo = open("f", O_WRONLY);
    TRY("read mapping on O_WRONLY fd", mm(NULL, PG, PROT_READ, MAP_SHARED, wo, 0));
    close(wo);
    mkdir("d", 0755);
    int dfd = open("d", O_RDONLY);
    TRY("directory fd", mm(NULL, PG, PROT_READ, MAP_PRIVATE, dfd, 0));
    int pp[2];
    pipe(pp);
    TRY("pipe fd", mm(NULL, PG, PROT_READ, MAP_PRIVATE, pp[0], 0));

    int z = open("/dev/zero", O_RDWR);
    p = mm(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0);
    printf("/dev/zero private: %s zero=%d\n", res(p), p[100] == 0);
    close(z);

    /* PROT_NONE and protection faults */
    p = mm(NULL, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("PROT_NONE: %s, read -> %s\n", res(p), t_in_child(readp, p));
    p = mm(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("PROT_READ: write -> %s, read -> %s\n", t_in_child(touch, p), t_in_child(readp, p));

    /* shared anonymous memory is shared with a child, private is copied */
    int *sh = mm(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int *pr = mm(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    *sh = 1;
    *pr = 1;
    pid_t pid = fork();
    if (pid == 0) {
        *sh = 42;
        *pr = 42;
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    printf("after child writes: shared=%d private=%d\n", *sh, *pr);

    /* many mappings */
    int ok = 1;
    void *maps[200];
    for (int i = 0; i < 200; i++) {
        maps[i] = mm(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        ok &= (long)maps[i] > 0;
        if (ok)
            *(int *)maps[i] = i;
    }
    for (int i = 0; ok && i < 200; i++)
        ok &= *(int *)maps[i] == i;
    EXPECT("200 mappings", ok);
    for (int i = 0; i < 200; i++)
        munmap(maps[i], PG);

    /* a larger mapping, touched sparsely */
    char *big = mm(NULL, 64L << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("64M: %s\n", res(big));
    for (long i = 0; i < (64L << 20); i += 1 << 20)
        big[i] = 1;
    printf("64M touched\n");
    munmap(big, 64L << 20);
    return 0;
}
