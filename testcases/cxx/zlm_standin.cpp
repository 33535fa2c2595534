// A stand-in for ZLMediaKit's MediaServer (not in any package registry): it walks the same startup
// path with the same runtime pieces, so that what MediaServer needs from the kernel is tested:
// libssl/libcrypto initialisation (x86_64; Debian has no riscv64 libssl to cross-link), named
// threads read back through /proc, the CPU count three ways, a pipe-woken thread pool of that
// size, posix_spawn of `sh -c "which ..."` (MediaServer looks for ffmpeg that way), its own path
// from /proc/self/exe, local time in time zones, resource limits and signal dispositions, and
// MediaServer-like command-line parsing (`-h` prints the help and exits 0).
//
// LDLIBS(x86_64): -lssl -lcrypto
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#if defined(__x86_64__)
#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#include <openssl/ssl.h>
#define HAVE_OPENSSL 1
#else
#define HAVE_OPENSSL 0
#endif

extern char **environ;

static int failures = 0;
static void check(bool ok, const std::string &what)
{
    if (!ok) {
        failures++;
        std::cout << "FAIL " << what << " (errno " << strerror(errno) << ")" << std::endl;
    }
}

// ---- command line, in the shape of MediaServer's (ZLToolKit's CMD/OptionParser) ------------

struct Option {
    const char *lng;
    char shrt;
    bool has_arg;
    const char *help;
};
static const Option kOptions[] = {
    {"help", 'h', false, "print this help"},
    {"daemon", 'd', false, "run as a daemon (guardian process)"},
    {"level", 'l', true, "log level 0-4 (trace..error), default 1"},
    {"max_day", 'm', true, "days of logs to keep, default 7"},
    {"config", 'c', true, "configuration file, default ./config.ini"},
    {"ssl", 's', true, "ssl certificate (.pem/.p12), default ./default.pem"},
    {"threads", 't', true, "number of event poller threads, default: CPU count"},
    {"affinity", 'a', true, "bind threads to CPUs (1) or not (0), default 1"},
    {"version", 'v', false, "print the version"},
};

static void print_help(const char *prog)
{
    std::cout << "usage: " << prog << " [options]" << std::endl;
    for (const auto &o : kOptions) {
        char line[160];
        snprintf(line, sizeof line, "  -%c  --%-10s %-6s %s", o.shrt, o.lng, o.has_arg ? "<arg>" : "", o.help);
        std::cout << line << std::endl;
    }
}

struct Config {
    bool help = false, version = false, daemon = false;
    int level = 1, threads = 0;
    std::string config = "./config.ini";
    std::vector<std::string> errors;
};

static Config parse_args(int argc, char **argv)
{
    std::vector<option> longs;
    std::string shorts = ":";
    for (const auto &o : kOptions) {
        longs.push_back({o.lng, o.has_arg ? required_argument : no_argument, nullptr, o.shrt});
        shorts += o.shrt;
        if (o.has_arg)
            shorts += ':';
    }
    longs.push_back({nullptr, 0, nullptr, 0});
    Config c;
    opterr = 0;
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, shorts.c_str(), longs.data(), nullptr)) != -1) {
        switch (ch) {
        case 'h': c.help = true; break;
        case 'v': c.version = true; break;
        case 'd': c.daemon = true; break;
        case 'l': c.level = atoi(optarg); break;
        case 't': c.threads = atoi(optarg); break;
        case 'c': c.config = optarg; break;
        case 'm': case 's': case 'a': break;
        case ':': c.errors.push_back(std::string("missing argument for -") + (char)optopt); break;
        default: c.errors.push_back(std::string("unknown option -") + (char)optopt); break;
        }
    }
    return c;
}

// ---- the startup walk -----------------------------------------------------------------------

static void step_openssl()
{
#if HAVE_OPENSSL
    bool init = OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS, nullptr) == 1;
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    bool ok = init && ctx && SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) == 1;
    if (ctx)
        SSL_CTX_free(ctx);
    std::cout << "openssl: major " << (OpenSSL_version_num() >> 28) << ", SSL_CTX " << (ok ? "ok" : "FAIL")
              << std::endl;
    check(ok, "openssl");
#else
    std::cout << "openssl: not built on this arch" << std::endl;
#endif
}

