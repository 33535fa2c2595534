/* setitimer/getitimer and alarm. ITIMER_REAL: arming, reading back, old
 * values, alarm's rounding, periodic SIGALRM with si_code SI_KERNEL, pause
 * interrupted, not inherited by fork, kept across execve, errors.
 * ITIMER_VIRTUAL / ITIMER_PROF: they run on CPU time only (a sleep does
 * not use them up) and send SIGVTALRM / SIGPROF. */
#include "t.h"
#include <sys/time.h>
#include <time.h>

static long long usec(struct timeval tv)
{
    return tv.tv_sec * 1000000LL + tv.tv_usec;
}

static void show(const char *label, struct itimerval *v, long long lo_us, long long hi_us)
{
    long long val = usec(v->it_value);
    printf("%s: value in [%lld, %lld] us: %s, interval=%lld us\n", label, lo_us, hi_us,
           val >= lo_us && val <= hi_us ? "ok" : "FAIL", usec(v->it_interval));
}

static volatile int alarms, last_code, vtalrms, profs;

static void on_cpu_timer(int sig)
{
    if (sig == SIGVTALRM)
        vtalrms++;
    else
        profs++;
}

/* Spins until *count reaches n (or 20 s pass); whether it did. */
static int spin_until(volatile int *count, int n)
{
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        for (volatile int i = 0; i < 100000; i++)
            ;
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while (*count < n && t.tv_sec - t0.tv_sec < 20);
    return *count >= n;
}

static void cpu_timers(void)
{
    struct itimerval v;
    getitimer(ITIMER_VIRTUAL, &v);
    show("ITIMER_VIRTUAL initially", &v, 0, 0);
    getitimer(ITIMER_PROF, &v);
    show("ITIMER_PROF initially", &v, 0, 0);

    /* sleeping uses up no CPU time */
    struct itimerval one = {.it_value = {1, 0}};
    setitimer(ITIMER_VIRTUAL, &one, NULL);
    setitimer(ITIMER_PROF, &one, NULL);
    usleep(300 * 1000);
    getitimer(ITIMER_VIRTUAL, &v);
    /* (Linux adds one scheduler tick to the value) */
    show("ITIMER_VIRTUAL after a 0.3 s sleep", &v, 900000, 1100000);
    getitimer(ITIMER_PROF, &v);
    show("ITIMER_PROF after a 0.3 s sleep", &v, 900000, 1100000);

    /* spinning does, and they fire periodically */
    signal(SIGVTALRM, on_cpu_timer);
    signal(SIGPROF, on_cpu_timer);
    struct itimerval tick = {.it_interval = {0, 20000}, .it_value = {0, 20000}};
    setitimer(ITIMER_VIRTUAL, &tick, NULL);
    printf("SIGVTALRM twice while spinning: %s\n", spin_until(&vtalrms, 2) ? "ok" : "FAIL");
    setitimer(ITIMER_VIRTUAL, &(struct itimerval){0}, NULL);
    setitimer(ITIMER_PROF, &tick, NULL);
    printf("SIGPROF twice while spinning: %s\n", spin_until(&profs, 2) ? "ok" : "FAIL");
    struct itimerval old;
    setitimer(ITIMER_PROF, &(struct itimerval){0}, &old);
    show("ITIMER_PROF old value", &old, 1, 40000);
    signal(SIGVTALRM, SIG_DFL);
    signal(SIGPROF, SIG_DFL);

    /* not inherited by fork */
    setitimer(ITIMER_VIRTUAL, &one, NULL);
    pid_t c = fork();
    if (c == 0) {
        getitimer(ITIMER_VIRTUAL, &v);
        show("  ITIMER_VIRTUAL in the fork child", &v, 0, 0);
        _exit(0);
    }
    waitpid(c, NULL, 0);
    setitimer(ITIMER_VIRTUAL, &(struct itimerval){0}, NULL);
}

static void on_alarm(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    alarms++;
    last_code = si->si_code;
}

