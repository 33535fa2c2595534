/* futex(2): every non-PI operation, its errors, timeouts, requeue counts,
 * wake_op results, private versus shared keys within a process and across
 * fork (MAP_SHARED anonymous memory and a shared file mapping). */
#include "t.h"
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <time.h>

static long fx(void *uaddr, int op, unsigned val, const void *timeout_or_val2, void *uaddr2, unsigned val3)
{
    return syscall(SYS_futex, uaddr, op, val, timeout_or_val2, uaddr2, val3);
}
#define V2(n) ((const void *)(unsigned long)(n))
#define PRIV FUTEX_PRIVATE_FLAG

/* How many waiters sleep on `w` (private or shared key): requeueing them
 * onto the same word wakes nobody and changes nothing but their order. */
static long waiters(unsigned *w, int priv)
{
    return fx(w, FUTEX_REQUEUE | priv, 0, V2(INT_MAX), w, 0);
}

static void wait_for_waiters(unsigned *w, int priv, long n)
{
    for (int i = 0; i < 20000 && waiters(w, priv) != n; i++)
        usleep(1000);
}

struct waiter {
    unsigned *word;
    int op;
    unsigned val;
    unsigned bitset;
    const struct timespec *timeout;
    long ret;
    int err;
    pthread_t th;
};

static void *wait_thread(void *arg)
{
    struct waiter *w = arg;
    errno = 0;
    w->ret = fx(w->word, w->op, w->val, w->timeout, NULL, w->bitset);
    w->err = errno;
    return NULL;
}

static void start_timed(struct waiter *w, unsigned *word, int op, unsigned bitset, const struct timespec *t)
{
    memset(w, 0, sizeof(*w));
    w->word = word;
    w->op = op;
    w->val = *word;
    w->bitset = bitset;
    w->timeout = t;
    pthread_create(&w->th, NULL, wait_thread, w);
}

static void start(struct waiter *w, unsigned *word, int op, unsigned bitset)
{
    start_timed(w, word, op, bitset, NULL);
}

static void finish(const char *label, struct waiter *w, int n)
{
    int ok = 0;
    for (int i = 0; i < n; i++) {
        pthread_join(w[i].th, NULL);
        ok += w[i].ret == 0;
    }
    printf("%s: %d of %d returned 0\n", label, ok, n);
}

static struct timespec rel_ms(long ms)
{
    return (struct timespec){ms / 1000, (ms % 1000) * 1000000};
}

static struct timespec abs_ms(clockid_t clk, long ms)
{
    struct timespec t;
    clock_gettime(clk, &t);
    t.tv_nsec += (ms % 1000) * 1000000;
    t.tv_sec += ms / 1000 + t.tv_nsec / 1000000000;
    t.tv_nsec %= 1000000000;
    return t;
}

