/* eventfd2 (and x86_64's eventfd): the counter, EFD_SEMAPHORE, blocking
 * and nonblocking reads and writes, overflow, bad sizes and pointers,
 * poll readiness, fdinfo, fstat and the /proc/self/fd link. */
#include "t.h"
#include <poll.h>
#include <sys/eventfd.h>

static uint64_t v;

static long rd(int fd) { return read(fd, &v, 8); }
static long wr(int fd, uint64_t x) { return write(fd, &x, 8); }

static const char *revents(int fd)
{
    static char buf[32];
    struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};
    int r = poll(&p, 1, 0);
    snprintf(buf, sizeof(buf), "%d%s%s%s", r, p.revents & POLLIN ? " IN" : "",
             p.revents & POLLOUT ? " OUT" : "", p.revents & POLLERR ? " ERR" : "");
    return buf;
}

static void fdinfo_count(int fd)
{
    char path[64], line[128];
    snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("fdinfo: %s\n", errname(errno));
        return;
    }
    while (fgets(line, sizeof(line), f))
        if (!strncmp(line, "eventfd-count:", 14) || !strncmp(line, "eventfd-semaphore:", 18) ||
            !strncmp(line, "flags:", 6))
            printf("fdinfo %s", line);
    fclose(f);
}

int main(void)
{
    /* Flags and creation. */
    CHECK("eventfd2 bad flags", syscall(SYS_eventfd2, 0, 0x10));
    CHECK("eventfd2 O_RDWR flag", syscall(SYS_eventfd2, 0, O_RDWR));
    int fd = syscall(SYS_eventfd2, 5, 0);
    EXPECT("eventfd2 created", fd >= 0);
    CHECK("F_GETFL", fcntl(fd, F_GETFL) & ~0100000 /* O_LARGEFILE */);
    CHECK("F_GETFD", fcntl(fd, F_GETFD));
#ifdef SYS_eventfd
    int legacy = syscall(SYS_eventfd, 3);
    CHECK("legacy eventfd read", rd(legacy));
    printf("value %llu\n", (unsigned long long)v);
    close(legacy);
#endif

    /* Reads take the whole counter. */
    CHECK("read 4 bytes", read(fd, &v, 4));
    CHECK("read 8", rd(fd));
    printf("value %llu\n", (unsigned long long)v);
    close(fd);
    fd = syscall(SYS_eventfd2, 0, EFD_NONBLOCK | EFD_CLOEXEC);
    CHECK("F_GETFL nonblock", fcntl(fd, F_GETFL) & ~0100000);
    CHECK("F_GETFD cloexec", fcntl(fd, F_GETFD));
    CHECK("read empty nonblock", rd(fd));
    printf("poll empty: %s\n", revents(fd));
    CHECK("write 7", wr(fd, 7));
    CHECK("write 0", wr(fd, 0));
    printf("poll 7: %s\n", revents(fd));
    fdinfo_count(fd);
    char big[16] = {0};
    CHECK("read 16 bytes", read(fd, big, 16));
    printf("value %llu\n", (unsigned long long)*(uint64_t *)big);

    /* Writes: size, the forbidden value, overflow. */
    CHECK("write 4 bytes", write(fd, &v, 4));
    CHECK("write all ones", wr(fd, UINT64_MAX));
    CHECK("write max-1", wr(fd, UINT64_MAX - 1));
    printf("poll full: %s\n", revents(fd));
    fdinfo_count(fd);
    CHECK("write 1 when full", wr(fd, 1));
    CHECK("write 0 when full", wr(fd, 0));
    CHECK("read full", rd(fd));
    printf("value is max-1: %s\n", v == UINT64_MAX - 1 ? "ok" : "FAIL");
    CHECK("write 16 bytes", write(fd, (uint64_t[2]){2, 9}, 16));
    CHECK("read after 16-byte write", rd(fd));
    printf("value %llu\n", (unsigned long long)v);

    /* Bad pointers: the read consumes the counter as Linux does (qemu-user
     * checks the buffer before the call and consumes nothing). */
    CHECK("write 9", wr(fd, 9));
    if (!REF_IS_QEMU) {
        CHECK("read BADPTR", syscall(SYS_read, fd, BADPTR, 8));
        CHECK("read after fault", rd(fd));
    }
    rd(fd);
    CHECK("read KPTR", syscall(SYS_read, fd, KPTR, 8));
    CHECK("write NULL", syscall(SYS_write, fd, NULL, 8));
    CHECK("write unmapped", syscall(SYS_write, fd, t_unmapped(), 8));
    CHECK("lseek", lseek(fd, 0, SEEK_SET));
    close(fd);

    /* EFD_SEMAPHORE: one at a time. */
    fd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
    fdinfo_count(fd);
    CHECK("sem read", rd(fd));
    printf("value %llu\n", (unsigned long long)v);
    CHECK("sem read", rd(fd));
    printf("value %llu\n", (unsigned long long)v);
    CHECK("sem read empty", rd(fd));
    close(fd);

    /* Blocking: a read waits for a writer, a write waits for room. */
    fd = eventfd(0, 0);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        usleep(100 * 1000);
        wr(fd, 42);
        usleep(100 * 1000);
        rd(fd); /* makes room for the parent's blocked write */
        _exit(0);
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK("blocking read", rd(fd));
    printf("value %llu, waited: %s\n", (unsigned long long)v, t_ms_since(&t0) >= 50 ? "ok" : "FAIL");
    CHECK("write max-1", wr(fd, UINT64_MAX - 1));
    CHECK("blocking write", wr(fd, 5));
    waitpid(c, NULL, 0);
    CHECK("read", rd(fd));
    printf("value %llu\n", (unsigned long long)v);

    /* poll wakes when another process writes. */
    c = fork();
    if (c == 0) {
        usleep(100 * 1000);
        wr(fd, 1);
        _exit(0);
    }
    struct pollfd p = {.fd = fd, .events = POLLIN};
    CHECK("poll wait", poll(&p, 1, 5000));
    printf("revents IN: %s\n", p.revents == POLLIN ? "ok" : "FAIL");
    waitpid(c, NULL, 0);

    /* fstat and the fd link. */
    struct stat st;
    CHECK("fstat", fstat(fd, &st));
    printf("mode 0%o nlink %lu size %lld\n", st.st_mode, (unsigned long)st.st_nlink, (long long)st.st_size);
    char path[64], link[64] = "";
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    CHECK("readlink", readlink(path, link, sizeof(link) - 1));
    printf("link %s\n", link);
    close(fd);
    return 0;
}