int main(int argc, char **argv)
{
    struct itimerval v, old;
    if (argc > 1) { /* after execve: the timer is still armed */
        getitimer(ITIMER_REAL, &v);
        show("after execve", &v, 1, 30000000);
        alarm(0);
        return 0;
    }

    CHECK("getitimer", getitimer(ITIMER_REAL, &v));
    show("initially", &v, 0, 0);
    CHECK("getitimer bad which", getitimer(7, &v));
    if (!REF_IS_QEMU) /* qemu-user does not check the pointer */
        CHECK("getitimer NULL", syscall(SYS_getitimer, ITIMER_REAL, NULL));
    CHECK("getitimer bad which, NULL", syscall(SYS_getitimer, 7, NULL));
    struct itimerval bad = {.it_value = {1, 1000000}};
    CHECK("setitimer usec 1000000", setitimer(ITIMER_REAL, &bad, NULL));
    bad.it_value.tv_usec = -1;
    CHECK("setitimer usec -1", setitimer(ITIMER_REAL, &bad, NULL));
    bad = (struct itimerval){.it_value = {-1, 0}};
    CHECK("setitimer sec -1", setitimer(ITIMER_REAL, &bad, NULL));
    bad = (struct itimerval){.it_interval = {0, 2000000}, .it_value = {1, 0}};
    CHECK("setitimer interval usec 2000000", setitimer(ITIMER_REAL, &bad, NULL));
    CHECK("setitimer bad which", setitimer(7, &v, NULL));
    CHECK("setitimer bad which, bad new", syscall(SYS_setitimer, 7, BADPTR, NULL));
    CHECK("setitimer bad which, bad usec", setitimer(7, &bad, NULL));

    struct itimerval five = {.it_value = {5, 0}};
    CHECK("setitimer 5 s", setitimer(ITIMER_REAL, &five, &old));
    show("old", &old, 0, 0);
    getitimer(ITIMER_REAL, &v);
    show("armed", &v, 4000000, 5000000);
    struct itimerval seven = {.it_interval = {2, 500}, .it_value = {7, 0}};
    CHECK("setitimer 7 s, interval 2.0005 s", setitimer(ITIMER_REAL, &seven, &old));
    show("old", &old, 4000000, 5000000);
    getitimer(ITIMER_REAL, &v);
    show("armed", &v, 6000000, 7000000);
    CHECK("setitimer bad old", syscall(SYS_setitimer, ITIMER_REAL, &five, BADPTR));
    getitimer(ITIMER_REAL, &v);
    show("set despite the bad old", &v, 4000000, 5000000);
    CHECK("setitimer NULL new disarms", syscall(SYS_setitimer, ITIMER_REAL, NULL, &old));
    show("old", &old, 4000000, 5000000);
    getitimer(ITIMER_REAL, &v);
    show("disarmed", &v, 0, 0);

    /* alarm returns the old alarm's seconds, rounded to nearest, never 0
     * for one still pending */
    printf("alarm(10) = %u\n", alarm(10));
    printf("alarm(3) = %u\n", alarm(3));
    struct itimerval short_one = {.it_value = {0, 300000}};
    setitimer(ITIMER_REAL, &short_one, NULL);
    printf("alarm(0) after 0.3 s set = %u\n", alarm(0));
    struct itimerval two_and_a_half = {.it_value = {2, 600000}};
    setitimer(ITIMER_REAL, &two_and_a_half, NULL);
    printf("alarm(0) after 2.6 s set = %u\n", alarm(0));
    printf("alarm(0) = %u\n", alarm(0));

    /* not inherited by fork */
    alarm(20);
    pid_t c = fork();
    if (c == 0) {
        getitimer(ITIMER_REAL, &v);
        show("  in the fork child", &v, 0, 0);
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);

    /* periodic SIGALRM */
    struct sigaction sa = {.sa_sigaction = on_alarm, .sa_flags = SA_SIGINFO};
    sigaction(SIGALRM, &sa, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigset_t alrm;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    sigprocmask(SIG_BLOCK, &alrm, NULL);
    struct itimerval tick = {.it_interval = {0, 30000}, .it_value = {0, 30000}};
    setitimer(ITIMER_REAL, &tick, NULL);
    while (alarms < 3)
        sigsuspend(&none);
    setitimer(ITIMER_REAL, &(struct itimerval){0}, NULL);
    printf("periodic: at least 3 SIGALRMs: %s, si_code %s\n", alarms >= 3 ? "ok" : "FAIL",
           last_code == SI_KERNEL ? "SI_KERNEL" : "other");
    sigprocmask(SIG_UNBLOCK, &alrm, NULL);

    /* pause() ends with EINTR when the alarm's handler has run */
    /* (periodic, so that one firing before pause() is entered is not
     * the only one) */
    alarms = 0;
    struct itimerval every = {.it_interval = {0, 100000}, .it_value = {0, 100000}};
    setitimer(ITIMER_REAL, &every, NULL);
    CHECK("pause", pause());
    setitimer(ITIMER_REAL, &(struct itimerval){0}, NULL);
    printf("after pause: SIGALRM handled: %s\n", alarms >= 1 ? "ok" : "FAIL");

    /* the default action terminates */
    c = fork();
    if (c == 0) {
        signal(SIGALRM, SIG_DFL);
        alarm(1);
        for (;;)
            pause();
    }
    waitpid(c, &st, 0);
    printf("alarm with the default action: %s\n", t_child_status(st));

    cpu_timers();

    /* kept across execve (riscv64's reference, qemu-user, cannot exec a
     * riscv64 program here) */
    if (REF_IS_QEMU)
        return 0;
    alarm(30);
    fflush(stdout);
    execl(argv[0], argv[0], "exec", (char *)NULL);
    printf("execl failed: %s\n", errname(errno));
    return 1;
}
