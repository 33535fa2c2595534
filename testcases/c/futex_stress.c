/* futex under contention: 8 threads through pthread mutexes and condition
 * variables (a bounded producer/consumer queue), a counter under a raw
 * futex lock, and a semaphore ping-pong between processes over a
 * MAP_SHARED page. Lost wakeups hang (the runner's timeout catches it),
 * broken mutual exclusion gives wrong totals. */
#include "t.h"
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>

#define PRODUCERS 4
#define CONSUMERS 4
#define ITEMS 3000 /* per producer */
#define QCAP 16

static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static long queue[QCAP];
static int qhead, qlen, producers_left = PRODUCERS;
static long consumed_sum, consumed_n;

static long fx(void *uaddr, int op, unsigned val)
{
    return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

/* Drepper's three-state futex mutex: 0 free, 1 locked, 2 contended. */
static _Atomic unsigned rawlock;
static long raw_counter;

static void raw_lock(void)
{
    unsigned c = 0;
    if (atomic_compare_exchange_strong(&rawlock, &c, 1))
        return;
    if (c != 2)
        c = atomic_exchange(&rawlock, 2);
    while (c != 0) {
        fx(&rawlock, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 2);
        c = atomic_exchange(&rawlock, 2);
    }
}

static void raw_unlock(void)
{
    if (atomic_fetch_sub(&rawlock, 1) != 1) {
        atomic_store(&rawlock, 0);
        fx(&rawlock, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1);
    }
}

static void *producer(void *arg)
{
    long base = (long)arg * ITEMS;
    for (long i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&qlock);
        while (qlen == QCAP)
            pthread_cond_wait(&not_full, &qlock);
        queue[(qhead + qlen++) % QCAP] = base + i;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&qlock);
        raw_lock();
        raw_counter++;
        raw_unlock();
    }
    pthread_mutex_lock(&qlock);
    if (--producers_left == 0)
        pthread_cond_broadcast(&not_empty);
    pthread_mutex_unlock(&qlock);
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&qlock);
        while (qlen == 0 && producers_left > 0)
            pthread_cond_wait(&not_empty, &qlock);
        if (qlen == 0) {
            pthread_mutex_unlock(&qlock);
            return NULL;
        }
        long v = queue[qhead];
        qhead = (qhead + 1) % QCAP;
        qlen--;
        consumed_sum += v;
        consumed_n++;
        pthread_cond_signal(&not_full);
        pthread_mutex_unlock(&qlock);
        raw_lock();
        raw_counter++;
        raw_unlock();
    }
}

/* Two processes take turns through shared futex words: a lost wake hangs. */
static void ping_pong(int rounds)
{
    _Atomic unsigned *turn = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    long *count = (long *)(turn + 16);
    *turn = 0;
    pid_t c = fork();
    int me = c == 0;
    for (int i = 0; i < rounds; i++) {
        unsigned t;
        while ((t = atomic_load(turn)) != (unsigned)me)
            fx((void *)turn, FUTEX_WAIT, t);
        (*count)++;
        atomic_store(turn, !me);
        fx((void *)turn, FUTEX_WAKE, 1);
    }
    if (me)
        _exit(0);
    int st;
    waitpid(c, &st, 0);
    printf("ping-pong: child %s, %ld turns\n", t_child_status(st), *count);
}

int main(void)
{
    pthread_t th[PRODUCERS + CONSUMERS];
    for (long i = 0; i < PRODUCERS; i++)
        pthread_create(&th[i], NULL, producer, (void *)i);
    for (long i = 0; i < CONSUMERS; i++)
        pthread_create(&th[PRODUCERS + i], NULL, consumer, NULL);
    for (int i = 0; i < PRODUCERS + CONSUMERS; i++)
        pthread_join(th[i], NULL);
    long n = (long)PRODUCERS * ITEMS;
    printf("consumed %ld items, sum %ld (expected %ld)\n", consumed_n, consumed_sum, n * (n + 1) / 2);
    printf("raw futex counter %ld (expected %ld)\n", raw_counter, 2 * n);
    printf("queue left %d, lock word %u\n", qlen, atomic_load(&rawlock));
    ping_pong(2000);
    return 0;
}
