/* mlock(2), mlock2, munlock, mlockall, munlockall (as root: no RLIMIT_MEMLOCK) */
#include "t.h"

#define PG 4096L

int main(void)
{
    char *a = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK("mlock", mlock(a, 4 * PG));
    unsigned char vec[4];
    mincore(a, 4 * PG, vec);
    printf("locked pages resident: %d\n", (vec[0] & vec[1] & vec[2] & vec[3]) & 1);
    CHECK("mlock unaligned address", mlock(a + 100, PG));
    CHECK("mlock length 0", mlock(a, 0));
    CHECK("munlock", munlock(a, 4 * PG));
    if (!REF_IS_QEMU) { /* qemu-user 7.2: mlock2 is ENOSYS */
        CHECK("mlock2 0", syscall(SYS_mlock2, a, PG, 0));
        CHECK("mlock2 MLOCK_ONFAULT", syscall(SYS_mlock2, a, PG, 1));
        CHECK("mlock2 invalid flags", syscall(SYS_mlock2, a, PG, 2));
    }
    munmap(a + 2 * PG, PG);
    CHECK("mlock over a hole", mlock(a, 4 * PG));
    CHECK("munlock over a hole", munlock(a, 4 * PG));
    CHECK("mlock unmapped", mlock(t_unmapped(), PG));
    CHECK("mlock kernel address", syscall(SYS_mlock, KPTR, PG));
    char *n = mmap(NULL, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK("mlock PROT_NONE", mlock(n, PG));
    CHECK("mlockall 0", mlockall(0));
    CHECK("mlockall MCL_ONFAULT alone", mlockall(MCL_ONFAULT));
    CHECK("mlockall invalid flags", mlockall(0x100));
    CHECK("mlockall MCL_CURRENT|MCL_FUTURE", mlockall(MCL_CURRENT | MCL_FUTURE));
    CHECK("munlockall", munlockall());
    return 0;
}
