/* times(2): clock ticks of the process and its children; the return value
 * counts ticks from a fixed point. */
#include "t.h"
#include <sys/times.h>
#include <time.h>

static long long ns(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void burn(int ms)
{
    long long start = ns(CLOCK_THREAD_CPUTIME_ID);
    volatile unsigned x = 0;
    while (ns(CLOCK_THREAD_CPUTIME_ID) - start < ms * 1000000LL)
        for (int i = 0; i < 10000; i++)
            x += i;
}

int main(void)
{
    printf("CLK_TCK: %ld\n", sysconf(_SC_CLK_TCK));
    struct tms t;
    errno = 0;
    long a = syscall(SYS_times, NULL);
    EXPECT("times(NULL) succeeds", a != -1 && errno == 0);
    CHECK("times(BADPTR)", syscall(SYS_times, BADPTR));
    CHECK("times(unmapped)", syscall(SYS_times, t_unmapped()));
    CHECK("times(KPTR)", syscall(SYS_times, KPTR));

    /* the return value advances with the wall clock at CLK_TCK */
    clock_t r0 = times(&t);
    usleep(300000);
    clock_t r1 = times(&t);
    /* the upper bound leaves a loaded host 2 s of lateness but still tells
     * 100 Hz ticks from milliseconds (300) */
    EXPECT("300ms sleep: 25..200 ticks", r1 - r0 >= 25 && r1 - r0 <= 200);

    clock_t u0 = t.tms_utime + t.tms_stime;
    burn(200);
    times(&t);
    EXPECT("200ms of work: >= 17 ticks", t.tms_utime + t.tms_stime - u0 >= 17);
    EXPECT("200ms of work: utime >= 10 ticks", t.tms_utime >= 10);

    clock_t c0 = t.tms_cutime + t.tms_cstime;
    pid_t c = fork();
    if (c == 0) {
        burn(150);
        _exit(0);
    }
    usleep(300000);
    times(&t);
    EXPECT("unreaped child: children ticks unchanged", t.tms_cutime + t.tms_cstime == c0);
    waitpid(c, NULL, 0);
    times(&t);
    EXPECT("reaped child: cutime+cstime +13 ticks", t.tms_cutime + t.tms_cstime - c0 >= 13);
    return 0;
}
