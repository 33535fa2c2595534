/*
 * microbench.c - Linux-ABI micro-benchmarks used to compare a new kernel
 * against Linux under the same QEMU settings.  `make bench` (scripts/bench/bench.sh)
 * builds it once and runs the same static binary on Linux 6.1 and on this kernel.
 *
 * Build (static, x86_64):
 *   gcc -O2 -static -o microbench microbench.c
 *   gcc -O2 -static -nostdlib -fno-stack-protector -DMB_EXIT0 -o exit0 microbench.c
 * The second line builds the tiny exec target used by fork_exec (a freestanding
 * static ELF whose _start calls exit_group(0)).  microbench looks for it next
 * to itself (or at $MB_EXEC); without it fork_exec falls back to re-executing
 * microbench itself with the "nop" subcommand (static glibc start-up).
 *
 * Usage: microbench [-d DIR] SUBCOMMAND...   (or: microbench all)
 * Each subcommand prints exactly one line on stdout:  name value unit
 * A value of "nan" means the benchmark failed (reason on stderr).
 *
 * Method: every benchmark warms up (>= MB_WARM_MS, default 100 ms, and until
 * one batch takes >= 20 ms), then runs MB_ROUNDS (default 5) timed rounds of
 * about MB_ROUND_MS (default 120 ms) each and reports the MEDIAN round.  So a
 * subcommand takes ~0.7 s (file ones: >= 5 passes over 64 MiB and >= 0.6 s).
 * MB_VERBOSE=1 prints min/median/max to stderr.
 * MB_PASSES=P repeats the whole list P times and prints each benchmark's
 * median over the passes (robust against slow phases of a noisy host).
 * File benchmarks use DIR (-d, else $MB_DIR, else the current directory).
 * MB/s means 10^6 bytes per second.  Time comes from CLOCK_MONOTONIC.
 */
#ifdef MB_EXIT0
/* ---- tiny exec target: no libc, just exit_group(0) ---- */
void _start(void)
{
	__asm__ volatile("mov $231, %eax\n\t" /* __NR_exit_group */
			 "xor %edi, %edi\n\t"
			 "syscall\n\t"
			 "hlt");
	__builtin_unreachable();
}
#else

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ROUNDS 64
#define FILE_SIZE (64L << 20)
#define FILE_CHUNK 4096
#define PIPE_CHUNK 65536
#define MMAP_PAGES 64

static int g_rounds = 5;
static double g_round_ns = 120e6;
static double g_warm_ns = 100e6;
static int g_verbose;
static const char *g_dir = ".";
static char g_self[PATH_MAX];
static const char *g_cur = "?";
static int g_err; /* errno of the first failure inside a hot loop */

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void fail(const char *what, int err)
{
	fprintf(stderr, "microbench: %s: %s: %s\n", g_cur, what, strerror(err));
	if (!g_err)
		g_err = err ? err : EIO;
}

static void report_spread(const char *what, double *v, int n, double med)
{
	if (!g_verbose)
		return;
	fprintf(stderr, "# %s: %d rounds, %s min %.4g median %.4g max %.4g\n",
		g_cur, n, what, v[0], med, v[n - 1]);
}

/*
 * Run fn(ctx, iters) batches: warm up, calibrate, then g_rounds timed rounds.
 * Returns the median time per iteration in ns (NAN on failure).
 */
static double measure(void (*fn)(void *, long), void *ctx)
{
	double start = now_ns(), t = 0, v[MAX_ROUNDS];
	long iters = 1;

	for (;;) {
		double t0 = now_ns();
		fn(ctx, iters);
		t = now_ns() - t0;
		if (g_err)
			return NAN;
		if (t >= 20e6 && now_ns() - start >= g_warm_ns)
			break;
		if (t < 20e6 && iters < (1L << 40))
			iters *= 2;
	}
	long n = (long)(g_round_ns / (t / iters));
	if (n < 1)
		n = 1;
	for (int r = 0; r < g_rounds; r++) {
		double t0 = now_ns();
		fn(ctx, n);
		v[r] = (now_ns() - t0) / n;
		if (g_err)
			return NAN;
	}
	double med = median(v, g_rounds);
	if (g_verbose)
		fprintf(stderr, "# %s: %d rounds x %ld iters, ns/iter min %.4g median %.4g max %.4g\n",
			g_cur, g_rounds, n, v[0], med, v[g_rounds - 1]);
	return med;
}

