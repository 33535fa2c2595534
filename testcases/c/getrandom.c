/* getrandom(2) */
#include "t.h"
#include <sys/random.h>

int main(void)
{
    unsigned char a[64], b[64];
    memset(a, 0, sizeof(a));
    memset(b, 0, sizeof(b));
    CHECK("16 bytes", syscall(SYS_getrandom, a, 16, 0));
    CHECK("64 bytes", syscall(SYS_getrandom, b, 64, 0));
    EXPECT("two draws differ", memcmp(a, b, 16) != 0);
    int nonzero = 0;
    for (int i = 0; i < 64; i++)
        nonzero += b[i] != 0;
    EXPECT("not all zero", nonzero > 32);
    CHECK("GRND_NONBLOCK", syscall(SYS_getrandom, a, 16, GRND_NONBLOCK));
    CHECK("GRND_RANDOM", syscall(SYS_getrandom, a, 16, GRND_RANDOM));
    CHECK("GRND_RANDOM|GRND_NONBLOCK", syscall(SYS_getrandom, a, 16, GRND_RANDOM | GRND_NONBLOCK));
    CHECK("length 0", syscall(SYS_getrandom, a, 0, 0));
    if (!REF_IS_QEMU) /* qemu-user 7.2: EFAULT */
        CHECK("length 0, NULL", syscall(SYS_getrandom, NULL, 0, 0));
    CHECK("invalid flags", syscall(SYS_getrandom, a, 16, 0x100));
    CHECK("GRND_INSECURE|GRND_RANDOM", syscall(SYS_getrandom, a, 16, 0x4 | GRND_RANDOM));
    CHECK("NULL buf", syscall(SYS_getrandom, NULL, 16, 0));
    CHECK("0x1 buf", syscall(SYS_getrandom, BADPTR, 16, 0));
    CHECK("kernel buf", syscall(SYS_getrandom, KPTR, 16, 0));
    static unsigned char big[1 << 20];
    long n = syscall(SYS_getrandom, big, sizeof(big), 0);
    printf("1 MiB request: got some: %d, at most asked: %d\n", n > 0, n <= (long)sizeof(big));
    /* rough uniformity over 1 MiB: every byte value appears */
    static int seen[256];
    for (long i = 0; i < n; i++)
        seen[big[i]] = 1;
    int all = 1;
    for (int i = 0; i < 256; i++)
        all &= seen[i];
    EXPECT("all byte values appear", all);
    return 0;
}
