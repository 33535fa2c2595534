/* mprotect(2) */
#include "t.h"

#define PG 4096L

static void touch(void *p) { *(volatile char *)p = 1; }
static void readp(void *p) { (void)*(volatile char *)p; }

int main(void)
{
    char *p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(p, 3, 3 * PG);
    CHECK("PROT_READ middle page", syscall(SYS_mprotect, p + PG, PG, PROT_READ));
    printf("write first: %s, write middle: %s, read middle: %s, write last: %s\n", t_in_child(touch, p),
           t_in_child(touch, p + PG), t_in_child(readp, p + PG), t_in_child(touch, p + 2 * PG));
    CHECK("PROT_NONE all", syscall(SYS_mprotect, p, 3 * PG, PROT_NONE));
    printf("read: %s\n", t_in_child(readp, p + 2 * PG));
    CHECK("back to RW", syscall(SYS_mprotect, p, 3 * PG, PROT_READ | PROT_WRITE));
    p[PG] = 9;
    printf("data kept: %d %d\n", p[0], p[PG]);
    if (!REF_IS_QEMU) /* qemu-user 7.2: ENOMEM */
        CHECK("length 0", syscall(SYS_mprotect, p, 0, PROT_READ));
    CHECK("unaligned length (rounded)", syscall(SYS_mprotect, p, 1, PROT_READ));
    printf("first page read-only: %s\n", t_in_child(touch, p));
    CHECK("unaligned address", syscall(SYS_mprotect, p + 1, PG, PROT_READ));
    CHECK("invalid prot bits", syscall(SYS_mprotect, p, PG, 0x100));
    CHECK("PROT_EXEC", syscall(SYS_mprotect, p, PG, PROT_READ | PROT_EXEC));
    munmap(p + 2 * PG, PG);
    CHECK("range with unmapped tail", syscall(SYS_mprotect, p, 3 * PG, PROT_READ));
    CHECK("unmapped range", syscall(SYS_mprotect, p + 2 * PG, PG, PROT_READ));
    CHECK("kernel address", syscall(SYS_mprotect, KPTR, PG, PROT_READ));

    /* shared file mapping of a read-only fd cannot become writable */
    t_write_file("f", "0123456789", 0644);
    int ro = open("f", O_RDONLY);
    char *m = mmap(NULL, PG, PROT_READ, MAP_SHARED, ro, 0);
    CHECK("PROT_WRITE on shared O_RDONLY mapping", syscall(SYS_mprotect, m, PG, PROT_READ | PROT_WRITE));
    char *pm = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, ro, 0);
    CHECK("PROT_WRITE on private O_RDONLY mapping", syscall(SYS_mprotect, pm, PG, PROT_READ | PROT_WRITE));
    pm[0] = 'X';
    char c;
    pread(ro, &c, 1, 0);
    printf("private write stays private: %c %c\n", pm[0], c);

    /* a read-only page makes write(2) into it fail with EFAULT */
    char *b = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK("read(2) into read-only page", read(ro, b, 4));
    CHECK("write(2) from read-only page", write(open("/dev/null", O_WRONLY), b, 4));
    return 0;
}
