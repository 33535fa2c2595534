/* Blocking calls interrupted by a signal: EINTR, or restarted with
 * SA_RESTART where Linux restarts them; ignored signals interrupt nothing.
 * Another process sends the signal while we block (it waits for our "go",
 * then 300 ms). */
#include "t.h"
#include <linux/futex.h>
#include <time.h>

static volatile int hits;
static void handler(int sig)
{
    (void)sig;
    hits++;
}

static void install(int sig, void (*fn)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    sigaction(sig, &sa, NULL);
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

/* Forks the sender: after our go it sleeps, signals us, then (data_fd >= 0)
 * writes a byte to data_fd after another pause; `linger` keeps it alive
 * that much longer. Returns its pid; *go receives the go pipe's write end. */
static pid_t kicker(int sig, int data_fd, int linger_ms, int *go)
{
    int p[2];
    pipe(p);
    fflush(stdout);
    pid_t parent = getpid();
    pid_t c = fork();
    if (c == 0) {
        char b;
        close(p[1]);
        read(p[0], &b, 1);
        sleep_ms(300);
        kill(parent, sig);
        if (data_fd >= 0) {
            sleep_ms(300);
            write(data_fd, "x", 1);
        }
        sleep_ms(linger_ms);
        _exit(0);
    }
    close(p[0]);
    *go = p[1];
    return c;
}

static void go(int fd)
{
    write(fd, "g", 1);
    close(fd);
}

static void pipe_read(const char *label, int sig, int flags)
{
    int p[2], g;
    char b;
    pipe(p);
    hits = 0;
    pid_t c = kicker(sig, p[1], 0, &g);
    go(g);
    long r = CHECK(label, read(p[0], &b, 1));
    printf("  handler ran %d time(s)\n", hits);
    (void)r;
    (void)flags;
    waitpid(c, NULL, 0);
    close(p[0]);
    close(p[1]);
}

static void pipe_write_full(const char *label)
{
    int p[2], g;
    pipe(p);
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    char buf[4096] = {0};
    while (write(p[1], buf, sizeof(buf)) > 0)
        ;
    fcntl(p[1], F_SETFL, 0);
    hits = 0;
    pid_t c = kicker(SIGUSR1, -1, 0, &g);
    go(g);
    CHECK(label, write(p[1], "y", 1));
    printf("  handler ran %d time(s)\n", hits);
    waitpid(c, NULL, 0);
    close(p[0]);
    close(p[1]);
}

static void wait_child(const char *label)
{
    int g, status = 0;
    hits = 0;
    pid_t c = kicker(SIGUSR1, -1, 300, &g);
    go(g);
    errno = 0;
    pid_t r = waitpid(c, &status, 0);
    if (r == c)
        printf("%s: reaped the child (%s)\n", label, t_child_status(status));
    else
        printf("%s: ret=%d errno=%s\n", label, r, errname(errno));
    printf("  handler ran %d time(s)\n", hits);
    if (r != c)
        waitpid(c, NULL, 0);
}

static void sleep_interrupted(const char *label)
{
    int g;
    hits = 0;
    pid_t c = kicker(SIGUSR1, -1, 0, &g);
    struct timespec ts = {3, 0}, rem = {0, 0};
    go(g);
    CHECK(label, nanosleep(&ts, &rem));
    printf("  remaining time reported: %d\n", rem.tv_sec < 3 && (rem.tv_sec > 0 || rem.tv_nsec > 0));
    waitpid(c, NULL, 0);
}

static void futex_wait(const char *label, int with_timeout)
{
    static int word;
    int g;
    hits = 0;
    pid_t c = kicker(SIGUSR1, -1, 0, &g);
    struct timespec ts = {3, 0};
    go(g);
    CHECK(label, syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, with_timeout ? &ts : NULL, NULL, 0));
    waitpid(c, NULL, 0);
}

int main(void)
{
    install(SIGUSR1, handler, 0);
    pipe_read("pipe read, handler without SA_RESTART", SIGUSR1, 0);
    install(SIGUSR1, handler, SA_RESTART);
    pipe_read("pipe read, handler with SA_RESTART", SIGUSR1, SA_RESTART);

    install(SIGUSR1, handler, 0);
    pipe_write_full("write to a full pipe, no SA_RESTART");

    wait_child("waitpid, no SA_RESTART");
    install(SIGUSR1, handler, SA_RESTART);
    wait_child("waitpid, SA_RESTART");

    /* nanosleep is never restarted after a handler */
    sleep_interrupted("nanosleep, SA_RESTART");

    install(SIGUSR1, handler, 0);
    futex_wait("futex wait, no SA_RESTART", 0);
    install(SIGUSR1, handler, SA_RESTART);
    futex_wait("futex wait with timeout, SA_RESTART", 1);

    /* signals that are ignored, explicitly or by default, interrupt nothing */
    install(SIGUSR2, SIG_IGN, 0);
    pipe_read("pipe read, SIGUSR2 ignored", SIGUSR2, 0);
    pipe_read("pipe read, SIGWINCH default", SIGWINCH, 0);
    return 0;
}