/* ------------------------------------------------------------------ */
/* pure user-mode CPU loop: no kernel involvement, so it measures how fast */
/* the CPU (or the emulator) is during this run, a normaliser for the rest */

static volatile uint64_t spin_sink;

static void run_spin(void *ctx, long n)
{
	(void)ctx;
	uint64_t x = spin_sink | 1;
	for (long i = 0; i < n; i++)
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	spin_sink = x;
}

static double b_cpu_spin(void)
{
	return measure(run_spin, NULL) * 1000; /* ns per 1000 dependent mul+add */
}

/* ------------------------------------------------------------------ */
/* null syscall                                                        */

static void run_getppid(void *ctx, long n)
{
	(void)ctx;
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
}

static double b_null_syscall(void)
{
	return measure(run_getppid, NULL); /* ns */
}

/* ------------------------------------------------------------------ */
/* pipe round trip between two processes                               */

struct pipes {
	int to[2], from[2];
};

/* How each side waits before its read: 0 plain blocking read, 1 poll(), 2 epoll_wait(),
 * 3 select(). */
static int g_rtt_wait;

/* Waits until fd is readable the way g_rtt_wait says; epfd is this side's epoll set. */
static int rtt_wait(int fd, int epfd)
{
	if (g_rtt_wait == 1) {
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		return poll(&pf, 1, -1) == 1 ? 0 : -1;
	}
	if (g_rtt_wait == 2) {
		struct epoll_event ev;
		return epoll_wait(epfd, &ev, 1, -1) == 1 ? 0 : -1;
	}
	if (g_rtt_wait == 3) {
		/* select() overwrites its set: build it anew for every wait, as callers do */
		fd_set rd;
		FD_ZERO(&rd);
		FD_SET(fd, &rd);
		return select(fd + 1, &rd, NULL, NULL, NULL) == 1 && FD_ISSET(fd, &rd) ? 0 : -1;
	}
	return 0;
}

/* This side's epoll set watching fd (g_rtt_wait == 2), else -1. */
static int rtt_epoll(int fd)
{
	if (g_rtt_wait != 2)
		return -1;
	int epfd = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
	if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
		fail("epoll", errno);
	return epfd;
}

static int g_rtt_epfd = -1;

static const char *rtt_wait_name(void)
{
	static const char *names[] = {"read", "poll", "epoll_wait", "select"};
	return names[g_rtt_wait];
}

static void run_pipe_rtt(void *ctx, long n)
{
	struct pipes *p = ctx;
	char b = 'x';
	for (long i = 0; i < n; i++) {
		if (write(p->to[1], &b, 1) != 1) {
			fail("write", errno);
			return;
		}
		if (rtt_wait(p->from[0], g_rtt_epfd) != 0) {
			fail(rtt_wait_name(), errno);
			return;
		}
		if (read(p->from[0], &b, 1) != 1) {
			fail("read", errno ? errno : EPIPE);
			return;
		}
	}
}

/* Pin the calling thread to the first CPU it may run on; threads and
 * processes it creates afterwards inherit that.  Returns 1 if pinned. */
static int pin_one_cpu(cpu_set_t *old)
{
	cpu_set_t one;
	if (sched_getaffinity(0, sizeof(*old), old) != 0)
		goto fail;
	CPU_ZERO(&one);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, old)) {
			CPU_SET(c, &one);
			break;
		}
	if (sched_setaffinity(0, sizeof(one), &one) == 0)
		return 1;
fail:
	fprintf(stderr, "microbench: %s: could not pin to one CPU (%s); the two sides may run "
			"on different CPUs\n", g_cur, strerror(errno));
	return 0;
}

static void unpin(cpu_set_t *old, int pinned)
{
	if (pinned)
		sched_setaffinity(0, sizeof(*old), old);
}

