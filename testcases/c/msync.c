/* msync(2) */
#include "t.h"

#define PG 4096L

int main(void)
{
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    ftruncate(fd, 2 * PG);
    char *m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    memcpy(m + PG, "synced", 6);
    CHECK("MS_SYNC", msync(m, 2 * PG, MS_SYNC));
    char buf[7] = {0};
    pread(fd, buf, 6, PG);
    printf("file has the data: %s\n", buf);
    CHECK("MS_ASYNC", msync(m, 2 * PG, MS_ASYNC));
    CHECK("MS_INVALIDATE", msync(m, PG, MS_INVALIDATE));
    CHECK("MS_SYNC|MS_INVALIDATE", msync(m, PG, MS_SYNC | MS_INVALIDATE));
    CHECK("no flags", msync(m, PG, 0));
    CHECK("length 0", msync(m, 0, MS_SYNC));
    CHECK("unaligned length", msync(m, 10, MS_SYNC));
    CHECK("unaligned address", syscall(SYS_msync, m + 1, PG, MS_SYNC));
    CHECK("MS_SYNC|MS_ASYNC", syscall(SYS_msync, m, PG, MS_SYNC | MS_ASYNC));
    CHECK("invalid flags", syscall(SYS_msync, m, PG, 0x100));

    char *a = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK("anonymous private", msync(a, 3 * PG, MS_SYNC));
    munmap(a + PG, PG);
    CHECK("hole, MS_SYNC", msync(a, 3 * PG, MS_SYNC));
    CHECK("hole, MS_ASYNC", msync(a, 3 * PG, MS_ASYNC));
    CHECK("unmapped", msync(t_unmapped(), PG, MS_SYNC));
    CHECK("kernel address", syscall(SYS_msync, KPTR, PG, MS_SYNC));
    munmap(m, 2 * PG);
    close(fd);
    return 0;
}
