/* epoll_pwait2 (timespec timeouts) and an events buffer that is never
 * written: Linux checks only that it lies in user space. Apart from
 * epoll.c because qemu-user, riscv64's oracle, has no epoll_pwait2 and
 * faults on such a buffer itself. */
#include "t.h"
#include <pthread.h>
#include <sys/epoll.h>

static int wfd;
static void *late_writer(void *arg)
{
    (void)arg;
    usleep(100 * 1000);
    write(wfd, "w", 1);
    return NULL;
}

int main(void)
{
    int ep = epoll_create1(0);
    int p[2];
    pipe(p);
    struct epoll_event e = {.events = EPOLLIN, .data.u64 = 1}, evs[4];
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e);
    CHECK("unmapped events ptr, none ready", syscall(SYS_epoll_pwait, ep, BADPTR, 4, 0, NULL, 8));
    struct timespec zero = {0, 0}, bad = {0, 1000000000}, neg = {-1, 0};
    CHECK("pwait2 zero timeout", syscall(SYS_epoll_pwait2, ep, evs, 4, &zero, NULL, 8));
    CHECK("pwait2 bad nsec", syscall(SYS_epoll_pwait2, ep, evs, 4, &bad, NULL, 8));
    CHECK("pwait2 negative sec", syscall(SYS_epoll_pwait2, ep, evs, 4, &neg, NULL, 8));
    CHECK("pwait2 bad timeout ptr", syscall(SYS_epoll_pwait2, ep, evs, 4, BADPTR, NULL, 8));
    CHECK("pwait2 sigsetsize 4", syscall(SYS_epoll_pwait2, ep, evs, 4, &zero, &zero, 4));
    struct timespec t0, tmo = {0, 150 * 1000000};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK("pwait2 150 ms, nothing", syscall(SYS_epoll_pwait2, ep, evs, 4, &tmo, NULL, 8));
    EXPECT("waited at least 140 ms", t_ms_since(&t0) >= 140);
    wfd = p[1];
    pthread_t th;
    pthread_create(&th, NULL, late_writer, NULL);
    CHECK("pwait2 NULL timeout, woken by a thread", syscall(SYS_epoll_pwait2, ep, evs, 4, NULL, NULL, 8));
    pthread_join(th, NULL);
    printf("data %llu events %x\n", (unsigned long long)evs[0].data.u64, evs[0].events);
    return 0;
}