static double pipe_rtt(int one_cpu)
{
	struct pipes p;
	cpu_set_t old;
	int pinned = one_cpu ? pin_one_cpu(&old) : 0;
	if (pipe(p.to) || pipe(p.from)) {
		fail("pipe", errno);
		unpin(&old, pinned);
		return NAN;
	}
	pid_t pid = fork();
	if (pid < 0) {
		fail("fork", errno);
		unpin(&old, pinned);
		return NAN;
	}
	if (pid == 0) {
		char b;
		close(p.to[1]);
		close(p.from[0]);
		int epfd = rtt_epoll(p.to[0]);
		while (rtt_wait(p.to[0], epfd) == 0 && read(p.to[0], &b, 1) == 1)
			if (write(p.from[1], &b, 1) != 1)
				break;
		_exit(0);
	}
	close(p.to[0]);
	close(p.from[1]);
	g_rtt_epfd = rtt_epoll(p.from[0]);
	double ns = measure(run_pipe_rtt, &p);
	if (g_rtt_epfd >= 0)
		close(g_rtt_epfd);
	close(p.to[1]); /* child sees EOF and exits */
	close(p.from[0]);
	waitpid(pid, NULL, 0);
	unpin(&old, pinned);
	return ns / 1e3; /* us per round trip */
}

static double b_pipe_rtt(void) { return pipe_rtt(0); }
static double b_pipe_rtt_1cpu(void) { return pipe_rtt(1); }
static double pipe_rtt_waiting(int mode)
{
	g_rtt_wait = mode;
	double us = pipe_rtt(0);
	g_rtt_wait = 0;
	return us;
}
static double b_pipe_rtt_poll(void) { return pipe_rtt_waiting(1); }
static double b_pipe_rtt_epoll(void) { return pipe_rtt_waiting(2); }
static double b_pipe_rtt_select(void) { return pipe_rtt_waiting(3); }

/* ------------------------------------------------------------------ */
/* context switch: two threads of one process ping-pong on a futex,    */
/* both pinned to one CPU so each hand-off is a real context switch    */

static _Atomic int fx_state; /* 0: main's turn, 1: partner's turn, 2: quit */

static long futex(_Atomic int *addr, int op, int val)
{
	return syscall(SYS_futex, addr, op, val, NULL, NULL, 0);
}

static void *fx_partner(void *arg)
{
	(void)arg;
	for (;;) {
		int s;
		while ((s = atomic_load(&fx_state)) == 0)
			futex(&fx_state, FUTEX_WAIT_PRIVATE, 0);
		if (s == 2)
			break;
		atomic_store(&fx_state, 0);
		futex(&fx_state, FUTEX_WAKE_PRIVATE, 1);
	}
	return NULL;
}

static void run_futex_pingpong(void *ctx, long n)
{
	(void)ctx;
	for (long i = 0; i < n; i++) {
		atomic_store(&fx_state, 1);
		futex(&fx_state, FUTEX_WAKE_PRIVATE, 1);
		while (atomic_load(&fx_state) == 1)
			futex(&fx_state, FUTEX_WAIT_PRIVATE, 1);
	}
}

static double b_ctxsw_futex(void)
{
	cpu_set_t old;
	int pinned = pin_one_cpu(&old);
	atomic_store(&fx_state, 0);
	pthread_t t;
	int e = pthread_create(&t, NULL, fx_partner, NULL); /* inherits affinity */
	if (e) {
		fail("pthread_create", e);
		unpin(&old, pinned);
		return NAN;
	}
	double ns = measure(run_futex_pingpong, NULL);
	atomic_store(&fx_state, 2);
	futex(&fx_state, FUTEX_WAKE_PRIVATE, 1);
	pthread_join(t, NULL);
	unpin(&old, pinned);
	return ns / 2 / 1e3; /* a round trip is two switches; us per switch */
}

/* ------------------------------------------------------------------ */
/* fork + exit + wait                                                  */

static void run_fork_exit(void *ctx, long n)
{
	(void)ctx;
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0) {
			fail("fork", errno);
			return;
		}
		int st;
		if (waitpid(pid, &st, 0) != pid) {
			fail("waitpid", errno);
			return;
		}
	}
}

