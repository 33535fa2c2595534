/* Tiny test helper shared by all C testcases.
 *
 * Every line a test prints must be identical on every Linux run: print
 * comparisons ("ok"), sizes and errno names, never pids, addresses or times.
 * stdout is line buffered so that fork() never duplicates pending output.
 */
#ifndef T_H
#define T_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARCH_NAME "x86_64"
#define KPTR ((void *)0xffff800000000000UL) /* kernel half of the address space */
#elif defined(__riscv) && __riscv_xlen == 64
#define ARCH_NAME "riscv64"
#define KPTR ((void *)0xffffffc000000000UL)
#else
#error "unsupported architecture"
#endif

#define BADPTR ((void *)1)

/* On riscv64 the Linux reference output comes from qemu-user, which differs
 * from a real kernel in a few corner cases (documented where used); such
 * checks run only where the reference is a real kernel: if (!REF_IS_QEMU) ... */
#if defined(__riscv)
#define REF_IS_QEMU 1
#else
#define REF_IS_QEMU 0
#endif /* never mapped: the first page */

static const char *const t_errnames[] = {
    [1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH",
    [4] = "EINTR", [5] = "EIO", [6] = "ENXIO",
    [7] = "E2BIG", [8] = "ENOEXEC", [9] = "EBADF",
    [10] = "ECHILD", [11] = "EAGAIN", [12] = "ENOMEM",
    [13] = "EACCES", [14] = "EFAULT", [15] = "ENOTBLK",
    [16] = "EBUSY", [17] = "EEXIST", [18] = "EXDEV",
    [19] = "ENODEV", [20] = "ENOTDIR", [21] = "EISDIR",
    [22] = "EINVAL", [23] = "ENFILE", [24] = "EMFILE",
    [25] = "ENOTTY", [26] = "ETXTBSY", [27] = "EFBIG",
    [28] = "ENOSPC", [29] = "ESPIPE", [30] = "EROFS",
    [31] = "EMLINK", [32] = "EPIPE", [33] = "EDOM",
    [34] = "ERANGE", [35] = "EDEADLK", [36] = "ENAMETOOLONG",
    [37] = "ENOLCK", [38] = "ENOSYS", [39] = "ENOTEMPTY",
    [40] = "ELOOP", [42] = "ENOMSG", [43] = "EIDRM",
    [44] = "ECHRNG", [45] = "EL2NSYNC", [46] = "EL3HLT",
    [47] = "EL3RST", [48] = "ELNRNG", [49] = "EUNATCH",
    [50] = "ENOCSI", [51] = "EL2HLT", [52] = "EBADE",
    [53] = "EBADR", [54] = "EXFULL", [55] = "ENOANO",
    [56] = "EBADRQC", [57] = "EBADSLT", [59] = "EBFONT",
    [60] = "ENOSTR", [61] = "ENODATA", [62] = "ETIME",
    [63] = "ENOSR", [64] = "ENONET", [65] = "ENOPKG",
    [66] = "EREMOTE", [67] = "ENOLINK", [68] = "EADV",
    [69] = "ESRMNT", [70] = "ECOMM", [71] = "EPROTO",
    [72] = "EMULTIHOP", [73] = "EDOTDOT", [74] = "EBADMSG",
    [75] = "EOVERFLOW", [76] = "ENOTUNIQ", [77] = "EBADFD",
    [78] = "EREMCHG", [79] = "ELIBACC", [80] = "ELIBBAD",
    [81] = "ELIBSCN", [82] = "ELIBMAX", [83] = "ELIBEXEC",
    [84] = "EILSEQ", [85] = "ERESTART", [86] = "ESTRPIPE",
    [87] = "EUSERS", [88] = "ENOTSOCK", [89] = "EDESTADDRREQ",
    [90] = "EMSGSIZE", [91] = "EPROTOTYPE", [92] = "ENOPROTOOPT",
    [93] = "EPROTONOSUPPORT", [94] = "ESOCKTNOSUPPORT", [95] = "EOPNOTSUPP",
    [96] = "EPFNOSUPPORT", [97] = "EAFNOSUPPORT", [98] = "EADDRINUSE",
    [99] = "EADDRNOTAVAIL", [100] = "ENETDOWN", [101] = "ENETUNREACH",
    [102] = "ENETRESET", [103] = "ECONNABORTED", [104] = "ECONNRESET",
    [105] = "ENOBUFS", [106] = "EISCONN", [107] = "ENOTCONN",
    [108] = "ESHUTDOWN", [109] = "ETOOMANYREFS", [110] = "ETIMEDOUT",
    [111] = "ECONNREFUSED", [112] = "EHOSTDOWN", [113] = "EHOSTUNREACH",
    [114] = "EALREADY", [115] = "EINPROGRESS", [116] = "ESTALE",
    [117] = "EUCLEAN", [118] = "ENOTNAM", [119] = "ENAVAIL",
    [120] = "EISNAM", [121] = "EREMOTEIO", [122] = "EDQUOT",
    [123] = "ENOMEDIUM", [124] = "EMEDIUMTYPE", [125] = "ECANCELED",
    [126] = "ENOKEY", [127] = "EKEYEXPIRED", [128] = "EKEYREVOKED",
    [129] = "EKEYREJECTED", [130] = "EOWNERDEAD", [131] = "ENOTRECOVERABLE",
    [132] = "ERFKILL", [133] = "EHWPOISON", 
};

/* errno as its symbolic name ("EFAULT"), "0" for no error. */
static inline const char *errname(int e)
{
    static char buf[16];
    if (e == 0)
        return "0";
    if (e > 0 && e < (int)(sizeof(t_errnames) / sizeof(t_errnames[0])) && t_errnames[e])
        return t_errnames[e];
    snprintf(buf, sizeof(buf), "E#%d", e);
    return buf;
}

static inline long t_report(const char *label, long r, int e)
{
    if (r == -1)
        printf("%s: ret=-1 errno=%s\n", label, errname(e));
    else
        printf("%s: ret=%ld\n", label, r);
    return r;
}

static inline long t_report_ok(const char *label, long r, int e)
{
    if (r == -1)
        printf("%s: ret=-1 errno=%s\n", label, errname(e));
    else
        printf("%s: ok\n", label);
    return r;
}

/* CHECK: print the return value (or -1 and errno); evaluates to the value. */
#define CHECK(label, expr) ({ errno = 0; long _r = (long)(expr); t_report((label), _r, errno); })
/* CHECK_OK: like CHECK but prints "ok" instead of a (non-deterministic) success value. */
#define CHECK_OK(label, expr) ({ errno = 0; long _r = (long)(expr); t_report_ok((label), _r, errno); })
/* EXPECT: print "ok" or "FAIL" for a condition. */
#define EXPECT(label, cond) printf("%s: %s\n", (label), (cond) ? "ok" : "FAIL")

/* Milliseconds of CLOCK_MONOTONIC since `start`. */
static inline long t_ms_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* Forks a child that sends `sig` to this process after `ms` milliseconds
 * and exits; returns the child's pid (to wait for). */
static inline pid_t t_signal_later(int sig, int ms)
{
    pid_t parent = getpid();
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        usleep(ms * 1000);
        kill(parent, sig);
        _exit(0);
    }
    return c;
}

