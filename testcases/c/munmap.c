/* munmap(2) */
#include "t.h"

#define PG 4096L

static void readp(void *p) { (void)*(volatile char *)p; }

int main(void)
{
    char *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(p, 1, 4 * PG);
    CHECK("munmap middle page", munmap(p + PG, PG));
    printf("first page still there: %s\n", t_in_child(readp, p));
    printf("unmapped page: %s\n", t_in_child(readp, p + PG));
    printf("third page still there: %s\n", t_in_child(readp, p + 2 * PG));
    CHECK("munmap again (already unmapped)", munmap(p + PG, PG));
    CHECK("munmap spanning hole", munmap(p, 3 * PG));
    printf("last page still there: %s\n", t_in_child(readp, p + 3 * PG));
    CHECK("munmap unaligned length (rounded up)", munmap(p + 3 * PG, 1));
    printf("last page gone: %s\n", t_in_child(readp, p + 3 * PG));
    CHECK("munmap unaligned address", syscall(SYS_munmap, p + 1, PG));
    CHECK("munmap length 0", syscall(SYS_munmap, p, 0));
    CHECK("munmap never mapped", syscall(SYS_munmap, (void *)0x10000000, PG));
    CHECK("munmap kernel address", syscall(SYS_munmap, KPTR, PG));
    CHECK("munmap huge length", syscall(SYS_munmap, p, (size_t)-PG));

    /* a file mapping stays valid after close; munmap releases it */
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "mapped file", 11);
    char *m = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    printf("mapping survives close: %.11s\n", m);
    CHECK("munmap file mapping", munmap(m, PG));
    printf("file mapping gone: %s\n", t_in_child(readp, m));

    /* munmap then reuse the range */
    char *q = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    q[0] = 5;
    munmap(q, 2 * PG);
    char *r = mmap(q, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    printf("remap same range: %s, zeroed=%d\n", r == q ? "same address" : "other", r != MAP_FAILED && r[0] == 0);

    /* a huge reservation (1 TiB; 64 GiB in riscv64's 256 GiB Sv39 space)
     * with a few pages touched far apart: protecting and unmapping it
     * costs what is populated, not its size */
    size_t tib = REF_IS_QEMU ? 64UL << 30 : 1UL << 40;
    char *big = mmap(NULL, tib, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    printf("huge PROT_NONE reservation: %s\n", big == MAP_FAILED ? errname(errno) : "ok");
    int ok = 1;
    for (size_t off = 0; off < tib; off += tib / 4) {
        ok &= mprotect(big + off, PG, PROT_READ | PROT_WRITE) == 0;
        big[off] = 7;
    }
    printf("pages touched: %d\n", ok);
    CHECK("mprotect the whole reservation", mprotect(big, tib, PROT_READ));
    printf("data kept: %d\n", big[tib / 2] == 7);
    CHECK("munmap the whole reservation", munmap(big, tib));
    printf("reservation gone: %s\n", t_in_child(readp, big + tib / 2));
    return 0;
}
