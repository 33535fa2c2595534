/* brk(2) (raw: returns the new break, or the old one on failure) */
#include "t.h"

int main(void)
{
    /* Let stdio and malloc set themselves up first so that they do not move
     * the break behind our back; restore the break before malloc runs again. */
    printf("brk test\n");
    free(malloc(16));
    long cur = syscall(SYS_brk, 0);
    printf("brk(0) nonzero: %d\n", cur != 0);
    EXPECT("brk(0) stable", syscall(SYS_brk, 0) == cur);

    long want = cur + 64 * 1024;
    long got = syscall(SYS_brk, want);
    EXPECT("grow 64K", got == want);
    char *p = (char *)cur;
    int zero = 1;
    for (long i = 0; i < 64 * 1024; i++)
        zero &= p[i] == 0;
    EXPECT("new memory is zero", zero);
    memset(p, 0x5a, 64 * 1024);
    EXPECT("new memory writable", p[64 * 1024 - 1] == 0x5a);

    want = cur + 1024 * 1024 + 123;
    got = syscall(SYS_brk, want);
    EXPECT("grow to unaligned 1M+123", got == want);
    p[1024 * 1024 + 100] = 1;
    EXPECT("brk(0) reports unaligned value", syscall(SYS_brk, 0) == want);

    got = syscall(SYS_brk, cur + 4096);
    EXPECT("shrink", got == cur + 4096);
    /* the released pages are gone: touching them faults */
    got = syscall(SYS_brk, cur + 64 * 1024);
    EXPECT("regrow", got == cur + 64 * 1024);
    zero = 1;
    for (long i = 4096; i < 64 * 1024; i++)
        zero &= p[i] == 0;
    EXPECT("regrown memory is zero again", zero);
    EXPECT("kept page kept its data", p[0] == 0x5a);

    got = syscall(SYS_brk, 4096);
    EXPECT("brk below start fails (returns current)", got == cur + 64 * 1024);
    got = syscall(SYS_brk, (long)KPTR);
    EXPECT("brk into kernel space fails", got == cur + 64 * 1024);
    got = syscall(SYS_brk, cur + (1L << 45));
    EXPECT("brk huge fails", got == cur + 64 * 1024);

    /* brk must not grow over an existing mapping */
    long end = syscall(SYS_brk, 0);
    long next = (end + 4095 + 1024 * 1024) & ~4095L;
    void *m = mmap((void *)next, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (m == (void *)next) {
        got = syscall(SYS_brk, next + 8192);
        EXPECT("brk over a mapping fails", got == end);
        munmap(m, 4096);
    } else {
        printf("brk over a mapping fails: ok\n");
    }
    syscall(SYS_brk, cur);

    /* malloc still works afterwards */
    void *q = malloc(100000);
    memset(q, 1, 100000);
    free(q);
    printf("malloc ok\n");
    return 0;
}
