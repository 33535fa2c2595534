/* getrusage(2): who values, bad pointers, fault and switch counters, maxrss. */
#include "t.h"
#include <pthread.h>

static struct rusage ru(int who)
{
    struct rusage r;
    memset(&r, 0, sizeof(r));
    getrusage(who, &r);
    return r;
}

static void *thread_fn(void *arg)
{
    struct rusage *out = arg;
    usleep(20000);
    getrusage(RUSAGE_THREAD, out);
    return NULL;
}

int main(void)
{
    struct rusage r;
    CHECK("RUSAGE_SELF", syscall(SYS_getrusage, RUSAGE_SELF, &r));
    CHECK("RUSAGE_CHILDREN", syscall(SYS_getrusage, RUSAGE_CHILDREN, &r));
    CHECK("RUSAGE_THREAD", syscall(SYS_getrusage, RUSAGE_THREAD, &r));
    CHECK("RUSAGE_BOTH (-2)", syscall(SYS_getrusage, -2, &r));
    CHECK("who=2", syscall(SYS_getrusage, 2, &r));
    CHECK("who=-3", syscall(SYS_getrusage, -3, &r));
    CHECK("NULL", syscall(SYS_getrusage, RUSAGE_SELF, NULL));
    CHECK("BADPTR", syscall(SYS_getrusage, RUSAGE_SELF, BADPTR));
    CHECK("unmapped", syscall(SYS_getrusage, RUSAGE_SELF, t_unmapped()));
    CHECK("KPTR", syscall(SYS_getrusage, RUSAGE_SELF, KPTR));
    CHECK("bad who and bad pointer", syscall(SYS_getrusage, 7, BADPTR));

    /* without reaping, the children counters do not move (they need not
     * be 0: an exec keeps them) */
    r = ru(RUSAGE_CHILDREN);
    usleep(10000);
    struct rusage r2 = ru(RUSAGE_CHILDREN);
    EXPECT("children counters stable", memcmp(&r, &r2, sizeof r) == 0);

    /* touching new pages counts minor faults and grows the RSS */
    long f0 = ru(RUSAGE_SELF).ru_minflt;
    long t0 = ru(RUSAGE_THREAD).ru_minflt;
    size_t len = 64 * 4096;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (size_t i = 0; i < len; i += 4096)
        p[i] = 1;
    EXPECT("64 new pages: minflt grows by >= 32", ru(RUSAGE_SELF).ru_minflt - f0 >= 32);
    EXPECT("64 new pages: thread minflt grows by >= 32", ru(RUSAGE_THREAD).ru_minflt - t0 >= 32);
    EXPECT("maxrss > 0", ru(RUSAGE_SELF).ru_maxrss > 0);
    EXPECT("thread maxrss > 0", ru(RUSAGE_THREAD).ru_maxrss > 0);
    munmap(p, len);
    long m0 = ru(RUSAGE_SELF).ru_maxrss;
    EXPECT("maxrss stays after munmap", ru(RUSAGE_SELF).ru_maxrss >= m0);

    /* sleeping is a voluntary context switch */
    long v0 = ru(RUSAGE_SELF).ru_nvcsw;
    long tv0 = ru(RUSAGE_THREAD).ru_nvcsw;
    for (int i = 0; i < 5; i++)
        usleep(10000);
    EXPECT("5 sleeps: nvcsw grows by >= 5", ru(RUSAGE_SELF).ru_nvcsw - v0 >= 5);
    EXPECT("5 sleeps: thread nvcsw grows by >= 5", ru(RUSAGE_THREAD).ru_nvcsw - tv0 >= 5);

    /* a thread's RUSAGE_THREAD is its own; RUSAGE_SELF includes it */
    struct rusage tr;
    pthread_t th;
    pthread_create(&th, NULL, thread_fn, &tr);
    pthread_join(th, NULL);
    EXPECT("thread: own nvcsw >= 1", tr.ru_nvcsw >= 1);
    EXPECT("thread: own nvcsw < process nvcsw", tr.ru_nvcsw < ru(RUSAGE_SELF).ru_nvcsw);

    /* a child that touched 8 MiB: its maxrss reaches RUSAGE_CHILDREN */
    pid_t c = fork();
    if (c == 0) {
        size_t n = 8 << 20;
        char *q = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        for (size_t i = 0; i < n; i += 4096)
            q[i] = 1;
        _exit(0);
    }
    struct rusage wr;
    int st;
    wait4(c, &st, 0, &wr);
    EXPECT("wait4 rusage maxrss >= 8 MiB", wr.ru_maxrss >= 8192);
    EXPECT("wait4 rusage minflt >= 1024", wr.ru_minflt >= 1024);
    r2 = ru(RUSAGE_CHILDREN);
    EXPECT("children maxrss >= 8 MiB", r2.ru_maxrss >= 8192);
    EXPECT("children minflt +1024", r2.ru_minflt - r.ru_minflt >= 1024);
    CHECK("wait4 with a bad rusage pointer (no child left)", wait4(-1, &st, 0, BADPTR));
    c = fork();
    if (c == 0)
        _exit(3);
    errno = 0;
    long w = syscall(SYS_wait4, c, &st, 0, BADPTR);
    printf("wait4 rusage=BADPTR: %s errno=%s\n", w == c ? "pid" : w == -1 ? "-1" : "?", errname(errno));
    return 0;
}