static double b_fork_exit(void)
{
	return measure(run_fork_exit, NULL) / 1e3;
}

/* ------------------------------------------------------------------ */
/* fork + execve + wait                                                */

struct exec_ctx {
	char *path;
	char *argv[3];
};

static char *const empty_env[] = {NULL};

static void run_fork_exec(void *ctx, long n)
{
	struct exec_ctx *e = ctx;
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			execve(e->path, e->argv, empty_env);
			_exit(127);
		}
		if (pid < 0) {
			fail("fork", errno);
			return;
		}
		int st;
		if (waitpid(pid, &st, 0) != pid) {
			fail("waitpid", errno);
			return;
		}
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "microbench: %s: child of execve(%s) ended with status 0x%x\n",
				g_cur, e->path, st);
			fail("execve", ENOEXEC);
			return;
		}
	}
}

static void self_dir(char *out, size_t len)
{
	char *slash;
	snprintf(out, len, "%s", g_self);
	slash = strrchr(out, '/');
	if (slash)
		slash[1] = 0;
	else
		snprintf(out, len, "./");
}

static double b_fork_exec(void)
{
	static char path[PATH_MAX + 16];
	struct exec_ctx e = {.path = path};
	const char *env = getenv("MB_EXEC");
	if (env && *env) {
		snprintf(path, sizeof(path), "%s", env);
	} else {
		self_dir(path, PATH_MAX);
		strcat(path, "exit0");
	}
	if (access(path, X_OK) == 0) {
		e.argv[0] = path;
	} else {
		fprintf(stderr, "microbench: fork_exec: %s not executable; execing %s nop instead\n",
			path, g_self);
		snprintf(path, sizeof(path), "%s", g_self);
		e.argv[0] = path;
		e.argv[1] = "nop";
	}
	return measure(run_fork_exec, &e) / 1e3;
}

/* same, but the target is this static glibc binary ("microbench nop") */
static double b_fork_exec_glibc(void)
{
	struct exec_ctx e = {.path = g_self, .argv = {g_self, "nop", NULL}};
	return measure(run_fork_exec, &e) / 1e3;
}

/* ------------------------------------------------------------------ */
/* pthread create + join                                               */

static void *thr_nop(void *a)
{
	return a;
}

static void run_thread(void *ctx, long n)
{
	(void)ctx;
	for (long i = 0; i < n; i++) {
		pthread_t t;
		int e = pthread_create(&t, NULL, thr_nop, NULL);
		if (e) {
			fail("pthread_create", e);
			return;
		}
		e = pthread_join(t, NULL);
		if (e) {
			fail("pthread_join", e);
			return;
		}
	}
}

static double b_thread_create(void)
{
	return measure(run_thread, NULL) / 1e3;
}

/* ------------------------------------------------------------------ */
/* mmap + touch + munmap of 64 pages                                   */

static void run_mmap(void *ctx, long n)
{
	long pg = *(long *)ctx;
	size_t len = (size_t)pg * MMAP_PAGES;
	for (long i = 0; i < n; i++) {
		volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			fail("mmap", errno);
			return;
		}
		for (int j = 0; j < MMAP_PAGES; j++)
			p[(long)j * pg] = (char)j;
		if (munmap((void *)p, len)) {
			fail("munmap", errno);
			return;
		}
	}
}

static double b_mmap_touch(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	if (pg <= 0)
		pg = 4096;
	return measure(run_mmap, &pg) / 1e3;
}

/* ------------------------------------------------------------------ */
/* 64 MiB file, 4 KiB read()/write() calls, in DIR                     */

static char file_buf[FILE_CHUNK] __attribute__((aligned(4096)));

static void file_path(char *out, size_t len)
{
	snprintf(out, len, "%s/microbench-%d.dat", g_dir, (int)getpid());
}

