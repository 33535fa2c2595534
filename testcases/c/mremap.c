/* mremap(2) */
#include "t.h"

#define PG 4096L

static void readp(void *p) { (void)*(volatile char *)p; }

static const char *res(void *p)
{
    if (p == MAP_FAILED)
        return errname(errno);
    return "ok";
}

int main(void)
{
    /* reserve a region so that growth in place is possible */
    char *r = mmap(NULL, 16 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(r + 2 * PG, 14 * PG);
    char *p = mmap(r, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    memset(p, 'a', 2 * PG);
    char *q = mremap(p, 2 * PG, 4 * PG, 0);
    printf("grow in place: %s, same address=%d, data kept=%d, new zero=%d\n", res(q), q == p, q[PG] == 'a', q[3 * PG] == 0);
    q = mremap(p, 4 * PG, PG, 0);
    printf("shrink: %s, same=%d\n", res(q), q == p);
    printf("shrunk part gone: %s\n", t_in_child(readp, p + 2 * PG));

    /* block growth with another mapping */
    char *blocker = mmap(p + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    (void)blocker;
    q = mremap(p, PG, 2 * PG, 0);
    printf("grow blocked without MAYMOVE: %s\n", res(q));
    q = mremap(p, PG, 8 * PG, MREMAP_MAYMOVE);
    printf("grow with MAYMOVE: %s, moved=%d, data kept=%d\n", res(q), q != p, q[0] == 'a');
    printf("old address gone: %s\n", t_in_child(readp, p));

    /* MREMAP_FIXED */
    char *target = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *s = mremap(q, 8 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, target);
    printf("MREMAP_FIXED: %s, at target=%d, data=%d\n", res(s), s == target, s[0] == 'a');
    printf("rest of target kept mapped: %s\n", t_in_child(readp, target + 5 * PG));

    errno = 0;
    q = mremap(target, 4 * PG, 4 * PG, MREMAP_FIXED, target + 8 * PG);
    printf("MREMAP_FIXED without MAYMOVE: %s\n", res(q));
    if (!REF_IS_QEMU) { /* qemu-user 7.2: ENOMEM */
        q = mremap(target, 0, PG, MREMAP_MAYMOVE);
        printf("old size 0 on private mapping: %s\n", res(q));
        q = mremap(target, PG, 0, MREMAP_MAYMOVE);
        printf("new size 0: %s\n", res(q));
    }
    q = mremap(target + 1, PG, 2 * PG, MREMAP_MAYMOVE);
    printf("unaligned address: %s\n", res(q));
    q = mremap(target, PG, 2 * PG, 0x80);
    printf("invalid flags: %s\n", res(q));
    q = mremap(t_unmapped(), PG, 2 * PG, MREMAP_MAYMOVE);
    printf("unmapped address: %s\n", res(q));
    q = mremap(target, 4 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, target + PG);
    printf("FIXED overlapping source: %s\n", res(q));

    /* a shared mapping keeps sharing after a move */
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    ftruncate(fd, 2 * PG);
    char *m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    m[0] = 'S';
    char *m2 = mremap(m, PG, 2 * PG, MREMAP_MAYMOVE);
    m2[PG] = 'T';
    char c[2];
    pread(fd, &c[0], 1, 0);
    pread(fd, &c[1], 1, PG);
    printf("shared file mapping after mremap: %c %c\n", c[0], c[1]);

    /* big growth */
    char *big = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    big[0] = 'B';
    big = mremap(big, PG, 32L << 20, MREMAP_MAYMOVE);
    printf("grow to 32M: %s, data=%c, tail zero=%d\n", res(big), big[0], big[(32L << 20) - 1] == 0);
    return 0;
}
