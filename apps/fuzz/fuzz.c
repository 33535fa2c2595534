/* The syscall fuzzer of apps/fuzz: throwaway children call random syscalls
 * with hostile arguments (bad pointers, kernel addresses, huge and negative
 * sizes, random flags). The kernel must answer each with an error or a
 * signal: a panic, a hang of the kernel or a corrupted parent is a bug.
 *
 *   /fuzz ROUNDS SEED     one child per round, CALLS syscalls each
 *
 * Never run it on a real machine: it calls everything not excluded below
 * as root (settimeofday, swapoff, umount2, ...). The calls excluded would
 * end the fuzzing itself (exit, signals to others, exec, fork bombs) or
 * destroy the image's files (unlink, rename). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum { CALLS = 300, MAX_NR = 460, CHILD_MS = 500 };

static uint64_t rng;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* An argument: a boundary value, a pointer into (or just past) the
 * child's scratch page, a kernel address, a small number or noise. */
static long argument(char *scratch)
{
    static const long edges[] = {0, 1, -1, 2, 3, 64, 255, 4096, -4096, 0x7fffffff,
                                 0x80000000L, -0x80000000L, 0xffffffffL, 0x7fffffffffffffffL,
                                 (long)0x8000000000000000UL};
    switch (next() % 6) {
    case 0:
        return edges[next() % (sizeof edges / sizeof edges[0])];
    case 1:
        return (long)scratch + (long)(next() % 8192);
    case 2:
#if defined(__x86_64__)
        return (long)(0xffff800000000000UL + (next() & 0xffffff));
#else
        return (long)(0xffffffc000000000UL + (next() & 0xffffff));
#endif
    case 3:
        return (long)(next() % 64);
    case 4:
        return (long)next();
    default:
        return (long)scratch;
    }
}

static int excluded(long nr)
{
    switch (nr) {
#ifdef __x86_64__
    case SYS_fork:
    case SYS_vfork:
#endif
    case SYS_exit:
    case SYS_exit_group:
    case SYS_kill:
    case SYS_tkill:
    case SYS_tgkill:
    case SYS_rt_sigqueueinfo:
    case SYS_rt_tgsigqueueinfo:
    case SYS_pidfd_send_signal:
    case SYS_setpgid: /* would move the child where kill(0) reaches us */
    case SYS_reboot:
    case SYS_execve:
    case SYS_execveat:
    case SYS_clone:
    case SYS_clone3:
    case SYS_unlinkat:
    case SYS_renameat2:
    case SYS_prlimit64:
    case SYS_setrlimit:
        return 1;
    }
    return 0;
}

static void child(uint64_t seed)
{
    rng = seed | 1;
    char *scratch = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < CALLS; i++) {
        long nr = (long)(next() % MAX_NR);
        if (excluded(nr))
            continue;
        long a[6];
        for (int k = 0; k < 6; k++)
            a[k] = argument(scratch);
        syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    }
    _exit(0);
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 500;
    rng = 88172645463325252ULL + (argc > 2 ? strtoull(argv[2], NULL, 0) : 0);
    int hung = 0, signalled = 0;
    for (int r = 0; r < rounds; r++) {
        uint64_t seed = next();
        pid_t c = fork();
        if (c < 0) {
            perror("fuzz: fork");
            return 1;
        }
        if (c == 0)
            child(seed);
        /* A child blocked (on a pipe it made, in pause(), ...) is killed. */
        int st, waited_ms = 0;
        while (waitpid(c, &st, WNOHANG) == 0) {
            if (waited_ms == CHILD_MS) {
                syscall(SYS_kill, c, SIGKILL);
                hung++;
            }
            usleep(10000);
            waited_ms += 10;
        }
        signalled += WIFSIGNALED(st);
        if ((r + 1) % 100 == 0)
            printf("fuzz: %d rounds\n", r + 1);
    }
    printf("fuzz: %d rounds survived (%d children ended by a signal, %d of them stuck)\n", rounds,
           signalled, hung);
    return 0;
}
