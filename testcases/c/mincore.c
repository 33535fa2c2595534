/* mincore(2) */
#include "t.h"

#define PG 4096L

int main(void)
{
    char *a = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    a[0] = 1;
    a[2 * PG] = 1;
    unsigned char vec[8];
    memset(vec, 0xff, sizeof(vec));
    CHECK("anonymous", mincore(a, 4 * PG, vec));
    printf("resident: %d %d %d %d\n", vec[0] & 1, vec[1] & 1, vec[2] & 1, vec[3] & 1);
    CHECK("unaligned length", mincore(a, PG + 1, vec));
    CHECK("length 0", mincore(a, 0, vec));
    CHECK("unaligned address", syscall(SYS_mincore, a + 1, PG, vec));
    CHECK("NULL vector", syscall(SYS_mincore, a, PG, NULL));
    CHECK("kernel vector", syscall(SYS_mincore, a, PG, KPTR));
    CHECK("unmapped", syscall(SYS_mincore, t_unmapped(), PG, vec));
    CHECK("kernel range", syscall(SYS_mincore, KPTR, PG, vec));
    munmap(a + 3 * PG, PG);
    CHECK("range with unmapped tail", mincore(a, 4 * PG, vec));
    if (!REF_IS_QEMU) { /* qemu-user 7.2: ENOMEM on PROT_NONE pages */
        mprotect(a, PG, PROT_NONE);
        CHECK("PROT_NONE", mincore(a, PG, vec));
        printf("PROT_NONE page stays resident: %d\n", vec[0] & 1);
    }
    return 0;
}