static void errors(void)
{
    static unsigned w[4] __attribute__((aligned(16)));
    struct timespec bad_ns = {0, 1000000000}, neg = {-1, 0}, zero = {0, 0};
    w[0] = 1;
    CHECK("WAIT value differs", fx(w, FUTEX_WAIT, 2, NULL, NULL, 0));
    CHECK("WAIT private value differs", fx(w, FUTEX_WAIT | PRIV, 2, NULL, NULL, 0));
    CHECK("WAIT unaligned", fx((char *)w + 1, FUTEX_WAIT, 1, NULL, NULL, 0));
    CHECK("WAIT NULL", fx(NULL, FUTEX_WAIT, 0, NULL, NULL, 0));
    CHECK("WAIT 0x1", fx(BADPTR, FUTEX_WAIT, 0, NULL, NULL, 0));
    CHECK("WAIT kernel", fx(KPTR, FUTEX_WAIT | PRIV, 0, NULL, NULL, 0));
    void *gone = t_unmapped();
    CHECK("WAIT unmapped private", fx(gone, FUTEX_WAIT | PRIV, 0, NULL, NULL, 0));
    CHECK("WAIT unmapped shared", fx(gone, FUTEX_WAIT, 0, NULL, NULL, 0));
    CHECK("WAKE unmapped private", fx(gone, FUTEX_WAKE | PRIV, 1, NULL, NULL, 0));
    CHECK("WAKE unmapped shared", fx(gone, FUTEX_WAKE, 1, NULL, NULL, 0));
    CHECK("WAKE kernel private", fx(KPTR, FUTEX_WAKE | PRIV, 1, NULL, NULL, 0));
    CHECK("WAKE unaligned", fx((char *)w + 2, FUTEX_WAKE, 1, NULL, NULL, 0));
    CHECK("WAKE nobody", fx(w, FUTEX_WAKE, 1, NULL, NULL, 0));
    CHECK("WAKE nobody private", fx(w, FUTEX_WAKE | PRIV, INT_MAX, NULL, NULL, 0));
    CHECK("WAIT bad timeout nsec", fx(w, FUTEX_WAIT, 1, &bad_ns, NULL, 0));
    CHECK("WAIT negative timeout", fx(w, FUTEX_WAIT, 1, &neg, NULL, 0));
    CHECK("WAIT timeout pointer bad", fx(w, FUTEX_WAIT, 1, BADPTR, NULL, 0));
    CHECK("WAIT bad timeout, value differs", fx(w, FUTEX_WAIT, 2, &bad_ns, NULL, 0));
    CHECK("WAIT zero timeout", fx(w, FUTEX_WAIT, 1, &zero, NULL, 0));
    CHECK("WAIT zero timeout, value differs", fx(w, FUTEX_WAIT, 2, &zero, NULL, 0));
    CHECK("WAKE ignores timeout pointer", fx(w, FUTEX_WAKE, 1, BADPTR, NULL, 0));
    CHECK("WAIT_BITSET bitset 0", fx(w, FUTEX_WAIT_BITSET, 1, NULL, NULL, 0));
    CHECK("WAKE_BITSET bitset 0", fx(w, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0));
    CHECK("WAIT_BITSET bitset 0, value differs", fx(w, FUTEX_WAIT_BITSET, 2, NULL, NULL, 0));
    CHECK("WAIT_BITSET bad timeout, bitset 0", fx(w, FUTEX_WAIT_BITSET, 1, &bad_ns, NULL, 0));
    CHECK("WAIT CLOCK_REALTIME", fx(w, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 1, &zero, NULL, 0));
    CHECK("WAIT CLOCK_REALTIME, value differs", fx(w, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 2, NULL, NULL, 0));
    CHECK("WAKE CLOCK_REALTIME", fx(w, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0));
    CHECK("REQUEUE CLOCK_REALTIME", fx(w, FUTEX_REQUEUE | FUTEX_CLOCK_REALTIME, 1, V2(1), w + 1, 0));
    CHECK("op 2 (FUTEX_FD)", fx(w, 2, 1, NULL, NULL, 0));
    CHECK("op 14", fx(w, 14, 1, NULL, NULL, 0));
    CHECK("op 99 private", fx(w, 99 | PRIV, 1, NULL, NULL, 0));
    CHECK("op 14 unaligned", fx((char *)w + 1, 14, 1, NULL, NULL, 0));
}

