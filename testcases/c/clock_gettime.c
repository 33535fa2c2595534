/* clock_gettime(2) (raw syscall, bypassing the vDSO) */
#include "t.h"
#include <time.h>

static long cg(clockid_t id, struct timespec *ts) { return syscall(SYS_clock_gettime, id, ts); }

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(void)
{
    struct timespec a, b;
    CHECK("CLOCK_REALTIME", cg(CLOCK_REALTIME, &a));
    printf("realtime after 2020: %d, nsec in range: %d\n", a.tv_sec > 1577836800, a.tv_nsec >= 0 && a.tv_nsec < 1000000000);
    CHECK("CLOCK_MONOTONIC", cg(CLOCK_MONOTONIC, &a));
    printf("monotonic nsec in range: %d\n", a.tv_nsec >= 0 && a.tv_nsec < 1000000000);
    int mono = 1;
    for (int i = 0; i < 1000; i++) {
        cg(CLOCK_MONOTONIC, &b);
        mono &= ns(b) >= ns(a);
        a = b;
    }
    EXPECT("monotonic never goes back", mono);
    cg(CLOCK_MONOTONIC, &a);
    usleep(50000);
    cg(CLOCK_MONOTONIC, &b);
    long long d = ns(b) - ns(a);
    printf("50ms sleep measured >= 50ms: %d, < 5s: %d\n", d >= 50000000LL, d < 5000000000LL);

    CHECK("CLOCK_BOOTTIME", cg(CLOCK_BOOTTIME, &b));
    cg(CLOCK_MONOTONIC, &a);
    /* 100 ms of slack: under emulation the two reads can be far apart */
    EXPECT("boottime >= monotonic", ns(b) + 100000000 >= ns(a));
    CHECK("CLOCK_MONOTONIC_RAW", cg(CLOCK_MONOTONIC_RAW, &a));
    CHECK("CLOCK_REALTIME_COARSE", cg(CLOCK_REALTIME_COARSE, &a));
    CHECK("CLOCK_MONOTONIC_COARSE", cg(CLOCK_MONOTONIC_COARSE, &a));
    CHECK("CLOCK_PROCESS_CPUTIME_ID", cg(CLOCK_PROCESS_CPUTIME_ID, &a));
    volatile long spin = 0;
    for (long i = 0; i < 20000000; i++)
        spin += i;
    cg(CLOCK_PROCESS_CPUTIME_ID, &b);
    EXPECT("process CPU time advances with work", ns(b) > ns(a));
    CHECK("CLOCK_THREAD_CPUTIME_ID", cg(CLOCK_THREAD_CPUTIME_ID, &a));

    CHECK("invalid clock 100", cg(100, &a));
    CHECK("invalid clock 16", cg(16, &a));
    CHECK("NULL tp", cg(CLOCK_MONOTONIC, NULL));
    CHECK("0x1 tp", cg(CLOCK_REALTIME, BADPTR));
    CHECK("unmapped tp", cg(CLOCK_REALTIME, t_unmapped()));
    CHECK("kernel tp", cg(CLOCK_MONOTONIC, KPTR));

    /* vDSO (glibc) and syscall agree */
    struct timespec v;
    cg(CLOCK_REALTIME, &a);
    clock_gettime(CLOCK_REALTIME, &v);
    cg(CLOCK_REALTIME, &b);
    EXPECT("glibc clock_gettime within syscall bracket", ns(v) >= ns(a) && ns(v) <= ns(b));

    struct timespec res;
    CHECK("clock_getres MONOTONIC", syscall(SYS_clock_getres, CLOCK_MONOTONIC, &res));
    EXPECT("resolution <= 10ms", res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 10000000);
    return 0;
}
