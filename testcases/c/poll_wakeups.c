/* How poll, ppoll, select and pselect6 are woken: wake-ups that leave the fd
 * unready must not end a timed wait early; one write wakes every waiter; the
 * last writer's close wakes with HUP; a thread is woken by another thread.
 * Times are checked only as lower bounds ("no earlier than"). */
#include "t.h"
#include <poll.h>
#include <pthread.h>
#include <sys/select.h>

static struct timespec t0;
static void start(void) { clock_gettime(CLOCK_MONOTONIC, &t0); }
static void no_earlier(const char *what, long ms)
{
    printf("%s returned no earlier than %ld ms: %s\n", what, ms, t_ms_since(&t0) >= ms ? "ok" : "FAIL");
}

enum { BY_POLL, BY_PPOLL, BY_SELECT, BY_PSELECT6, NWAYS };
static const char *const way[NWAYS] = {"poll", "ppoll", "select", "pselect6"};

/* Waits up to `ms` for `fd` to be readable in one of the four ways and
 * prints "WAY WHAT: ret=1 revents=IN|HUP" (select: IN if the fd is set) or
 * "ret=-1 errno=E...". */
static void wait_readable(int how, int fd, int ms, const char *what)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    struct timespec ts = {ms / 1000, ms % 1000 * 1000000L};
    struct timeval tv = {ms / 1000, ms % 1000 * 1000L};
    fd_set set;
    FD_ZERO(&set);
    FD_SET(fd, &set);
    int r;
    errno = 0;
    if (how == BY_POLL)
        r = poll(&p, 1, ms);
    else if (how == BY_PPOLL)
        r = ppoll(&p, 1, &ts, NULL);
    else if (how == BY_SELECT)
        r = select(fd + 1, &set, NULL, NULL, &tv);
    else
        r = syscall(SYS_pselect6, fd + 1, &set, NULL, NULL, &ts, NULL);
    int e = errno;
    short rev = how <= BY_PPOLL ? p.revents : (r > 0 && FD_ISSET(fd, &set) ? POLLIN : 0);
    static const short bit[] = {POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLNVAL};
    static const char *const name[] = {"IN", "PRI", "OUT", "ERR", "HUP", "NVAL"};
    char buf[64] = "";
    for (int i = 0; i < 6; i++)
        if (rev & bit[i])
            strcat(strcat(buf, buf[0] ? "|" : ""), name[i]);
    if (r < 0)
        printf("%s %s: ret=-1 errno=%s\n", way[how], what, errname(e));
    else
        printf("%s %s: ret=%d revents=%s\n", way[how], what, r, buf[0] ? buf : "0");
}

/* 1. A child that starts and joins NTHREADS threads one after another (each
 * thread exit may wake the pollers of the child's pidfd while the child
 * still runs), then exits with 3 CHILD_MS after it started. */
#define NTHREADS 40
#define CHILD_MS 400

static void *short_thread(void *arg)
{
    usleep(CHILD_MS * 1000 / NTHREADS); /* spread the exits over the child's life */
    return arg;
}

static void test_pidfd(int how)
{
    start(); /* before fork: the child exits no earlier than CHILD_MS after this */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec s;
        clock_gettime(CLOCK_MONOTONIC, &s);
        int joined = 0;
        for (int i = 0; i < NTHREADS; i++) {
            pthread_t th;
            if (pthread_create(&th, NULL, short_thread, NULL) == 0 && pthread_join(th, NULL) == 0)
                joined++;
        }
        long left = CHILD_MS - t_ms_since(&s);
        if (left > 0)
            usleep(left * 1000);
        _exit(joined == NTHREADS ? 3 : 4);
    }
    int fd = syscall(SYS_pidfd_open, pid, 0);
    wait_readable(how, fd, 5000, "on the pidfd of a child running threads");
    no_earlier(way[how], CHILD_MS);
    /* readable means exited: it can be reaped without waiting */
    int st = 0;
    pid_t w = waitpid(pid, &st, WNOHANG);
    printf("  child reaped at once: %s %s\n", w == pid ? "ok" : "FAIL", w == pid ? t_child_status(st) : "");
    if (w != pid)
        waitpid(pid, &st, 0);
    close(fd);
}

/* 2. A process that, until `stop` hangs up, writes to and reads from its own
 * pipe and touches the watched pipe `a` in ways that leave its read end
 * unreadable: dup/close of both ends (a writer stays open), zero-length
 * writes, polls of the read end. Exits 0 if it never saw `a` readable. */