static void step_limits_and_signals()
{
    // MediaServer raises its core and open-file limits and ignores SIGPIPE.
    struct rlimit rl;
    check(getrlimit(RLIMIT_NOFILE, &rl) == 0, "getrlimit NOFILE");
    rl.rlim_cur = rl.rlim_max;
    check(setrlimit(RLIMIT_NOFILE, &rl) == 0, "setrlimit NOFILE");
    struct rlimit got;
    check(getrlimit(RLIMIT_NOFILE, &got) == 0 && got.rlim_cur == rl.rlim_max, "NOFILE raised");
    rl.rlim_cur = rl.rlim_max = RLIM_INFINITY;
    check(setrlimit(RLIMIT_CORE, &rl) == 0, "setrlimit CORE");
    check(signal(SIGPIPE, SIG_IGN) != SIG_ERR, "ignore SIGPIPE");
    struct sigaction sa {};
    sa.sa_handler = [](int) {};
    check(sigaction(SIGHUP, &sa, nullptr) == 0, "SIGHUP handler");
    std::cout << "limits and signals: " << (failures ? "FAIL" : "ok") << std::endl;
}

static std::string read_file(const std::string &path)
{
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

static unsigned step_cpus()
{
    long onln = sysconf(_SC_NPROCESSORS_ONLN);
    int nprocs = get_nprocs();
    unsigned hw = std::thread::hardware_concurrency();
    bool agree = onln > 0 && onln == nprocs && (unsigned)nprocs == hw;
    std::cout << "cpus: sysconf, get_nprocs, hardware_concurrency " << (agree ? "agree" : "DISAGREE") << std::endl;
    check(agree, "cpu count");
    return hw ? hw : 1;
}

// A worker of the pool: named like MediaServer's pollers, woken through its pipe with a job
// (a count n), answers the sum 1..n on the shared result pipe; a job of 0 stops it.
struct Worker {
    int job[2];
    std::thread th;
    std::string comm_read;
    std::string self_read;
};

static void worker_main(Worker *w, int index, int result_fd, std::atomic<int> *named)
{
    char name[32];
    snprintf(name, sizeof name, "event poller %d", index);
    prctl(PR_SET_NAME, name);
    char back[32] = {};
    prctl(PR_GET_NAME, back);
    w->self_read = back;
    long tid = syscall(SYS_gettid);
    std::string comm = read_file("/proc/self/task/" + std::to_string(tid) + "/comm");
    if (!comm.empty() && comm.back() == '\n')
        comm.pop_back();
    w->comm_read = comm;
    named->fetch_add(1);
    for (;;) {
        unsigned n;
        if (read(w->job[0], &n, sizeof n) != (ssize_t)sizeof n || n == 0)
            break;
        unsigned long long sum = 0;
        for (unsigned i = 1; i <= n; i++)
            sum += i;
        if (write(result_fd, &sum, sizeof sum) != (ssize_t)sizeof sum)
            break;
    }
}

static void step_pool(unsigned nthreads)
{
    int result[2];
    check(pipe(result) == 0, "result pipe");
    std::atomic<int> named{0};
    std::vector<Worker> workers(nthreads);
    for (unsigned i = 0; i < nthreads; i++) {
        check(pipe(workers[i].job) == 0, "job pipe");
        workers[i].th = std::thread(worker_main, &workers[i], i, result[1], &named);
    }
    const unsigned rounds = 50;
    unsigned long long total = 0;
    unsigned answers = 0;
    for (unsigned r = 0; r < rounds; r++) {
        for (unsigned i = 0; i < nthreads; i++) {
            unsigned n = 1000 + r;
            check(write(workers[i].job[1], &n, sizeof n) == sizeof n, "job write");
        }
        for (unsigned i = 0; i < nthreads; i++) {
            unsigned long long s;
            if (read(result[0], &s, sizeof s) == sizeof s) {
                total += s;
                answers++;
            }
        }
    }
    for (auto &w : workers) {
        unsigned stop = 0;
        check(write(w.job[1], &stop, sizeof stop) == sizeof stop, "stop write");
    }
    bool names_ok = true;
    for (unsigned i = 0; i < nthreads; i++) {
        workers[i].th.join();
        std::string want = "event poller " + std::to_string(i);
        want = want.substr(0, 15);
        if (workers[i].comm_read != want || workers[i].self_read != want) {
            names_ok = false;
            std::cout << "thread " << i << ": comm '" << workers[i].comm_read << "' PR_GET_NAME '"
                      << workers[i].self_read << "' want '" << want << "'" << std::endl;
        }
        close(workers[i].job[0]);
        close(workers[i].job[1]);
    }
    close(result[0]);
    close(result[1]);
    // Expected: every worker summed 1..(1000+r) for each round.
    unsigned long long want = 0;
    for (unsigned r = 0; r < rounds; r++) {
        unsigned long long n = 1000 + r;
        want += n * (n + 1) / 2;
    }
    want *= nthreads;
    std::cout << "pool: one worker per cpu, " << rounds << " rounds, answers per worker "
              << (nthreads ? answers / nthreads : 0) << ", total " << (total == want ? "right" : "WRONG") << std::endl;
    std::cout << "pool: thread names " << (names_ok ? "read back from /proc/self/task/<tid>/comm" : "WRONG")
              << std::endl;
    check(total == want && names_ok && named.load() == (int)nthreads, "thread pool");

    // A name longer than 15 bytes is cut, as MediaServer's long poller names are.
    prctl(PR_SET_NAME, "MediaServer-main-thread");
    std::string comm = read_file("/proc/thread-self/comm");
    std::cout << "main comm: " << comm;
    prctl(PR_SET_NAME, "MediaServer");
}

// MediaServer checks for ffmpeg with `sh -c "which ffmpeg"`; the child gets a fixed PATH so the
// answer is the same everywhere. /usr/bin/which is run by path too: busybox sh answers `which`
// with its own applet, while the program at /usr/bin/which is Debian's script (in apps/zlm's image
// as on Linux; busybox's applet in the tests image).
static void step_spawn(const std::string &cmd)
{
    int out[2];
    check(pipe(out) == 0, "spawn pipe");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    posix_spawn_file_actions_addclose(&fa, out[1]);
    char *argv[] = {(char *)"sh", (char *)"-c", (char *)cmd.c_str(), nullptr};
    char *envp[] = {(char *)"PATH=/bin:/usr/bin", nullptr};
    pid_t pid;
    int rc = posix_spawn(&pid, "/bin/sh", &fa, nullptr, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    std::string text;
    char buf[256];
    ssize_t n;
    while (rc == 0 && (n = read(out[0], buf, sizeof buf)) > 0)
        text.append(buf, n);
    close(out[0]);
    int status = 0;
    pid_t w = rc == 0 ? waitpid(pid, &status, 0) : -1;
    if (!text.empty() && text.back() == '\n')
        text.pop_back();
    std::cout << "spawn sh -c \"" << cmd << "\": rc " << rc << ", waited " << (w == pid ? "ok" : "FAIL")
              << ", exit " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1) << ", output '" << text << "'"
              << std::endl;
    check(rc == 0 && w == pid, "posix_spawn");
}

static void step_exe()
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    check(n > 0, "readlink /proc/self/exe");
    buf[n > 0 ? n : 0] = 0;
    const char *base = strrchr(buf, '/');
    std::cout << "exe: " << (buf[0] == '/' ? "absolute, " : "RELATIVE, ") << "basename "
              << (base ? base + 1 : buf) << std::endl;
}

