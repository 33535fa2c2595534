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

    /* PROT_NONE pages keep their data, also across fork, copy-on-write */
    char *z = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    z[0] = 'P';
    z[PG] = 'Q';
    mprotect(z, 2 * PG, PROT_NONE);
    printf("PROT_NONE page after fork: read -> %s\n", t_in_child(readp, z));
    pid_t pid = fork();
    if (pid == 0) {
        mprotect(z, PG, PROT_READ | PROT_WRITE);
        int kept = z[0] == 'P';
        z[0] = 'C';
        _exit(kept ? 0 : 1);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("child sees the data after PROT_READ|PROT_WRITE: %s\n", t_child_status(status));
    CHECK("back to PROT_READ", syscall(SYS_mprotect, z, PG, PROT_READ));
    printf("parent keeps its copy: %c\n", z[0]);
    int pp[2];
    pipe(pp);
    CHECK("write(2) from a PROT_NONE page", write(pp[1], z + PG, 4));

    /* a shared file mapping written by a child is seen by read(2) */
    int rw = open("f", O_RDWR);
    char *s = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, rw, 0);
    pid = fork();
    if (pid == 0) {
        s[1] = 'K';
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    pread(rw, &c, 1, 1);
    printf("child's store in a shared file mapping: %c %c\n", s[1], c);
    CHECK("shared mapping PROT_NONE", syscall(SYS_mprotect, s, PG, PROT_NONE));
    printf("shared PROT_NONE read: %s\n", t_in_child(readp, s));
    CHECK("shared mapping back to PROT_READ", syscall(SYS_mprotect, s, PG, PROT_READ));
    printf("shared data kept: %c\n", s[1]);

    /* a read-only page makes write(2) into it fail with EFAULT */
    char *b = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK("read(2) into read-only page", read(ro, b, 4));
    CHECK("write(2) from read-only page", write(open("/dev/null", O_WRONLY), b, 4));
    return 0;
}
