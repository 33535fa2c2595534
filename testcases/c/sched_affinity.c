/* sched_setaffinity/sched_getaffinity: sizes, errors, and that a mask is
 * obeyed (sched_getcpu agrees), for the caller, another thread, a child.
 * Only CPUs of the initial mask are used, and no CPU count is printed. */
#include "t.h"
#include <pthread.h>
#include <sched.h>

static cpu_set_t initial;

static int pinned_ok(int cpu)
{
    for (int i = 0; i < 20; i++) {
        if (sched_getcpu() != cpu)
            return 0;
        if (i % 5 == 0)
            usleep(1000);
        else
            sched_yield();
    }
    return 1;
}

static volatile int target_cpu = -1, seen_ok, quit;

static void *follower(void *arg)
{
    (void)arg;
    while (!quit) {
        if (target_cpu >= 0 && sched_getcpu() == target_cpu)
            seen_ok = 1;
    }
    return NULL;
}

int main(void)
{
    unsigned long buf[16];
    CHECK("getaffinity (libc)", sched_getaffinity(0, sizeof(initial), &initial));
    /* the size copied is the kernel's cpumask size (NR_CPUS or the CPU
     * count, in whole longs): only its form is checked */
    long n = syscall(SYS_sched_getaffinity, 0, sizeof(buf), buf);
    EXPECT("getaffinity raw len=128: whole longs", n >= 8 && n <= 128 && n % 8 == 0);
    CHECK("getaffinity raw len=8", syscall(SYS_sched_getaffinity, 0, 8, buf));
    CHECK("getaffinity raw len=4", syscall(SYS_sched_getaffinity, 0, 4, buf));
    CHECK("getaffinity raw len=12", syscall(SYS_sched_getaffinity, 0, 12, buf));
    CHECK("getaffinity raw len=0", syscall(SYS_sched_getaffinity, 0, 0, buf));
    CHECK("getaffinity BADPTR", syscall(SYS_sched_getaffinity, 0, 8, BADPTR));
    CHECK("getaffinity NULL", syscall(SYS_sched_getaffinity, 0, 8, NULL));
    CHECK("getaffinity pid -1", syscall(SYS_sched_getaffinity, -1, 8, buf));
    pid_t gone = fork();
    if (gone == 0)
        _exit(0);
    waitpid(gone, NULL, 0);
    CHECK("getaffinity reaped pid", syscall(SYS_sched_getaffinity, gone, 8, buf));
    CHECK("getaffinity of own pid", syscall(SYS_sched_getaffinity, getpid(), 8, buf));

    int first = -1;
    for (int i = 0; i < CPU_SETSIZE; i++)
        if (CPU_ISSET(i, &initial)) {
            first = i;
            break;
        }
    EXPECT("initial mask not empty", first >= 0);
    EXPECT("running on a CPU of the mask", CPU_ISSET(sched_getcpu(), &initial));

    /* pin to each CPU of the initial mask in turn */
    int all_ok = 1;
    for (int i = 0; i < CPU_SETSIZE; i++) {
        if (!CPU_ISSET(i, &initial))
            continue;
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(i, &one);
        if (sched_setaffinity(0, sizeof(one), &one) != 0) {
            all_ok = 0;
            continue;
        }
        cpu_set_t got;
        sched_getaffinity(0, sizeof(got), &got);
        all_ok &= CPU_EQUAL(&got, &one) && pinned_ok(i);
    }
    EXPECT("pinned to each CPU of the initial mask", all_ok);

    /* a child inherits the mask */
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    sched_setaffinity(0, sizeof(one), &one);
    pid_t c = fork();
    if (c == 0) {
        cpu_set_t got;
        sched_getaffinity(0, sizeof(got), &got);
        _exit(CPU_EQUAL(&got, &one) && pinned_ok(first) ? 0 : 1);
    }
    int st;
    waitpid(c, &st, 0);
    printf("child inherits the mask: %s\n", t_child_status(st));

    /* errors */
    unsigned long zero[16] = {0}, far[16] = {0};
    far[15] = 1UL << 63; /* CPU 1023: beyond the cpumask size, ignored */
    CHECK("setaffinity empty", syscall(SYS_sched_setaffinity, 0, 8, zero));
    CHECK("setaffinity len=0", syscall(SYS_sched_setaffinity, 0, 0, buf));
    CHECK("setaffinity only CPU 1023", syscall(SYS_sched_setaffinity, 0, sizeof(far), far));
    CHECK("setaffinity BADPTR", syscall(SYS_sched_setaffinity, 0, 8, BADPTR));
    CHECK("setaffinity reaped pid", syscall(SYS_sched_setaffinity, gone, sizeof(one), &one));
    CHECK("setaffinity reaped pid, bad mask", syscall(SYS_sched_setaffinity, gone, 8, BADPTR));
    CHECK("setaffinity pid -1", syscall(SYS_sched_setaffinity, -1, sizeof(one), &one));
    unsigned int small = 1u << first;
    if (!REF_IS_QEMU) /* qemu-user refuses a mask shorter than a long */
        CHECK("setaffinity len=4", syscall(SYS_sched_setaffinity, 0, 4, &small));

    /* another thread's mask, set by tid, is obeyed */
    sched_setaffinity(0, sizeof(initial), &initial);
    pthread_t th;
    pthread_create(&th, NULL, follower, NULL);
    usleep(10000);
    int ok = 1;
    for (int i = 0; i < CPU_SETSIZE; i++) {
        if (!CPU_ISSET(i, &initial))
            continue;
        CPU_ZERO(&one);
        CPU_SET(i, &one);
        seen_ok = 0;
        if (pthread_setaffinity_np(th, sizeof(one), &one) != 0)
            ok = 0;
        target_cpu = i;
        for (int n = 0; n < 200 && !seen_ok; n++)
            usleep(10000);
        cpu_set_t got;
        pthread_getaffinity_np(th, sizeof(got), &got);
        ok &= seen_ok && CPU_EQUAL(&got, &one);
    }
    quit = 1;
    pthread_join(th, NULL);
    EXPECT("another thread follows its new mask", ok);
    cpu_set_t got;
    sched_getaffinity(0, sizeof(got), &got);
    EXPECT("caller's mask unchanged by it", CPU_EQUAL(&got, &initial));
    return 0;
}