static pid_t churner(int a[2], int stop[2])
{
    int ready[2];
    pipe(stop);
    pipe(ready);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(stop[1]);
        int b[2], seen = 0;
        pipe(b);
        for (int i = 0;; i++) {
            struct pollfd s = {.fd = stop[0], .events = POLLIN};
            if (poll(&s, 1, 0) != 0)
                break;
            char c;
            write(b[1], "x", 1);
            read(b[0], &c, 1);
            close(dup(a[1]));
            close(dup(a[0]));
            write(a[1], "", 0);
            struct pollfd q = {.fd = a[0], .events = POLLIN};
            seen += poll(&q, 1, 0);
            if (i == 0)
                write(ready[1], "r", 1);
            usleep(500);
        }
        _exit(seen ? 1 : 0);
    }
    close(stop[0]);
    close(ready[1]);
    char c;
    read(ready[0], &c, 1); /* it is churning */
    close(ready[0]);
    return pid;
}

static void test_quiet_pipe(void)
{
    int a[2], stop[2];
    pipe(a);
    pid_t pid = churner(a, stop);
    for (int how = 0; how < NWAYS; how++) {
        start();
        wait_readable(how, a[0], 300, "300 ms on a pipe others only touch");
        no_earlier(way[how], 300);
    }
    close(stop[1]);
    int st = 0;
    waitpid(pid, &st, 0);
    printf("churner never saw the pipe readable: %s\n", t_child_status(st));
    close(a[0]);
    close(a[1]);
}

/* 3. Three processes poll one pipe; one byte written wakes all of them, and
 * stays there (level-triggered; none of them reads it). */
static void test_three_waiters(void)
{
    int p[2], ready[2];
    pipe(p);
    pipe(ready);
    pid_t kids[3];
    fflush(stdout);
    for (int i = 0; i < 3; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            close(p[1]);
            write(ready[1], "r", 1);
            struct pollfd q = {.fd = p[0], .events = POLLIN};
            int r = poll(&q, 1, 10000);
            _exit(r == 1 && q.revents == POLLIN ? 0 : 1);
        }
    }
    char c;
    for (int i = 0; i < 3; i++)
        read(ready[0], &c, 1);
    usleep(100000); /* most likely all three sleep in poll by now */
    write(p[1], "x", 1);
    int saw = 0;
    for (int i = 0; i < 3; i++) {
        int st = 0;
        waitpid(kids[i], &st, 0);
        saw += WIFEXITED(st) && WEXITSTATUS(st) == 0;
    }
    printf("waiters that saw POLLIN: %d of 3\n", saw);
    CHECK("parent reads the byte", read(p[0], &c, 1));
    struct pollfd q = {.fd = p[0], .events = POLLIN};
    CHECK("pipe empty again", poll(&q, 1, 0));
    close(p[0]);
    close(p[1]);
    close(ready[0]);
    close(ready[1]);
}

/* 4. The only writer, in another process that keeps running, closes its end
 * after 100 ms: the reader's poll wakes with HUP. */
static void test_last_writer_close(void)
{
    int p[2], stop[2];
    pipe(p);
    pipe(stop);
    start();
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        close(stop[1]);
        usleep(100000);
        close(p[1]);
        char c;
        read(stop[0], &c, 1); /* still alive until the parent is done */
        _exit(0);
    }
    close(p[1]);
    close(stop[0]);
    wait_readable(BY_POLL, p[0], 5000, "woken by the last writer's close");
    no_earlier("poll", 100);
    close(stop[1]);
    waitpid(pid, NULL, 0);
    close(p[0]);
}

/* 5. A thread sleeping in poll, woken by the main thread's write; it
 * prints its result while the main thread waits in pthread_join. */
static int tp[2];
static volatile int thread_polling;

static void *poller(void *arg)
{
    thread_polling = 1;
    wait_readable(BY_POLL, tp[0], 10000, "in a thread, woken by the main thread's write");
    return arg;
}

static void test_thread(void)
{
    pipe(tp);
    pthread_t th;
    pthread_create(&th, NULL, poller, NULL);
    while (!thread_polling)
        usleep(1000);
    usleep(100000); /* most likely asleep in poll by now */
    write(tp[1], "t", 1);
    pthread_join(th, NULL);
    close(tp[0]);
    close(tp[1]);
}

/* 6. No wait at all, and a wait on nothing that lasts its full timeout. */
static void test_timeouts(void)
{
    int p[2];
    pipe(p);
    wait_readable(BY_POLL, p[0], 0, "timeout 0 on an empty pipe");
    start();
    CHECK("poll nfds 0 timeout 50", poll(NULL, 0, 50));
    no_earlier("poll nfds 0", 50);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    for (int how = 0; how < NWAYS; how++)
        test_pidfd(how);
    test_quiet_pipe();
    test_three_waiters();
    test_last_writer_close();
    test_thread();
    test_timeouts();
    return 0;
}
