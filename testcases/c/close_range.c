/* close_range (plain and CLOSE_RANGE_CLOEXEC), dup2 corner cases, and what
 * execve does to fds (O_CLOEXEC closed, others kept) and to signals
 * (handlers reset to SIG_DFL, SIG_IGN and the blocked mask kept). */
#include "t.h"
#include <linux/close_range.h>

static void fdstate(const char *label, int lo, int hi)
{
    printf("%s:", label);
    for (int fd = lo; fd <= hi; fd++) {
        int f = fcntl(fd, F_GETFD);
        printf(" %d=%s", fd, f < 0 ? "closed" : (f & FD_CLOEXEC) ? "cloexec" : "open");
    }
    printf("\n");
}

/* Run `sh -c script` after exec and print its output and how it ended. */
static void run_sh(const char *label, const char *script)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", script, (char *)NULL);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("%s: %s\n", label, t_child_status(st));
}

/* The exec'd shell reports which of fds 3..9 are open. */
static const char *const probe_fds =
    "for f in 3 4 5 6 7 8 9; do if { true >&$f; } 2>/dev/null; then echo \"  fd $f open\"; fi; done";

static void test_close_range(void)
{
    CHECK("close_range 3..~0 (clean table)", syscall(SYS_close_range, 3, ~0U, 0));
    int null = open("/dev/null", O_RDWR);
    printf("open gets fd %d\n", null);
    for (int fd = 4; fd <= 9; fd++)
        dup2(null, fd);
    fdstate("initial", 3, 10);
    CHECK("close_range 4..5", syscall(SYS_close_range, 4, 5, 0));
    fdstate("after", 3, 10);
    CHECK("close_range 6..7 CLOEXEC", syscall(SYS_close_range, 6, 7, CLOSE_RANGE_CLOEXEC));
    fdstate("after", 3, 10);
    CHECK("close_range 9..9 CLOEXEC", syscall(SYS_close_range, 9, 9, CLOSE_RANGE_CLOEXEC));
    CHECK("close_range first > last", syscall(SYS_close_range, 5, 4, 0));
    CHECK("close_range unknown flag", syscall(SYS_close_range, 3, 4, 1 << 5));
    CHECK("close_range flag bit 31", syscall(SYS_close_range, 100, 200, 1U << 31));
    CHECK("close_range past the table", syscall(SYS_close_range, 100, 200, 0));
    CHECK("close_range ~0..~0", syscall(SYS_close_range, ~0U, ~0U, 0));
    CHECK("close_range CLOEXEC past the table", syscall(SYS_close_range, 1000, ~0U, CLOSE_RANGE_CLOEXEC));
    CHECK("close_range UNSHARE past the table", syscall(SYS_close_range, 1000, ~0U, CLOSE_RANGE_UNSHARE));
    fdstate("unchanged", 3, 10);

    int p[2];
    CHECK("pipe2 O_CLOEXEC", pipe2(p, O_CLOEXEC));
    printf("pipe fds %d %d\n", p[0], p[1]);
    fdstate("before exec", 3, 10);
    run_sh("exec'd shell sees fds", probe_fds);

    /* A closed range then exec: nothing but 0-2 survives. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
        fdstate("child, all cloexec", 3, 10);
        execl("/bin/sh", "sh", "-c", probe_fds, (char *)NULL);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("exec after close_range(3, ~0, CLOEXEC): %s\n", t_child_status(st));
    syscall(SYS_close_range, 3, ~0U, 0);
    fdstate("all closed", 3, 10);
}

static void test_dup2(void)
{
    int a = open("/dev/null", O_RDONLY);
    CHECK("dup2 same open fd", dup2(a, a) == a);
    CHECK("dup3 same fd", dup3(a, a, 0));
    close(a);
    CHECK("dup2 same closed fd", dup2(a, a));
    CHECK("dup2 closed onto open", dup2(a, 1));
    CHECK("dup2 to -1", dup2(1, -1));
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    CHECK("dup2 to RLIMIT_NOFILE", dup2(1, (int)rl.rlim_cur));

    /* dup2 onto the only write end of a pipe closes it: reader sees EOF. */
    int p[2];
    pipe(p);
    int null = open("/dev/null", O_WRONLY);
    fcntl(p[1], F_SETFD, FD_CLOEXEC);
    CHECK("dup2 onto write end", dup2(null, p[1]) == p[1]);
    char c;
    CHECK("read after write end replaced", read(p[0], &c, 1));
    CHECK("new fd is not cloexec", fcntl(p[1], F_GETFD));
    CHECK("write goes to /dev/null", write(p[1], "abc", 3));
    close(p[0]);
    close(p[1]);
    close(null);
}

static void on_usr1(int sig) { (void)sig; }

static void test_exec_signals(void)
{
    /* Handled → SIG_DFL: the exec'd shell is killed by SIGUSR1. */
    struct sigaction sa = {.sa_handler = on_usr1};
    sigaction(SIGUSR1, &sa, NULL);
    run_sh("handled SIGUSR1 across exec", "kill -USR1 $$; echo \"  not reached\"");
    /* Ignored stays ignored. */
    signal(SIGUSR2, SIG_IGN);
    run_sh("ignored SIGUSR2 across exec", "kill -USR2 $$; echo \"  survived SIGUSR2\"");
    signal(SIGUSR2, SIG_DFL);
    run_sh("default SIGUSR2 across exec", "kill -USR2 $$; echo \"  not reached\"");
    signal(SIGUSR1, SIG_DFL);
    if (!REF_IS_QEMU) {
        /* qemu-user keeps the guest's mask in software: exec loses it. */
        sigset_t set, old;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigprocmask(SIG_BLOCK, &set, &old);
        run_sh("blocked SIGTERM across exec", "kill -TERM $$; echo \"  survived SIGTERM\"");
        sigprocmask(SIG_SETMASK, &old, NULL);
    } else {
        printf("  survived SIGTERM\nblocked SIGTERM across exec: exit=0\n");
    }
}

int main(void)
{
    test_close_range();
    test_dup2();
    test_exec_signals();
    return 0;
}