/* write FILE_SIZE bytes sequentially (fresh file) + fsync; returns seconds */
static double file_write_pass(const char *path)
{
	unlink(path);
	double t0 = now_ns();
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		fail(path, errno);
		return NAN;
	}
	for (long off = 0; off < FILE_SIZE;) {
		ssize_t w = write(fd, file_buf, FILE_CHUNK);
		if (w <= 0) {
			fail("write", w < 0 ? errno : ENOSPC);
			close(fd);
			return NAN;
		}
		off += w;
	}
	if (fsync(fd)) {
		fail("fsync", errno);
		close(fd);
		return NAN;
	}
	close(fd);
	return (now_ns() - t0) / 1e9;
}

/* read the whole file with 4 KiB read() calls; cold: drop it from the page
 * cache first (posix_fadvise DONTNEED, not timed) */
static double file_read_pass(const char *path, int cold)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		fail(path, errno);
		return NAN;
	}
	if (cold) {
		static int warned;
		int e = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		if (e && !warned++)
			fprintf(stderr, "microbench: %s: posix_fadvise(DONTNEED): %s; "
					"reads may be cached\n", g_cur, strerror(e));
	}
	long total = 0;
	double t0 = now_ns();
	for (;;) {
		ssize_t r = read(fd, file_buf, FILE_CHUNK);
		if (r < 0) {
			fail("read", errno);
			close(fd);
			return NAN;
		}
		if (r == 0)
			break;
		total += r;
	}
	double s = (now_ns() - t0) / 1e9;
	close(fd);
	if (total != FILE_SIZE) {
		fprintf(stderr, "microbench: %s: read %ld bytes, expected %ld\n", g_cur, total,
			FILE_SIZE);
		fail("read", EIO);
		return NAN;
	}
	return s;
}

/* mode 0: write, 1: cached read, 2: cold read.  Returns median MB/s. */
static double file_bench(int mode)
{
	char path[PATH_MAX];
	double v[MAX_ROUNDS], spent = 0;
	int n = 0;

	for (int i = 0; i < FILE_CHUNK; i++)
		file_buf[i] = (char)(i * 7 + 1);
	file_path(path, sizeof(path));
	/* warm-up pass (for reads it also creates the file) */
	if (isnan(file_write_pass(path)))
		goto out;
	if (mode && isnan(file_read_pass(path, mode == 2)))
		goto out;
	while (n < MAX_ROUNDS && (n < g_rounds || spent < g_rounds * g_round_ns / 1e9)) {
		double s = mode ? file_read_pass(path, mode == 2) : file_write_pass(path);
		if (isnan(s))
			goto out;
		spent += s;
		v[n++] = FILE_SIZE / s / 1e6;
	}
out:
	unlink(path);
	if (g_err || n == 0)
		return NAN;
	double med = median(v, n);
	report_spread("MB/s", v, n, med);
	return med;
}

static double b_file_write(void) { return file_bench(0); }
static double b_file_read(void) { return file_bench(1); }
static double b_file_read_cold(void) { return file_bench(2); }

/* ------------------------------------------------------------------ */
/* pipe bandwidth, 64 KiB writes, writer and reader in two processes   */

static char pipe_buf[PIPE_CHUNK];

static void run_pipe_bw(void *ctx, long n)
{
	int fd = *(int *)ctx;
	long want = n * (long)PIPE_CHUNK;
	while (want > 0) {
		ssize_t r = read(fd, pipe_buf, want < PIPE_CHUNK ? want : PIPE_CHUNK);
		if (r <= 0) {
			fail("read", r < 0 ? errno : EPIPE);
			return;
		}
		want -= r;
	}
}

static double b_pipe_bw(void)
{
	int fd[2];
	if (pipe(fd)) {
		fail("pipe", errno);
		return NAN;
	}
	pid_t pid = fork();
	if (pid < 0) {
		fail("fork", errno);
		return NAN;
	}
	if (pid == 0) {
		signal(SIGPIPE, SIG_IGN);
		close(fd[0]);
		memset(pipe_buf, 'p', sizeof(pipe_buf));
		while (write(fd[1], pipe_buf, PIPE_CHUNK) > 0)
			;
		_exit(0);
	}
	close(fd[1]);
	double ns = measure(run_pipe_bw, &fd[0]);
	close(fd[0]); /* writer gets EPIPE and exits */
	waitpid(pid, NULL, 0);
	return PIPE_CHUNK / ns * 1e3; /* bytes/ns -> MB/s */
}

