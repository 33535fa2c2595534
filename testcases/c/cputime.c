/* CPU-time accounting: CLOCK_PROCESS/THREAD_CPUTIME_ID, the per-pid and
 * per-thread CPU clock ids, getrusage and times grow with work, not with
 * sleep; a reaped child's time goes to its parent's children counters. */
#include "t.h"
#include <pthread.h>
#include <sys/times.h>
#include <time.h>

static long long ns(clockid_t c)
{
    struct timespec t;
    if (clock_gettime(c, &t) != 0)
        return -1;
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Burns CPU until the calling thread's clock advanced by `ms`. */
static void burn(int ms)
{
    long long start = ns(CLOCK_THREAD_CPUTIME_ID), wall = ns(CLOCK_MONOTONIC);
    volatile unsigned x = 0;
    while (ns(CLOCK_THREAD_CPUTIME_ID) - start < ms * 1000000LL) {
        for (int i = 0; i < 10000; i++)
            x += i;
        if (ns(CLOCK_MONOTONIC) - wall > 30000000000LL)
            break; /* 30 s: give up, the checks below fail */
    }
}

static long long tv_ns(struct timeval tv)
{
    return tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL;
}

static long long ru_ns(int who)
{
    struct rusage ru;
    if (getrusage(who, &ru) != 0)
        return -1;
    return tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime);
}

static long long tms_ns(int children)
{
    struct tms t;
    times(&t);
    clock_t v = children ? t.tms_cutime + t.tms_cstime : t.tms_utime + t.tms_stime;
    return v * (1000000000LL / sysconf(_SC_CLK_TCK));
}

static volatile int phase;
static int done_pipe[2];
static volatile pid_t worker_tid;

static void *worker(void *arg)
{
    (void)arg;
    worker_tid = gettid();
    burn(100);
    write(done_pipe[1], "x", 1);
    while (phase != 2)
        usleep(1000);
    return NULL;
}

