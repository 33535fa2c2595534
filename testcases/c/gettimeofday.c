/* gettimeofday(2) (raw syscall) */
#include "t.h"
#include <sys/time.h>
#include <time.h>

int main(void)
{
    struct timeval tv;
    struct timezone tz;
    CHECK("gettimeofday", syscall(SYS_gettimeofday, &tv, NULL));
    printf("after 2020: %d, usec in range: %d\n", tv.tv_sec > 1577836800, tv.tv_usec >= 0 && tv.tv_usec < 1000000);
    CHECK("with timezone", syscall(SYS_gettimeofday, &tv, &tz));
    CHECK("both NULL", syscall(SYS_gettimeofday, NULL, NULL));
    CHECK("NULL tv, tz", syscall(SYS_gettimeofday, NULL, &tz));
    CHECK("0x1 tv", syscall(SYS_gettimeofday, BADPTR, NULL));
    CHECK("kernel tv", syscall(SYS_gettimeofday, KPTR, NULL));
    CHECK("0x1 tz", syscall(SYS_gettimeofday, &tv, BADPTR));

    struct timespec ts;
    syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts);
    syscall(SYS_gettimeofday, &tv, NULL);
    long long a = ts.tv_sec * 1000000LL + ts.tv_nsec / 1000, b = tv.tv_sec * 1000000LL + tv.tv_usec;
    EXPECT("agrees with CLOCK_REALTIME (within 1s)", b >= a && b - a < 1000000);

    int mono = 1;
    long long prev = b;
    for (int i = 0; i < 1000; i++) {
        syscall(SYS_gettimeofday, &tv, NULL);
        long long now = tv.tv_sec * 1000000LL + tv.tv_usec;
        mono &= now >= prev;
        prev = now;
    }
    EXPECT("does not go back in a tight loop", mono);
    struct timeval g;
    gettimeofday(&g, NULL);
    EXPECT("glibc (vDSO) agrees", g.tv_sec - tv.tv_sec <= 1 && g.tv_sec >= tv.tv_sec);
    return 0;
}
