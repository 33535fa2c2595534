/* timerfd_create, timerfd_settime, timerfd_gettime: clocks, flags,
 * one-shot and periodic timers, absolute times, expiration counts,
 * blocking and nonblocking reads, poll, bad inputs, fdinfo.
 * Times are checked only as bounds with wide margins. */
#include "t.h"
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>

static uint64_t ticks;
static struct timespec t0;

static void on_signal(int sig) { (void)sig; }

static void start(void) { clock_gettime(CLOCK_MONOTONIC, &t0); }

static struct itimerspec its(long vs, long vns, long is, long ins)
{
    return (struct itimerspec){.it_value = {vs, vns}, .it_interval = {is, ins}};
}

static int settime(int fd, int flags, struct itimerspec v)
{
    return syscall(SYS_timerfd_settime, fd, flags, &v, NULL);
}

static const char *pollin(int fd, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};
    int r = poll(&p, 1, ms);
    return r < 0 ? errname(errno) : r == 0 ? "none" : p.revents == POLLIN ? "IN" : "other";
}

static void fdinfo(int fd)
{
    char path[64], line[128];
    snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof(line), f))
        if (!strncmp(line, "clockid:", 8) || !strncmp(line, "ticks:", 6) ||
            !strncmp(line, "settime flags:", 14) || !strncmp(line, "it_interval:", 12))
            printf("fdinfo %s", line);
    if (f)
        fclose(f);
}