static void step_time()
{
    // 2023-11-14 22:13:20 UTC: a fixed instant, formatted in two zones as log lines are.
    const time_t t = 1700000000;
    for (const char *tz : {"UTC", "Asia/Shanghai", "Europe/Berlin"}) {
        setenv("TZ", tz, 1);
        tzset();
        struct tm tm;
        char buf[64];
        check(localtime_r(&t, &tm) != nullptr, "localtime_r");
        strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z %z", &tm);
        std::cout << "time " << tz << ": " << buf << std::endl;
    }
    unsetenv("TZ");
    tzset();
}

int main(int argc, char **argv)
{
    Config c = parse_args(argc, argv);
    for (const auto &e : c.errors)
        std::cerr << e << std::endl;
    if (c.help) {
        print_help("MediaServer");
        return 0;
    }
    if (c.version) {
        std::cout << "MediaServer stand-in 1.0" << std::endl;
        return 0;
    }
    if (!c.errors.empty())
        return 2;

    step_openssl();
    step_limits_and_signals();
    unsigned ncpu = step_cpus();
    // MediaServer looks for ffmpeg while it loads its configuration, before
    // its poller threads start (and qemu-user, riscv64's reference, can hang
    // forking a process that has run threads).
    step_spawn("which sh");
    step_spawn("/usr/bin/which sh");
    step_spawn("which no-such-program-here");
    step_pool(c.threads > 0 ? (unsigned)c.threads : ncpu);
    step_exe();
    step_time();

    // The option parser on MediaServer-like argument vectors.
    const char *v1[] = {"MediaServer", "-l", "0", "--threads=3", "-c", "/zlm/config.ini", nullptr};
    Config p = parse_args(6, (char **)v1);
    std::cout << "args: level " << p.level << ", threads " << p.threads << ", config " << p.config
              << ", errors " << p.errors.size() << std::endl;
    const char *v2[] = {"MediaServer", "-x", "--level", nullptr};
    p = parse_args(3, (char **)v2);
    for (const auto &e : p.errors)
        std::cout << "args: " << e << std::endl;
    const char *v3[] = {"MediaServer", "-h", nullptr};
    p = parse_args(2, (char **)v3);
    if (p.help)
        print_help("MediaServer");

    std::cout << "startup walk: " << (failures ? "FAILED" : "done") << std::endl;
    // 3, not 0: the status must travel through exit_group and wait4 unchanged.
    return failures ? 1 : 3;
}
