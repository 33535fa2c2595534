/* process_vm_readv / process_vm_writev: copies between this process and a
 * forked child (same addresses, separate memory), scattered over several
 * iovecs, partial copies at an unmapped remote page, and the errors. */
#include "t.h"
#include <sys/uio.h>

static char buf[3 * 4096] __attribute__((aligned(4096)));

static void show(const char *what, ssize_t r)
{
    if (r < 0)
        printf("%s: -1 %s\n", what, errname(errno));
    else
        printf("%s: %zd\n", what, r);
}

int main(void)
{
    for (int i = 0; i < (int)sizeof buf; i++)
        buf[i] = 'a' + i % 26;
    int go[2], done[2];
    CHECK("pipes", pipe(go) | pipe(done));
    pid_t child = fork();
    if (child == 0) {
        /* The child's copy differs from the parent's from here on. */
        memcpy(buf, "CHILD-DATA", 10);
        char c;
        write(done[1], "r", 1);
        read(go[0], &c, 1); /* the parent wrote into us */
        printf("child sees: %.12s\n", buf + 100);
        exit(0);
    }
    char c;
    read(done[0], &c, 1);

    char a[6] = {0}, b[8] = {0};
    struct iovec local[2] = {{a, 5}, {b, 7}};
    struct iovec remote[2] = {{buf, 4}, {buf + 26, 8}};
    show("readv 2x2", process_vm_readv(child, local, 2, remote, 2, 0));
    printf("read: %s|%s\n", a, b);

    char big[8192];
    struct iovec lbig = {big, sizeof big};
    struct iovec rcross = {buf + 4096 - 10, 8192};
    show("readv across pages", process_vm_readv(child, &lbig, 1, &rcross, 1, 0));
    printf("first bytes: %.4s\n", big);

    struct iovec wl = {"written-by-parent", 12};
    struct iovec wr = {buf + 100, 12};
    show("writev", process_vm_writev(child, &wl, 1, &wr, 1, 0));
    printf("parent still has: %.12s\n", buf + 100);

    /* A remote range running into an unmapped page: the copy stops there. */
    char *map = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(map, 'm', 2 * 4096);
    munmap(map + 4096, 4096);
    struct iovec self_l = {big, 8192};
    struct iovec self_r = {map + 4096 - 100, 300};
    show("self read into hole", process_vm_readv(getpid(), &self_l, 1, &self_r, 1, 0));
    struct iovec hole = {map + 4096, 16};
    show("read from hole only", process_vm_readv(getpid(), &self_l, 1, &hole, 1, 0));
    struct iovec kr = {KPTR, 16};
    show("read from kernel address", process_vm_readv(getpid(), &self_l, 1, &kr, 1, 0));

    /* Errors. */
    show("flags=1", process_vm_readv(child, local, 2, remote, 2, 1));
    show("liovcnt=1025", process_vm_readv(child, local, 1025, remote, 2, 0));
    show("riovcnt=1025", process_vm_readv(child, local, 2, remote, 1025, 0));
    show("bad local iov array", process_vm_readv(child, BADPTR, 1, remote, 1, 0));
    struct iovec badl = {BADPTR, 4};
    show("bad local buffer", process_vm_readv(child, &badl, 1, remote, 1, 0));
    show("bad remote iov array", process_vm_readv(child, local, 1, BADPTR, 1, 0));
    show("no such pid", process_vm_readv(0x3ffffff0, local, 1, remote, 1, 0));
    struct iovec empty = {a, 0};
    show("nothing to copy, no such pid", process_vm_readv(0x3ffffff0, &empty, 1, remote, 1, 0));
    show("read-only remote write", process_vm_writev(getpid(), &wl, 1, &(struct iovec){(void *)main, 4}, 1, 0));

    write(go[1], "g", 1);
    int st;
    waitpid(child, &st, 0);
    printf("child exit=%d\n", WEXITSTATUS(st));
    show("after exit", process_vm_readv(child, local, 1, remote, 1, 0));
    return 0;
}
