/* madvise(2) */
#include "t.h"

#define PG 4096L

int main(void)
{
    char *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(p, 'x', 4 * PG);
    CHECK("MADV_NORMAL", madvise(p, 4 * PG, MADV_NORMAL));
    CHECK("MADV_RANDOM", madvise(p, 4 * PG, MADV_RANDOM));
    CHECK("MADV_SEQUENTIAL", madvise(p, 4 * PG, MADV_SEQUENTIAL));
    CHECK("MADV_WILLNEED", madvise(p, 4 * PG, MADV_WILLNEED));
    printf("data kept after hints: %d\n", p[0] == 'x' && p[4 * PG - 1] == 'x');
    CHECK("length 0", madvise(p, 0, MADV_NORMAL));
    CHECK("unaligned length", madvise(p, 100, MADV_NORMAL));
    CHECK("unaligned address", syscall(SYS_madvise, p + 1, PG, MADV_NORMAL));
    CHECK("MADV_DONTNEED", madvise(p + PG, PG, MADV_DONTNEED));
    printf("DONTNEED page reads zero: %d, others kept: %d\n", p[PG] == 0 && p[2 * PG - 1] == 0,
           p[0] == 'x' && p[2 * PG] == 'x');
    munmap(p + 3 * PG, PG);
    if (!REF_IS_QEMU) { /* qemu-user 7.2 checks neither the range nor the advice */
        CHECK("range with hole", madvise(p, 4 * PG, MADV_NORMAL));
        CHECK("unmapped range", syscall(SYS_madvise, p + 3 * PG, PG, MADV_NORMAL));
        CHECK("invalid advice", syscall(SYS_madvise, p, PG, 12345));
    }

    /* DONTNEED on a private file mapping drops private changes */
    t_write_file("f", "file-content", 0644);
    int fd = open("f", O_RDONLY);
    char *m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    m[0] = 'X';
    madvise(m, PG, MADV_DONTNEED);
    printf("file private after DONTNEED: %.4s\n", m);
    return 0;
}