int main(void)
{
    /* Creation: clocks and flags. */
    int clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_PROCESS_CPUTIME_ID,
                    CLOCK_THREAD_CPUTIME_ID, CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE, 12, -1};
    for (unsigned i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
        char label[48];
        snprintf(label, sizeof(label), "create clock %d", clocks[i]);
        long fd = CHECK_OK(label, syscall(SYS_timerfd_create, clocks[i], 0));
        if (fd >= 0)
            close(fd);
    }
    CHECK("create bad flags", syscall(SYS_timerfd_create, CLOCK_MONOTONIC, 1));
    CHECK("create bad flags and clock", syscall(SYS_timerfd_create, 99, 1));
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    CHECK("F_GETFL", fcntl(fd, F_GETFL) & ~0100000);
    CHECK("F_GETFD", fcntl(fd, F_GETFD));

    /* A disarmed timer. */
    struct itimerspec cur;
    CHECK("gettime disarmed", timerfd_gettime(fd, &cur));
    printf("disarmed %ld %ld %ld %ld\n", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec,
           (long)cur.it_interval.tv_sec, cur.it_interval.tv_nsec);
    CHECK("read disarmed", read(fd, &ticks, 8));
    CHECK("read 4 bytes", read(fd, &ticks, 4));
    CHECK("write", write(fd, &ticks, 8));
    printf("poll disarmed: %s\n", pollin(fd, 0));

    /* settime's checks. */
    CHECK("settime bad flags", settime(fd, 4, its(1, 0, 0, 0)));
    CHECK("settime nsec 1e9", settime(fd, 0, its(1, 1000000000, 0, 0)));
    CHECK("settime negative nsec", settime(fd, 0, its(1, -1, 0, 0)));
    CHECK("settime negative sec", settime(fd, 0, its(-1, 0, 0, 0)));
    CHECK("settime bad interval", settime(fd, 0, its(1, 0, 0, 1000000000)));
    CHECK("settime NULL", syscall(SYS_timerfd_settime, fd, 0, NULL, NULL));
    CHECK("settime bad old", syscall(SYS_timerfd_settime, fd, 0, &(struct itimerspec){0}, BADPTR));
    CHECK("settime NULL and bad flags", syscall(SYS_timerfd_settime, fd, 4, NULL, NULL));
    CHECK("settime bad fd", settime(-1, 0, its(1, 0, 0, 0)));
    CHECK("settime bad fd and bad value", settime(-1, 0, its(1, -1, 0, 0)));
    int efd = eventfd(0, 0);
    CHECK("settime eventfd", settime(efd, 0, its(1, 0, 0, 0)));
    CHECK("gettime eventfd", timerfd_gettime(efd, &cur));
    CHECK("gettime bad fd", timerfd_gettime(99, &cur));
    if (!REF_IS_QEMU) /* qemu-user ignores a NULL result pointer */
        CHECK("gettime NULL", syscall(SYS_timerfd_gettime, fd, NULL));
    CHECK("settime CANCEL_ON_SET alone", settime(fd, TFD_TIMER_CANCEL_ON_SET, its(0, 0, 0, 0)));
    close(efd);

    /* One-shot, relative. */
    CHECK("settime 100ms", settime(fd, 0, its(0, 100000000, 0, 0)));
    CHECK("gettime", timerfd_gettime(fd, &cur));
    printf("left in (0, 100ms]: %s, interval 0: %s\n",
           cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 100000000 ? "ok" : "FAIL",
           cur.it_interval.tv_sec == 0 && cur.it_interval.tv_nsec == 0 ? "ok" : "FAIL");
    CHECK("read early", read(fd, &ticks, 8));
    start();
    printf("poll until expiry: %s\n", pollin(fd, 5000));
    long ms = t_ms_since(&t0);
    printf("expired after 50..2000 ms: %s\n", ms >= 50 && ms < 2000 ? "ok" : "FAIL");
    fdinfo(fd);
    CHECK("gettime expired", timerfd_gettime(fd, &cur));
    printf("expired %ld %ld\n", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec);
    CHECK("read", read(fd, &ticks, 8));
    printf("ticks %llu\n", (unsigned long long)ticks);
    CHECK("read again", read(fd, &ticks, 8));
    printf("poll after read: %s\n", pollin(fd, 0));

    /* Rearming drops unread expirations and returns the old setting. */
    CHECK("settime 1ms", settime(fd, 0, its(0, 1000000, 0, 0)));
    usleep(50 * 1000);
    struct itimerspec old;
    struct itimerspec nv = its(100, 0, 5, 0);
    CHECK("settime 100s, old", timerfd_settime(fd, 0, &nv, &old));
    printf("old %ld %ld %ld %ld\n", (long)old.it_value.tv_sec, old.it_value.tv_nsec,
           (long)old.it_interval.tv_sec, old.it_interval.tv_nsec);
    CHECK("read after rearm", read(fd, &ticks, 8));
    nv = its(0, 0, 0, 0);
    CHECK("disarm, old", timerfd_settime(fd, 0, &nv, &old));
    printf("old left in (95s, 100s]: %s, interval %ld\n",
           old.it_value.tv_sec >= 95 && old.it_value.tv_sec <= 100 ? "ok" : "FAIL", (long)old.it_interval.tv_sec);
    CHECK("gettime after disarm", timerfd_gettime(fd, &cur));
    printf("disarmed %ld %ld %ld %ld\n", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec,
           (long)cur.it_interval.tv_sec, cur.it_interval.tv_nsec);

    /* Periodic: expirations accumulate while nobody reads. */
    CHECK("settime periodic 20ms", settime(fd, 0, its(0, 20000000, 0, 20000000)));
    usleep(300 * 1000);
    CHECK("read periodic", read(fd, &ticks, 8));
    printf("ticks in [5, 15]: %s\n", ticks >= 5 && ticks <= 15 ? "ok" : "FAIL");
    CHECK("gettime periodic", timerfd_gettime(fd, &cur));
    printf("interval %ld %ld, left <= 20ms: %s\n", (long)cur.it_interval.tv_sec, cur.it_interval.tv_nsec,
           cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec <= 20000000 ? "ok" : "FAIL");
    fdinfo(fd);
    settime(fd, 0, its(0, 0, 0, 0));
    close(fd);

    /* Blocking read, on the realtime clock with an absolute time. */
    fd = timerfd_create(CLOCK_REALTIME, 0);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    now.tv_nsec += 150000000;
    if (now.tv_nsec >= 1000000000) {
        now.tv_sec++;
        now.tv_nsec -= 1000000000;
    }
    nv = (struct itimerspec){.it_value = now};
    CHECK("settime absolute", timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &nv, NULL));
    fdinfo(fd);
    start();
    CHECK("blocking read", read(fd, &ticks, 8));
    ms = t_ms_since(&t0);
    printf("ticks %llu, waited 50..2000 ms: %s\n", (unsigned long long)ticks, ms >= 50 && ms < 2000 ? "ok" : "FAIL");
    /* An absolute time in the past expires at once, with its overruns. */
    clock_gettime(CLOCK_REALTIME, &now);
    nv = its(now.tv_sec - 10, now.tv_nsec, 1, 0);
    CHECK("settime past periodic", timerfd_settime(fd, TFD_TIMER_ABSTIME, &nv, NULL));
    CHECK("read past", read(fd, &ticks, 8));
    printf("ticks %llu\n", (unsigned long long)ticks);
    close(fd);

    /* A read interrupted by a signal with a handler. */
    fd = timerfd_create(CLOCK_MONOTONIC, 0);
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGUSR1, &sa, NULL);
    pid_t c = t_signal_later(SIGUSR1, 100);
    CHECK("read interrupted", read(fd, &ticks, 8));
    waitpid(c, NULL, 0);

    /* Bad buffers. */
    settime(fd, 0, its(0, 1000000, 0, 0));
    usleep(20 * 1000);
    CHECK("read NULL", syscall(SYS_read, fd, NULL, 8));
    CHECK("read KPTR", syscall(SYS_read, fd, KPTR, 8));

    /* fstat and link. */
    struct stat st;
    CHECK("fstat", fstat(fd, &st));
    printf("mode 0%o\n", st.st_mode);
    char path[64], link[64] = "";
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    CHECK("readlink", readlink(path, link, sizeof(link) - 1));
    printf("link %s\n", link);
    return 0;
}