int main(void)
{
    /* a busy loop: every measure grows by about as much, never more than
     * the wall clock */
    long long w0 = ns(CLOCK_MONOTONIC); /* the wall interval holds all the others */
    long long p0 = ns(CLOCK_PROCESS_CPUTIME_ID), t0 = ns(CLOCK_THREAD_CPUTIME_ID);
    long long r0 = ru_ns(RUSAGE_SELF), rt0 = ru_ns(RUSAGE_THREAD), m0 = tms_ns(0);
    struct rusage u0;
    getrusage(RUSAGE_SELF, &u0);
    burn(200);
    /* thread clock read last at the start and first at the end, so that
     * the process clock's interval contains the thread clock's */
    long long t = ns(CLOCK_THREAD_CPUTIME_ID) - t0;
    long long p = ns(CLOCK_PROCESS_CPUTIME_ID) - p0;
    long long w = ns(CLOCK_MONOTONIC) - w0;
    struct rusage u1;
    getrusage(RUSAGE_SELF, &u1);
    EXPECT("busy: thread cputime >= 200ms", t >= 200000000LL);
    EXPECT("busy: process cputime >= thread cputime", p >= t);
    EXPECT("busy: process cputime <= wall + 10ms", p <= w + 10000000LL);
    EXPECT("busy: getrusage self >= 180ms", ru_ns(RUSAGE_SELF) - r0 >= 180000000LL);
    EXPECT("busy: getrusage thread >= 180ms", ru_ns(RUSAGE_THREAD) - rt0 >= 180000000LL);
    EXPECT("busy: utime >= 100ms", tv_ns(u1.ru_utime) - tv_ns(u0.ru_utime) >= 100000000LL);
    EXPECT("busy: times >= 170ms", tms_ns(0) - m0 >= 170000000LL);

    /* a sleep of 300 ms: nothing grows by much (the bound leaves room for a
     * loaded host slowing the few syscalls around it) */
    p0 = ns(CLOCK_PROCESS_CPUTIME_ID);
    t0 = ns(CLOCK_THREAD_CPUTIME_ID);
    r0 = ru_ns(RUSAGE_SELF);
    usleep(300000);
    EXPECT("sleep: process cputime < 100ms", ns(CLOCK_PROCESS_CPUTIME_ID) - p0 < 100000000LL);
    EXPECT("sleep: thread cputime < 100ms", ns(CLOCK_THREAD_CPUTIME_ID) - t0 < 100000000LL);
    EXPECT("sleep: getrusage < 100ms", ru_ns(RUSAGE_SELF) - r0 < 100000000LL);

    /* a second thread: its clock, seen through pthread_getcpuclockid, and
     * the process clock grow; the sleeping main thread's does not */
    pthread_t th;
    clockid_t tc;
    p0 = ns(CLOCK_PROCESS_CPUTIME_ID);
    t0 = ns(CLOCK_THREAD_CPUTIME_ID);
    pipe(done_pipe);
    pthread_create(&th, NULL, worker, NULL);
    char d;
    read(done_pipe[0], &d, 1); /* the main thread sleeps meanwhile */
    CHECK("pthread_getcpuclockid", pthread_getcpuclockid(th, &tc));
    EXPECT("thread: its clock >= 100ms", ns(tc) >= 100000000LL);
    EXPECT("thread: process clock >= 100ms", ns(CLOCK_PROCESS_CPUTIME_ID) - p0 >= 100000000LL);
    EXPECT("thread: main thread clock < 100ms", ns(CLOCK_THREAD_CPUTIME_ID) - t0 < 100000000LL);
    phase = 2;
    pthread_join(th, NULL);
    /* The join returns once the kernel cleared the thread's tid word, which
     * Linux does before the thread is released: wait until it is gone from
     * /proc/self/task, so the answer below does not depend on that race. */
    char task_dir[64];
    snprintf(task_dir, sizeof task_dir, "/proc/self/task/%d", (int)worker_tid);
    for (int i = 0; i < 2000 && access(task_dir, F_OK) == 0; i++)
        usleep(1000);
    struct timespec ts;
    if (!REF_IS_QEMU) /* qemu-user's host thread may outlive the join */
        CHECK("clock_gettime of a released thread's clock", clock_gettime(tc, &ts));
    EXPECT("thread: process clock kept its time", ns(CLOCK_PROCESS_CPUTIME_ID) - p0 >= 100000000LL);

    /* clock_getcpuclockid of self is the process clock */
    clockid_t pc;
    CHECK("clock_getcpuclockid self", clock_getcpuclockid(getpid(), &pc));
    long long a = ns(pc), b = ns(CLOCK_PROCESS_CPUTIME_ID);
    /* under TCG a host that deschedules the vCPU adds to the running thread's time */
    EXPECT("own pid clock ~ CLOCK_PROCESS_CPUTIME_ID", a <= b && b - a < 200000000LL);

    /* a child: it burns 100 ms, exits; until reaped its time is not the
     * parent's; wait4's rusage and then RUSAGE_CHILDREN and times() have it */
    int pfd[2];
    pipe(pfd);
    pid_t c = fork();
    if (c == 0) {
        close(pfd[0]);
        burn(150);
        _exit(0);
    }
    close(pfd[1]);
    /* (an exec keeps the children counters: they need not start at 0) */
    long long ch0 = ru_ns(RUSAGE_CHILDREN), tch0 = tms_ns(1);
    CHECK("clock_getcpuclockid child", clock_getcpuclockid(c, &pc));
    char x;
    read(pfd[0], &x, 1); /* EOF: the child is exiting */
    usleep(100000);
    EXPECT("child clock >= 150ms", ns(pc) >= 150000000LL);
    EXPECT("before reaping: RUSAGE_CHILDREN unchanged", ru_ns(RUSAGE_CHILDREN) == ch0);
    EXPECT("before reaping: times children unchanged", tms_ns(1) == tch0);
    struct rusage wr;
    int st;
    EXPECT("wait4 reaps it", wait4(c, &st, 0, &wr) == c);
    EXPECT("wait4 rusage >= 140ms", tv_ns(wr.ru_utime) + tv_ns(wr.ru_stime) >= 140000000LL);
    EXPECT("wait4 rusage ru_maxrss > 0", wr.ru_maxrss > 0);
    EXPECT("after reaping: RUSAGE_CHILDREN +140ms", ru_ns(RUSAGE_CHILDREN) - ch0 >= 140000000LL);
    EXPECT("after reaping: times children +130ms", tms_ns(1) - tch0 >= 130000000LL);
    EXPECT("children time not in RUSAGE_SELF", ns(CLOCK_PROCESS_CPUTIME_ID) < 2000000000LL);
    CHECK("clock_gettime of a reaped child's clock", clock_gettime(pc, &ts));
    CHECK("clock_getcpuclockid reaped child", clock_getcpuclockid(c, &pc));

    /* grandchildren count once reaped by the child, who is then reaped */
    c = fork();
    if (c == 0) {
        pid_t g = fork();
        if (g == 0) {
            burn(100);
            _exit(0);
        }
        waitpid(g, NULL, 0);
        _exit(0);
    }
    long long before = ru_ns(RUSAGE_CHILDREN);
    waitpid(c, &st, 0);
    EXPECT("grandchild time reaches RUSAGE_CHILDREN", ru_ns(RUSAGE_CHILDREN) - before >= 90000000LL);

    /* children ignored with SIGCHLD=SIG_IGN are not counted */
    signal(SIGCHLD, SIG_IGN);
    before = ru_ns(RUSAGE_CHILDREN);
    c = fork();
    if (c == 0) {
        burn(100);
        _exit(0);
    }
    errno = 0;
    long r = waitpid(c, &st, 0);
    printf("waitpid of an autoreaped child: %ld %s\n", r, errname(errno));
    EXPECT("autoreaped child not counted", ru_ns(RUSAGE_CHILDREN) - before < 50000000LL);
    return 0;
}