/* A SIGCHLD si_code as its name (CLD_EXITED, ...); "0" for none. */
static inline const char *t_cld_name(int code)
{
    switch (code) {
    case CLD_EXITED: return "CLD_EXITED";
    case CLD_KILLED: return "CLD_KILLED";
    case CLD_DUMPED: return "CLD_DUMPED";
    case CLD_STOPPED: return "CLD_STOPPED";
    case CLD_CONTINUED: return "CLD_CONTINUED";
    case 0: return "0";
    default: return "?";
    }
}

/* A page-aligned address that was mapped and then unmapped. */
static inline void *t_unmapped(void)
{
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        printf("t_unmapped: mmap failed\n");
        exit(99);
    }
    munmap(p, 4096);
    return p;
}

/* Write a whole file (created or truncated) with the given content. */
static inline void t_write_file(const char *path, const char *content, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0) {
        printf("t_write_file %s: %s\n", path, errname(errno));
        exit(99);
    }
    size_t n = strlen(content);
    if (write(fd, content, n) != (ssize_t)n) {
        printf("t_write_file %s: short write\n", path);
        exit(99);
    }
    close(fd);
}

/* Run fn in a child (stderr silenced, no core dump) and describe how it ended:
 * "exit=N" or "signal=NAME". */
static inline const char *t_child_status(int status)
{
    static char bufs[8][48]; /* several results may appear in one printf */
    static int next;
    char *buf = bufs[next++ % 8];
    if (WIFEXITED(status))
        snprintf(buf, 48, "exit=%d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, 48, "signal=%s", sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?");
    else
        snprintf(buf, 48, "status=0x%x", status);
    return buf;
}

static inline const char *t_in_child(void (*fn)(void *), void *arg)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return "fork failed";
    if (pid == 0) {
        struct rlimit rl = {0, 0};
        setrlimit(RLIMIT_CORE, &rl);
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0)
            dup2(fd, 2);
        fn(arg);
        fflush(stdout);
        _exit(0);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid)
        return "waitpid failed";
    return t_child_status(status);
}

__attribute__((constructor)) static void t_init(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
}

#endif