/* ------------------------------------------------------------------ */

struct bench {
	const char *name, *unit;
	double (*fn)(void);
	const char *fmt, *desc;
};

static const struct bench benches[] = {
	{"cpu_spin", "ns", b_cpu_spin, "%.1f",
	 "user-mode only: 1000 dependent 64-bit mul+add (CPU/emulator speed, no kernel)"},
	{"null_syscall", "ns", b_null_syscall, "%.1f", "getppid() loop, per call"},
	{"pipe_rtt", "us", b_pipe_rtt, "%.2f",
	 "1-byte pipe round trip between two processes (CPU placement left to the kernel)"},
	{"pipe_rtt_poll", "us", b_pipe_rtt_poll, "%.2f",
	 "pipe_rtt with each side waiting in poll() before its read"},
	{"pipe_rtt_select", "us", b_pipe_rtt_select, "%.2f",
	 "pipe_rtt with each side waiting in select() before its read"},
	{"pipe_rtt_epoll", "us", b_pipe_rtt_epoll, "%.2f",
	 "pipe_rtt with each side waiting in epoll_wait() before its read"},
	{"pipe_rtt_1cpu", "us", b_pipe_rtt_1cpu, "%.2f",
	 "1-byte pipe round trip between two processes pinned to one CPU"},
	{"ctxsw_futex", "us", b_ctxsw_futex, "%.2f",
	 "futex ping-pong of two threads pinned to one CPU, per switch"},
	{"fork_exit", "us", b_fork_exit, "%.1f", "fork + child _exit + waitpid"},
	{"fork_exec", "us", b_fork_exec, "%.1f", "fork + execve(tiny static exit0) + waitpid"},
	{"fork_exec_glibc", "us", b_fork_exec_glibc, "%.1f",
	 "fork + execve(this static-glibc binary, 'nop') + waitpid"},
	{"thread_create", "us", b_thread_create, "%.2f", "pthread_create + pthread_join"},
	{"mmap_touch_64p", "us", b_mmap_touch, "%.2f", "mmap 64 anon pages, write each, munmap"},
	{"file_write_4k", "MB/s", b_file_write, "%.1f",
	 "64 MiB sequential write(4 KiB) to a new file + fsync"},
	{"file_read_4k", "MB/s", b_file_read, "%.1f", "64 MiB sequential read(4 KiB), page cache warm"},
	{"file_read_4k_cold", "MB/s", b_file_read_cold, "%.1f",
	 "64 MiB sequential read(4 KiB) after fadvise(DONTNEED)"},
	{"pipe_bw_64k", "MB/s", b_pipe_bw, "%.1f", "pipe throughput, 64 KiB writes/reads, two processes"},
};
#define NBENCH (sizeof(benches) / sizeof(benches[0]))

static void on_alarm(int sig)
{
	(void)sig;
	char msg[256];
	int n = snprintf(msg, sizeof(msg), "microbench: %s: timed out\n", g_cur);
	if (write(2, msg, n) < 0) {
	}
	_exit(124);
}

/* run one benchmark once (with a watchdog); NAN on failure */
static double run_bench(const struct bench *b)
{
	int timeout = getenv("MB_TIMEOUT") ? atoi(getenv("MB_TIMEOUT")) : 120;
	g_cur = b->name;
	g_err = 0;
	alarm(timeout > 0 ? timeout : 0);
	double v = b->fn();
	alarm(0);
	return g_err ? NAN : v;
}

static void print_result(const struct bench *b, double v)
{
	char line[128];
	if (isnan(v))
		snprintf(line, sizeof(line), "%s nan %s\n", b->name, b->unit);
	else {
		int n = snprintf(line, sizeof(line), "%s ", b->name);
		n += snprintf(line + n, sizeof(line) - n, b->fmt, v);
		snprintf(line + n, sizeof(line) - n, " %s\n", b->unit);
	}
	fputs(line, stdout);
	fflush(stdout);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: microbench [-d DIR] all | SUBCOMMAND... | list\n"
		   "env: MB_ROUNDS MB_ROUND_MS MB_WARM_MS MB_PASSES MB_VERBOSE MB_DIR MB_EXEC "
		   "MB_TIMEOUT\n");
	for (size_t i = 0; i < NBENCH; i++)
		fprintf(f, "  %-18s %-5s %s\n", benches[i].name, benches[i].unit, benches[i].desc);
}