static void timeouts(void)
{
    static unsigned w;
    struct timespec t = rel_ms(30);
    CHECK("WAIT relative 30ms", fx(&w, FUTEX_WAIT | PRIV, 0, &t, NULL, 0));
    t = abs_ms(CLOCK_MONOTONIC, 30);
    CHECK("WAIT_BITSET absolute monotonic", fx(&w, FUTEX_WAIT_BITSET | PRIV, 0, &t, NULL, ~0u));
    t = abs_ms(CLOCK_REALTIME, 30);
    CHECK("WAIT_BITSET absolute realtime",
          fx(&w, FUTEX_WAIT_BITSET | PRIV | FUTEX_CLOCK_REALTIME, 0, &t, NULL, ~0u));
    t = (struct timespec){1, 0}; /* long past on the monotonic clock */
    CHECK("WAIT_BITSET absolute in the past", fx(&w, FUTEX_WAIT_BITSET, 0, &t, NULL, ~0u));
    CHECK("WAIT_BITSET realtime epoch",
          fx(&w, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &t, NULL, 1));

    /* The relative timeout is honoured (not returning early). */
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    t = rel_ms(100);
    fx(&w, FUTEX_WAIT | PRIV, 0, &t, NULL, 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    EXPECT("WAIT 100ms slept at least 100ms", ms >= 99);
}

static void wake_counts(void)
{
    static unsigned w;
    struct waiter ws[4];
    for (int i = 0; i < 4; i++)
        start(&ws[i], &w, FUTEX_WAIT | PRIV, 0);
    wait_for_waiters(&w, PRIV, 4);
    CHECK("4 waiters counted", waiters(&w, PRIV));
    CHECK("shared WAKE does not see private waiters", fx(&w, FUTEX_WAKE, 4, NULL, NULL, 0));
    CHECK("WAKE 0 wakes one", fx(&w, FUTEX_WAKE | PRIV, 0, NULL, NULL, 0));
    CHECK("WAKE -1 wakes one", fx(&w, FUTEX_WAKE | PRIV, -1, NULL, NULL, 0));
    CHECK("WAKE 1", fx(&w, FUTEX_WAKE | PRIV, 1, NULL, NULL, 0));
    CHECK("WAKE INT_MAX", fx(&w, FUTEX_WAKE | PRIV, INT_MAX, NULL, NULL, 0));
    CHECK("WAKE nobody left", fx(&w, FUTEX_WAKE | PRIV, INT_MAX, NULL, NULL, 0));
    finish("woken waiters", ws, 4);

    /* Bitsets: WAIT matches any bit; WAIT_BITSET only its own. */
    start(&ws[0], &w, FUTEX_WAIT_BITSET | PRIV, 1);
    start(&ws[1], &w, FUTEX_WAIT_BITSET | PRIV, 2);
    start(&ws[2], &w, FUTEX_WAIT_BITSET | PRIV, 4 | 8);
    start(&ws[3], &w, FUTEX_WAIT | PRIV, 0);
    wait_for_waiters(&w, PRIV, 4);
    CHECK("WAKE_BITSET 2 (and the WAIT one)", fx(&w, FUTEX_WAKE_BITSET | PRIV, INT_MAX, NULL, NULL, 2));
    CHECK("WAKE_BITSET 16", fx(&w, FUTEX_WAKE_BITSET | PRIV, INT_MAX, NULL, NULL, 16));
    CHECK("WAKE_BITSET 32 (nobody)", fx(&w, FUTEX_WAKE_BITSET | PRIV, INT_MAX, NULL, NULL, 32));
    CHECK("WAKE_BITSET 9, one at most", fx(&w, FUTEX_WAKE_BITSET | PRIV, 1, NULL, NULL, 9));
    CHECK("WAKE the last", fx(&w, FUTEX_WAKE | PRIV, INT_MAX, NULL, NULL, 0));
    finish("bitset waiters", ws, 4);
}

static void requeue(void)
{
    static unsigned a = 7, b = 9;
    struct waiter ws[5];
    for (int i = 0; i < 5; i++)
        start(&ws[i], &a, FUTEX_WAIT | PRIV, 0);
    wait_for_waiters(&a, PRIV, 5);
    CHECK("REQUEUE negative wake", fx(&a, FUTEX_REQUEUE | PRIV, -1, V2(1), &b, 0));
    CHECK("REQUEUE negative requeue", fx(&a, FUTEX_REQUEUE | PRIV, 1, V2(-1), &b, 0));
    CHECK("CMP_REQUEUE negative requeue", fx(&a, FUTEX_CMP_REQUEUE | PRIV, 1, V2(0x80000000u), &b, 7));
    CHECK("CMP_REQUEUE value differs", fx(&a, FUTEX_CMP_REQUEUE | PRIV, 1, V2(1), &b, 8));
    CHECK("CMP_REQUEUE bad uaddr2", fx(&a, FUTEX_CMP_REQUEUE | PRIV, 1, V2(1), (char *)&b + 1, 7));
    CHECK("REQUEUE 0 0", fx(&a, FUTEX_REQUEUE | PRIV, 0, V2(0), &b, 0));
    CHECK("REQUEUE wake 1, move 2", fx(&a, FUTEX_REQUEUE | PRIV, 1, V2(2), &b, 0));
    CHECK("then on a", waiters(&a, PRIV));
    CHECK("then on b", waiters(&b, PRIV));
    CHECK("CMP_REQUEUE wake 0, move 1", fx(&a, FUTEX_CMP_REQUEUE | PRIV, 0, V2(1), &b, 7));
    CHECK("then on a", waiters(&a, PRIV));
    CHECK("then on b", waiters(&b, PRIV));
    CHECK("WAKE on a", fx(&a, FUTEX_WAKE | PRIV, INT_MAX, NULL, NULL, 0));
    CHECK("CMP_REQUEUE b back to a, wake 1", fx(&b, FUTEX_CMP_REQUEUE | PRIV, 1, V2(INT_MAX), &a, 9));
    CHECK("WAKE on a", fx(&a, FUTEX_WAKE | PRIV, INT_MAX, NULL, NULL, 0));
    finish("requeued waiters", ws, 5);
}

#define OP(op, oparg, cmp, cmparg) FUTEX_OP((op), (oparg), (cmp), (cmparg))

static void wake_op(void)
{
    static unsigned a, b;
    struct waiter ws[4];
    b = 5;
    start(&ws[0], &a, FUTEX_WAIT | PRIV, 0);
    start(&ws[1], &a, FUTEX_WAIT | PRIV, 0);
    start(&ws[2], &b, FUTEX_WAIT | PRIV, 0);
    start(&ws[3], &b, FUTEX_WAIT | PRIV, 0);
    wait_for_waiters(&a, PRIV, 2);
    wait_for_waiters(&b, PRIV, 2);
    /* b = 5 + 3; old 5 > 4: wake one of each. */
    CHECK("WAKE_OP add, cmp true", fx(&a, FUTEX_WAKE_OP | PRIV, 1, V2(1), &b, OP(FUTEX_OP_ADD, 3, FUTEX_OP_CMP_GT, 4)));
    printf("b = %u\n", b);
    /* old 8 == 4 false: only a. */
    CHECK("WAKE_OP set, cmp false", fx(&a, FUTEX_WAKE_OP | PRIV, 1, V2(1), &b, OP(FUTEX_OP_SET, 8, FUTEX_OP_CMP_EQ, 4)));
    CHECK("WAKE_OP nr2 0 still wakes one", fx(&a, FUTEX_WAKE_OP | PRIV, 0, V2(0), &b, OP(FUTEX_OP_OR, 0, FUTEX_OP_CMP_NE, 0)));
    finish("wake_op waiters", ws, 4);

    struct {
        const char *label;
        unsigned start, op;
    } cases[] = {
        {"SET 100", 1, OP(FUTEX_OP_SET, 100, FUTEX_OP_CMP_EQ, 1)},
        {"ADD -1", 10, OP(FUTEX_OP_ADD, -1, FUTEX_OP_CMP_EQ, 10)},
        {"OR 6", 9, OP(FUTEX_OP_OR, 6, FUTEX_OP_CMP_NE, 9)},
        {"ANDN 3", 15, OP(FUTEX_OP_ANDN, 3, FUTEX_OP_CMP_LT, 15)},
        {"XOR 0xfff", 1, OP(FUTEX_OP_XOR, 0xfff, FUTEX_OP_CMP_GE, 1)},
        {"SET 1<<5", 0, OP((FUTEX_OP_SET | FUTEX_OP_OPARG_SHIFT), 5, FUTEX_OP_CMP_LE, 0)},
        {"OR 1<<31", 1, OP((FUTEX_OP_OR | FUTEX_OP_OPARG_SHIFT), 31, FUTEX_OP_CMP_GT, 0)},
        {"ADD 1<<(33&31)", 0, OP((FUTEX_OP_ADD | FUTEX_OP_OPARG_SHIFT), 33, FUTEX_OP_CMP_EQ, 0)},
        {"old -5 LT -4", -5, OP(FUTEX_OP_ADD, 0, FUTEX_OP_CMP_LT, -4)},
        {"old -5 GT -6", -5, OP(FUTEX_OP_ADD, 0, FUTEX_OP_CMP_GT, -6)},
        {"old 0x80000000 LT 0", 0x80000000u, OP(FUTEX_OP_ADD, 0, FUTEX_OP_CMP_LT, 0)},
        {"bad op 5", 3, (5u << 28) | OP(0, 1, FUTEX_OP_CMP_EQ, 3)},
        {"bad cmp 6", 3, OP(FUTEX_OP_ADD, 1, 6, 3)},
        {"bad cmp 15", 3, OP(FUTEX_OP_ADD, 1, 15, 3)},
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        b = cases[i].start;
        start(&ws[0], &b, FUTEX_WAIT | PRIV, 0);
        wait_for_waiters(&b, PRIV, 1);
        errno = 0;
        long r = fx(&a, FUTEX_WAKE_OP | PRIV, 1, V2(1), &b, cases[i].op);
        printf("WAKE_OP %s: ret=%ld errno=%s b=%#x\n", cases[i].label, r, errname(r < 0 ? errno : 0), b);
        fx(&b, FUTEX_WAKE | PRIV, 1, NULL, NULL, 0);
        pthread_join(ws[0].th, NULL);
    }

    CHECK("WAKE_OP uaddr2 NULL", fx(&a, FUTEX_WAKE_OP | PRIV, 1, V2(1), NULL, 0));
    CHECK("WAKE_OP uaddr2 unaligned", fx(&a, FUTEX_WAKE_OP | PRIV, 1, V2(1), (char *)&b + 1, 0));
    CHECK("WAKE_OP uaddr2 unmapped", fx(&a, FUTEX_WAKE_OP | PRIV, 1, V2(1), t_unmapped(), 0));
    CHECK("WAKE_OP uaddr2 kernel", fx(&a, FUTEX_WAKE_OP | PRIV, 1, V2(1), KPTR, 0));
    CHECK("WAKE_OP bad op, uaddr2 unmapped", fx(&a, FUTEX_WAKE_OP | PRIV, 1, V2(1), t_unmapped(), 5u << 28));
    CHECK("WAKE_OP uaddr unmapped private", fx(t_unmapped(), FUTEX_WAKE_OP | PRIV, 1, V2(1), &b, 0));
    CHECK("WAKE_OP uaddr unmapped shared", fx(t_unmapped(), FUTEX_WAKE_OP, 1, V2(1), &b, 0));
    unsigned *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK("WAKE_OP uaddr2 read-only private", fx(&a, FUTEX_WAKE_OP | PRIV, 1, V2(1), ro, 0));
    CHECK("WAKE_OP uaddr2 read-only shared", fx(&a, FUTEX_WAKE_OP, 1, V2(1), ro, 0));
    CHECK("WAIT on read-only", fx(ro, FUTEX_WAIT, 1, NULL, NULL, 0));
    CHECK("WAKE on read-only", fx(ro, FUTEX_WAKE, 1, NULL, NULL, 0));
    munmap(ro, 4096);
}

/* Private and shared keys of one word never meet; a signal ends a wait. */
static void on_usr1(int sig) { (void)sig; }

static void keys_and_signals(void)
{
    static unsigned w;
    struct waiter ws[2];
    start(&ws[0], &w, FUTEX_WAIT, 0);
    wait_for_waiters(&w, 0, 1);
    CHECK("shared waiter, private count", waiters(&w, PRIV));
    CHECK("shared waiter, private WAKE", fx(&w, FUTEX_WAKE | PRIV, 1, NULL, NULL, 0));
    CHECK("shared waiter, shared WAKE", fx(&w, FUTEX_WAKE, 1, NULL, NULL, 0));
    finish("shared waiter", ws, 1);

    struct sigaction sa = {.sa_handler = on_usr1};
    sigaction(SIGUSR1, &sa, NULL);
    start(&ws[0], &w, FUTEX_WAIT | PRIV, 0);
    wait_for_waiters(&w, PRIV, 1);
    pthread_kill(ws[0].th, SIGUSR1);
    pthread_join(ws[0].th, NULL);
    printf("WAIT interrupted: ret=%ld errno=%s\n", ws[0].ret, errname(ws[0].err));
    CHECK("nobody left waiting", waiters(&w, PRIV));

    struct timespec t = rel_ms(5000);
    start_timed(&ws[0], &w, FUTEX_WAIT | PRIV, 0, &t);
    wait_for_waiters(&w, PRIV, 1);
    pthread_kill(ws[0].th, SIGUSR1);
    pthread_join(ws[0].th, NULL);
    printf("timed WAIT interrupted: ret=%ld errno=%s\n", ws[0].ret, errname(ws[0].err));

    struct timespec abs = abs_ms(CLOCK_MONOTONIC, 5000);
    start_timed(&ws[1], &w, FUTEX_WAIT_BITSET | PRIV, ~0u, &abs);
    wait_for_waiters(&w, PRIV, 1);
    pthread_kill(ws[1].th, SIGUSR1);
    pthread_join(ws[1].th, NULL);
    printf("timed WAIT_BITSET interrupted: ret=%ld errno=%s\n", ws[1].ret, errname(ws[1].err));

    /* With SA_RESTART an untimed wait goes on after the handler. */
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    start(&ws[0], &w, FUTEX_WAIT | PRIV, 0);
    wait_for_waiters(&w, PRIV, 1);
    pthread_kill(ws[0].th, SIGUSR1);
    usleep(50000);
    wait_for_waiters(&w, PRIV, 1);
    CHECK("SA_RESTART: still waiting", waiters(&w, PRIV));
    CHECK("SA_RESTART: woken", fx(&w, FUTEX_WAKE | PRIV, 1, NULL, NULL, 0));
    finish("restarted waiter", ws, 1);
}

/* Shared futexes across fork: the same MAP_SHARED page meets in both
 * processes, whatever the address; private keys stay per process. */
static void across_fork(void)
{
    unsigned *shm = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    unsigned *priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    /* children leave their results here; the parent prints them, so that
     * the output order does not depend on scheduling */
    long *res = (long *)&shm[1100];
    memset(shm, 0, 8192);
    pid_t c = fork();
    if (c == 0) {
        res[0] = fx(&shm[1024], FUTEX_WAIT, 0, NULL, NULL, 0);
        /* a private wait on shared memory: only this process could wake it */
        struct timespec t = rel_ms(300);
        res[1] = fx(&shm[0], FUTEX_WAIT | PRIV, 0, &t, NULL, 0) < 0 ? errno : 0;
        /* a shared wait on a private page: another process has another page */
        t = rel_ms(300);
        res[2] = fx(priv, FUTEX_WAIT, 0, &t, NULL, 0) < 0 ? errno : 0;
        _exit(0);
    }
    wait_for_waiters(&shm[1024], 0, 1);
    CHECK("parent: child waiting (shared count)", waiters(&shm[1024], 0));
    CHECK("parent: private count", waiters(&shm[1024], PRIV));
    CHECK("parent: shared WAKE", fx(&shm[1024], FUTEX_WAKE, 1, NULL, NULL, 0));
    usleep(100000);
    CHECK("parent: private WAKE of child's private wait", fx(&shm[0], FUTEX_WAKE | PRIV, 1, NULL, NULL, 0));
    CHECK("parent: shared WAKE of child's private wait", fx(&shm[0], FUTEX_WAKE, 1, NULL, NULL, 0));
    usleep(300000);
    CHECK("parent: shared WAKE of child's private page", fx(priv, FUTEX_WAKE, 1, NULL, NULL, 0));
    int st;
    waitpid(c, &st, 0);
    printf("child %s: shared WAIT %ld, private WAIT on shared page %s, shared WAIT on private page %s\n",
           t_child_status(st), res[0], errname(res[1]), errname(res[2]));

    /* WAKE_OP on a shared page changes the word for both processes. */
    c = fork();
    if (c == 0) {
        res[0] = fx(&shm[1], FUTEX_WAIT, 0, NULL, NULL, 0);
        res[1] = shm[1];
        _exit(0);
    }
    wait_for_waiters(&shm[1], 0, 1);
    CHECK("parent: WAKE_OP shared", fx(&shm[0], FUTEX_WAKE_OP, 1, V2(1), &shm[1], OP(FUTEX_OP_SET, 42, FUTEX_OP_CMP_EQ, 0)));
    waitpid(c, &st, 0);
    printf("child %s: woken by WAKE_OP ret=%ld, word %ld\n", t_child_status(st), res[0], res[1]);

    /* Two mappings of one file meet through the file's page. */
    int fd = open("futex_file", O_RDWR | O_CREAT | O_TRUNC, 0600);
    ftruncate(fd, 4096);
    unsigned *m1 = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    unsigned *m2 = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    struct waiter ws[1];
    start(&ws[0], &m1[3], FUTEX_WAIT, 0);
    wait_for_waiters(&m2[3], 0, 1);
    CHECK("file: waiter on first mapping, counted on second", waiters(&m2[3], 0));
    CHECK("file: private WAKE on second", fx(&m2[3], FUTEX_WAKE | PRIV, 1, NULL, NULL, 0));
    CHECK("file: shared WAKE on second", fx(&m2[3], FUTEX_WAKE, 1, NULL, NULL, 0));
    finish("file waiter", ws, 1);
    c = fork();
    if (c == 0) {
        unsigned *m3 = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        res[0] = fx(&m3[5], FUTEX_WAIT, 0, NULL, NULL, 0);
        _exit(0);
    }
    wait_for_waiters(&m1[5], 0, 1);
    CHECK("file: WAKE child's waiter", fx(&m1[5], FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
    waitpid(c, &st, 0);
    printf("child %s: file WAIT ret=%ld\n", t_child_status(st), res[0]);
    close(fd);
    unlink("futex_file");
}

int main(void)
{
    errors();
    timeouts();
    wake_counts();
    requeue();
    wake_op();
    keys_and_signals();
    across_fork();
    return 0;
}
