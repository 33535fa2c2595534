/* signalfd4 (and x86_64's signalfd): creating and updating, the checks on
 * flags, mask size, pointers and fd kinds, reading pending signals as
 * signalfd_siginfo records (thread-private before process-wide, real-time
 * signals queued), blocking and nonblocking reads, poll, fdinfo. */
#include "t.h"
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>

static struct signalfd_siginfo si[4];

static long sfd4(int fd, const sigset_t *m, size_t size, int flags)
{
    return syscall(SYS_signalfd4, fd, m, size, flags);
}

static const char *pollin(int fd, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};
    int r = poll(&p, 1, ms);
    return r < 0 ? errname(errno) : r == 0 ? "none" : p.revents == POLLIN ? "IN" : "other";
}

static void show(const char *label, long n)
{
    printf("%s: %ld records\n", label, n < 0 ? n : n / (long)sizeof(si[0]));
    for (long i = 0; i < n / (long)sizeof(si[0]); i++)
        printf("  signo %u code %d pid_is_me %d int %d\n", si[i].ssi_signo, si[i].ssi_code,
               si[i].ssi_pid == (uint32_t)getpid(), si[i].ssi_int);
}

static void fdinfo(int fd)
{
    char path[64], line[128];
    snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof(line), f))
        if (!strncmp(line, "sigmask:", 8))
            printf("fdinfo %s", line);
    if (f)
        fclose(f);
}

static void *thread_read(void *arg)
{
    int fd = *(int *)arg;
    /* A signal sent to this thread alone is readable here, not elsewhere. */
    syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR2);
    long n = read(fd, si, sizeof(si));
    show("thread read", n);
    return NULL;
}

int main(void)
{
    sigset_t mask, none;
    sigemptyset(&none);
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    sigaddset(&mask, SIGUSR2);
    sigaddset(&mask, SIGRTMIN);
    sigaddset(&mask, SIGKILL); /* dropped from the mask */
    sigprocmask(SIG_BLOCK, &mask, NULL);

    /* Argument checks. */
    CHECK("bad flags", sfd4(-1, &mask, 8, 1));
    if (!REF_IS_QEMU) { /* qemu-user converts the mask without checking its size */
        CHECK("size 4", sfd4(-1, &mask, 4, 0));
        CHECK("size 16", sfd4(-1, &mask, 16, 0));
        CHECK("mask NULL and size 4", sfd4(-1, NULL, 4, 0));
    }
    CHECK("size 4 and bad flags", sfd4(-1, &mask, 4, 1));
    CHECK("mask NULL", sfd4(-1, NULL, 8, 0));
    CHECK("mask KPTR", sfd4(-1, KPTR, 8, 0));
    CHECK("fd 99", sfd4(99, &mask, 8, 0));
    CHECK("fd -2", sfd4(-2, &mask, 8, 0));
    int efd = eventfd(0, 0);
    CHECK("fd is an eventfd", sfd4(efd, &mask, 8, 0));
    close(efd);
#ifdef SYS_signalfd
    CHECK("legacy size 4", syscall(SYS_signalfd, -1, &mask, 4));
    long lfd = CHECK_OK("legacy signalfd", syscall(SYS_signalfd, -1, &mask, 8));
    CHECK("legacy F_GETFL", fcntl(lfd, F_GETFL) & ~0100000);
    close(lfd);
#endif

    int fd = sfd4(-1, &mask, 8, SFD_NONBLOCK | SFD_CLOEXEC);
    EXPECT("created", fd >= 0);
    CHECK("F_GETFL", fcntl(fd, F_GETFL) & ~0100000);
    CHECK("F_GETFD", fcntl(fd, F_GETFD));
    if (!REF_IS_QEMU) /* qemu-user maps SIGRTMIN to another host signal */
        fdinfo(fd);
    CHECK("read empty", read(fd, si, sizeof(si)));
    CHECK("read 127 bytes", read(fd, si, 127));
    CHECK("write", write(fd, si, 128));
    printf("poll empty: %s\n", pollin(fd, 0));

    /* Pending signals come out in order, real-time ones queued. */
    union sigval sv = {.sival_int = 7};
    sigqueue(getpid(), SIGRTMIN, sv);
    sv.sival_int = 8;
    sigqueue(getpid(), SIGRTMIN, sv);
    kill(getpid(), SIGUSR2);
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR1); /* merged */
    printf("poll pending: %s\n", pollin(fd, 0));
    CHECK("read 127 bytes with pending", read(fd, si, 127));
    show("read one", read(fd, si, 130));
    show("read rest", read(fd, si, sizeof(si)));
    CHECK("read drained", read(fd, si, sizeof(si)));
    sigset_t pend;
    sigpending(&pend);
    printf("still pending: %d\n", sigismember(&pend, SIGUSR1) || sigismember(&pend, SIGRTMIN));

    /* Signals outside the mask stay pending. */
    kill(getpid(), SIGUSR2);
    sigset_t only1;
    sigemptyset(&only1);
    sigaddset(&only1, SIGUSR1);
    CHECK("update mask", sfd4(fd, &only1, 8, 0) == fd);
    fdinfo(fd);
    printf("poll SIGUSR2 outside mask: %s\n", pollin(fd, 0));
    CHECK("read outside mask", read(fd, si, sizeof(si)));
    CHECK("update mask back", sfd4(fd, &mask, 8, 0) == fd);
    printf("poll after update: %s\n", pollin(fd, 0));
    show("read after update", read(fd, si, sizeof(si)));

    /* Bad buffer: the signal is taken before the copy fails, as on Linux
     * (qemu-user checks the buffer first and takes nothing). */
    kill(getpid(), SIGUSR1);
    if (!REF_IS_QEMU) {
        CHECK("read BADPTR", syscall(SYS_read, fd, BADPTR, 128));
        CHECK("read after fault", read(fd, si, sizeof(si)));
    }
    read(fd, si, sizeof(si));
    close(fd);

    /* Blocking read, woken by a signal from another process. */
    fd = signalfd(-1, &mask, 0);
    pid_t c = t_signal_later(SIGUSR1, 100);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    show("blocking read", read(fd, si, sizeof(si)));
    printf("waited: %s\n", t_ms_since(&t0) >= 50 ? "ok" : "FAIL");
    waitpid(c, NULL, 0);

    /* poll woken by a signal from another process. */
    c = t_signal_later(SIGUSR2, 100);
    printf("poll wait: %s\n", pollin(fd, 5000));
    waitpid(c, NULL, 0);
    show("read", read(fd, si, sizeof(si)));

    /* A thread reads its own signal; the main thread does not see it. */
    pthread_t th;
    pthread_create(&th, NULL, thread_read, &fd);
    pthread_join(th, NULL);
    printf("main poll: %s\n", pollin(fd, 0));

    /* fstat and the fd link. */
    struct stat st;
    CHECK("fstat", fstat(fd, &st));
    printf("mode 0%o\n", st.st_mode);
    char path[64], link[64] = "";
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    CHECK("readlink", readlink(path, link, sizeof(link) - 1));
    printf("link %s\n", link);
    close(fd);
    return 0;
}
