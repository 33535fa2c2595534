/* Page-table changes by one thread are seen at once by threads running on
 * other CPUs (the kernel must flush their TLBs): a page replaced with
 * mremap reads as the new page, a page made read-only faults on write,
 * and an unmapped page faults on read. */
#include "t.h"
#include <pthread.h>
#include <setjmp.h>
#include <time.h>

static volatile int *page;
static volatile int started, stop, faulted;
static volatile long seen_new;
static sigjmp_buf env;

static void on_segv(int sig)
{
    (void)sig;
    faulted = 1;
    siglongjmp(env, 1);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void *reader(void *arg)
{
    (void)arg;
    started = 1;
    while (!stop) {
        if (*page == 2) {
            seen_new = 1;
            break;
        }
    }
    return NULL;
}

static void *writer(void *arg)
{
    (void)arg;
    if (sigsetjmp(env, 1))
        return NULL;
    started = 1;
    while (!stop)
        *page = 3;
    return NULL;
}

static void *toucher(void *arg)
{
    (void)arg;
    if (sigsetjmp(env, 1))
        return NULL;
    started = 1;
    long sum = 0;
    while (!stop)
        sum += *page;
    return (void *)sum;
}

/* Starts fn in a thread and waits until it runs its loop. */
static pthread_t start(void *(*fn)(void *))
{
    pthread_t t;
    started = stop = faulted = 0;
    pthread_create(&t, NULL, fn, NULL);
    while (!started)
        ;
    usleep(20 * 1000); /* let it spin a while with its TLB warm */
    return t;
}

/* Waits up to 2 s for *flag; true if it came. */
static int wait_for(volatile long *flag_l, volatile int *flag_i)
{
    double t0 = now();
    while (now() - t0 < 2.0)
        if ((flag_l && *flag_l) || (flag_i && *flag_i))
            return 1;
    return 0;
}

int main(void)
{
    struct sigaction sa = {.sa_handler = on_segv};
    sigaction(SIGSEGV, &sa, NULL);
    page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    for (int round = 0; round < 3; round++) {
        *page = 1;
        pthread_t t = start(reader);
        /* a new frame moved over the page: the old frame is not reused */
        int *fresh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        *fresh = 2;
        mremap(fresh, 4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)page);
        int ok = wait_for(&seen_new, NULL);
        stop = 1;
        pthread_join(t, NULL);
        printf("round %d: replaced page seen by the other thread: %s\n", round, ok ? "ok" : "FAIL");
        seen_new = 0;
    }

    for (int round = 0; round < 3; round++) {
        mprotect((void *)page, 4096, PROT_READ | PROT_WRITE);
        pthread_t t = start(writer);
        mprotect((void *)page, 4096, PROT_READ);
        int ok = wait_for(NULL, &faulted);
        stop = 1;
        pthread_join(t, NULL);
        printf("round %d: write after mprotect(PROT_READ) faults: %s\n", round, ok ? "ok" : "FAIL");
    }

    mprotect((void *)page, 4096, PROT_READ | PROT_WRITE);
    pthread_t t = start(toucher);
    munmap((void *)page, 4096);
    int ok = wait_for(NULL, &faulted);
    stop = 1;
    pthread_join(t, NULL);
    printf("read after munmap faults: %s\n", ok ? "ok" : "FAIL");
    return 0;
}