static void init_self(const char *argv0)
{
	ssize_t n = readlink("/proc/self/exe", g_self, sizeof(g_self) - 1);
	if (n > 0) {
		g_self[n] = 0;
		return;
	}
	if (strchr(argv0, '/') && realpath(argv0, g_self))
		return;
	snprintf(g_self, sizeof(g_self), "%s", argv0);
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "nop") == 0)
		return 0;

	const char *s;
	if ((s = getenv("MB_ROUNDS")) && atoi(s) > 0)
		g_rounds = atoi(s) < MAX_ROUNDS ? atoi(s) : MAX_ROUNDS;
	if ((s = getenv("MB_ROUND_MS")) && atof(s) > 0)
		g_round_ns = atof(s) * 1e6;
	if ((s = getenv("MB_WARM_MS")) && atof(s) >= 0)
		g_warm_ns = atof(s) * 1e6;
	if ((s = getenv("MB_VERBOSE")))
		g_verbose = atoi(s);
	if ((s = getenv("MB_DIR")) && *s)
		g_dir = s;
	init_self(argv[0]);

	int i = 1;
	if (i + 1 < argc && strcmp(argv[i], "-d") == 0) {
		g_dir = argv[i + 1];
		i += 2;
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	signal(SIGALRM, on_alarm);
	/* A benchmark whose partner process failed must report nan, not kill the whole list:
	 * writes to a pipe without a reader then fail with EPIPE instead of raising SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);

	/* the benchmarks to run, in order */
	const struct bench *todo[64];
	int nt = 0;
	for (; i < argc; i++) {
		if (strcmp(argv[i], "list") == 0 || strcmp(argv[i], "help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			continue;
		}
		if (strcmp(argv[i], "all") == 0) {
			for (size_t j = 0; j < NBENCH && nt < 64; j++)
				todo[nt++] = &benches[j];
			continue;
		}
		size_t j;
		for (j = 0; j < NBENCH; j++)
			if (strcmp(argv[i], benches[j].name) == 0)
				break;
		if (j == NBENCH) {
			fprintf(stderr, "microbench: unknown subcommand '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
		if (nt < 64)
			todo[nt++] = &benches[j];
	}

	/*
	 * MB_PASSES=P (default 1) runs the whole list P times and reports, per
	 * benchmark, the median of its P results.  Spreading a benchmark's samples
	 * over time this way makes the result robust against slow phases of the
	 * host lasting a few seconds.  With P=1 each line is printed as soon as
	 * that benchmark finishes.
	 */
	int passes = getenv("MB_PASSES") ? atoi(getenv("MB_PASSES")) : 1;
	if (passes < 1)
		passes = 1;
	if (passes > MAX_ROUNDS)
		passes = MAX_ROUNDS;
	static double res[64][MAX_ROUNDS];
	int failures = 0;
	for (int p = 0; p < passes; p++)
		for (int t = 0; t < nt; t++) {
			res[t][p] = run_bench(todo[t]);
			if (passes == 1)
				print_result(todo[t], res[t][p]);
			else if (g_verbose)
				fprintf(stderr, "# pass %d/%d %s %.6g %s\n", p + 1, passes, todo[t]->name,
					res[t][p], todo[t]->unit);
		}
	for (int t = 0; t < nt; t++) {
		double ok[MAX_ROUNDS];
		int n = 0;
		for (int p = 0; p < passes; p++)
			if (!isnan(res[t][p]))
				ok[n++] = res[t][p];
		if (n < passes)
			failures++;
		if (passes > 1)
			print_result(todo[t], n ? median(ok, n) : NAN);
	}
	return failures ? 1 : 0;
}
#endif /* MB_EXIT0 */
