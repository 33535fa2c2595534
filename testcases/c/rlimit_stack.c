/* RLIMIT_STACK sizes the main stack of the programs a process executes:
 * under a raised limit a deep recursion fits, under a lowered one it ends
 * in SIGSEGV; the E2BIG limit on arguments follows it too. (Exec of itself:
 * x86_64 only, riscv64's reference is qemu-user, which cannot exec.) */
#include "t.h"

/* Uses about `kib` KiB of stack, touching every page. */
static int __attribute__((noinline)) deep(long kib)
{
    volatile char frame[16 * 1024];
    frame[0] = (char)kib;
    for (size_t i = 0; i < sizeof(frame); i += 4096)
        frame[i] = 1;
    if (kib <= 16)
        return frame[0];
    return deep(kib - 16) + frame[100];
}

/* Runs this program again as "probe KIB" under a stack limit of
 * `limit_kib`; reports how the probe ended. */
static void probe(const char *self, long limit_kib, long use_kib)
{
    pid_t c = fork();
    if (c == 0) {
        struct rlimit r = {limit_kib * 1024, RLIM_INFINITY};
        setrlimit(RLIMIT_STACK, &r);
        struct rlimit nocore = {0, 0};
        setrlimit(RLIMIT_CORE, &nocore);
        char arg[32];
        snprintf(arg, sizeof(arg), "%ld", use_kib);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2); /* no "Segmentation fault" chatter */
        execl(self, self, "probe", arg, (char *)NULL);
        _exit(99);
    }
    int st;
    waitpid(c, &st, 0);
    printf("limit %ld KiB, using %ld KiB: %s\n", limit_kib, use_kib, t_child_status(st));
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "probe") == 0) {
        deep(atol(argv[2]));
        _exit(0);
    }
    if (REF_IS_QEMU)
        return 0;
    probe(argv[0], 32 * 1024, 20 * 1024);
    probe(argv[0], 4 * 1024, 2 * 1024);
    probe(argv[0], 4 * 1024, 6 * 1024);
    probe(argv[0], 1024, 2 * 1024);

    /* 300 KiB of arguments (three of 100 KiB) fit under the 8 MiB limit
     * (2 MiB may be used) but not under a 1 MiB one (256 KiB); one string
     * longer than 32 pages never does */
    static char a[3][100 * 1024];
    for (int i = 0; i < 3; i++)
        memset(a[i], 'a' + i, sizeof(a[i]) - 1);
    static char huge[200 * 1024];
    memset(huge, 'h', sizeof(huge) - 1);
    struct {
        long limit_kib;
        int one_string;
    } cases[] = {{8 * 1024, 0}, {1024, 0}, {8 * 1024, 1}};
    for (int i = 0; i < 3; i++) {
        pid_t c = fork();
        if (c == 0) {
            struct rlimit r = {cases[i].limit_kib * 1024, RLIM_INFINITY};
            setrlimit(RLIMIT_STACK, &r);
            if (cases[i].one_string)
                execl(argv[0], argv[0], "probe", "16", huge, (char *)NULL);
            else
                execl(argv[0], argv[0], "probe", "16", a[0], a[1], a[2], (char *)NULL);
            _exit(errno);
        }
        int st;
        waitpid(c, &st, 0);
        printf("limit %ld KiB, %s: %s\n", cases[i].limit_kib,
               cases[i].one_string ? "one 200 KiB argument" : "300 KiB of arguments",
               WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "ran" : WIFEXITED(st) ? errname(WEXITSTATUS(st)) : "?");
    }
    return 0;
}
