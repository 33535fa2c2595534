/* procfs and the sysfs CPU files as glibc and C++ runtimes read them: formats, field counts and
 * values compared with what the same process knows (getpid, getppid, PR_SET_NAME, its envp and
 * argv, its cwd and fds, get_nprocs) — never the numbers themselves. */
#include "t.h"
#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/sysinfo.h>

extern char **environ;

/* Whole file (pseudo files have st_size 0: read to EOF); NUL-terminated, length in *len. */
static char *slurp(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    ssize_t r;
    while ((r = read(fd, buf + n, cap - n)) > 0) {
        n += r;
        if (n == cap)
            buf = realloc(buf, (cap *= 2) + 1);
    }
    close(fd);
    buf[n] = 0;
    if (len)
        *len = n;
    return buf;
}

static int count_lines_starting(const char *text, const char *prefix)
{
    int n = 0;
    size_t pl = strlen(prefix);
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        n += strncmp(l, prefix, pl) == 0;
    return n;
}

/* A Linux cpu list ("0", "0-3", "0,2-5") as a count; -1 if malformed. */
static int cpulist_count(const char *s)
{
    int n = 0;
    while (*s && *s != '\n') {
        char *end;
        long a = strtol(s, &end, 10), b = a;
        if (end == s)
            return -1;
        if (*end == '-') {
            s = end + 1;
            b = strtol(s, &end, 10);
            if (end == s || b < a)
                return -1;
        }
        n += b - a + 1;
        s = end;
        if (*s == ',')
            s++;
        else if (*s && *s != '\n')
            return -1;
    }
    return n;
}

/* Field i (1-based, as in proc(5)) of a /proc/<pid>/stat line; comm is field 2. */
static long stat_field(const char *stat, int i)
{
    const char *p = strrchr(stat, ')');
    if (!p)
        return -1;
    p += 2; /* field 3, the state */
    for (int f = 3; f < i; f++) {
        p = strchr(p, ' ');
        if (!p)
            return -1;
        p++;
    }
    return strtol(p, NULL, 10);
}

static int stat_nfields(const char *stat)
{
    const char *p = strrchr(stat, ')');
    if (!p)
        return -1;
    int n = 2;
    for (p++; *p && *p != '\n'; p++)
        n += *p == ' ' && p[1] && p[1] != '\n';
    return n;
}

static const char *status_value(const char *status, const char *key)
{
    static char val[256];
    size_t kl = strlen(key);
    for (const char *l = status; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (strncmp(l, key, kl) == 0 && l[kl] == ':') {
            const char *v = l + kl + 1;
            while (*v == '\t' || *v == ' ')
                v++;
            size_t n = strcspn(v, "\n");
            snprintf(val, sizeof val, "%.*s", (int)n, v);
            return val;
        }
    }
    return NULL;
}

static void check_self_stat(const char *comm)
{
    char *stat = slurp("/proc/self/stat", NULL);
    EXPECT("stat: readable", stat != NULL);
    if (!stat)
        return;
    EXPECT("stat: field 1 is getpid()", strtol(stat, NULL, 10) == getpid());
    char want[64];
    snprintf(want, sizeof want, "(%s)", comm);
    EXPECT("stat: field 4 is getppid()", stat_field(stat, 4) == getppid());
    if (!REF_IS_QEMU) { /* qemu-user makes up its own line: exe name, no state or pgrp, 44 fields */
        EXPECT("stat: field 2 is (comm)", strstr(stat, want) == strchr(stat, '('));
        EXPECT("stat: state R", strrchr(stat, ')')[2] == 'R');
        EXPECT("stat: field 5 is getpgrp()", stat_field(stat, 5) == getpgrp());
        printf("stat: %d fields\n", stat_nfields(stat));
        printf("stat: field 20 (threads) %ld\n", stat_field(stat, 20));
    }
    free(stat);
}

static void check_self_status(const char *comm)
{
    char *status = slurp("/proc/self/status", NULL);
    EXPECT("status: readable", status != NULL);
    if (!status)
        return;
    const char *keys[] = {"Name", "Umask", "State", "Tgid", "Pid", "PPid", "Uid", "Gid", "FDSize",
                          "VmSize", "Threads", "SigBlk", "SigIgn", "SigCgt", "Cpus_allowed_list"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (!status_value(status, keys[i]))
            printf("status: %s missing\n", keys[i]);
    const char *v;
    if (!REF_IS_QEMU) /* qemu-user shows its own process's status */
        EXPECT("status: Name is comm", (v = status_value(status, "Name")) && strcmp(v, comm) == 0);
    EXPECT("status: Pid is getpid()", (v = status_value(status, "Pid")) && atoi(v) == getpid());
    EXPECT("status: Tgid is getpid()", (v = status_value(status, "Tgid")) && atoi(v) == getpid());
    EXPECT("status: PPid is getppid()", (v = status_value(status, "PPid")) && atoi(v) == getppid());
    EXPECT("status: Umask 0022", (v = status_value(status, "Umask")) && strcmp(v, "0022") == 0);
    EXPECT("status: State R (running)", (v = status_value(status, "State")) && strcmp(v, "R (running)") == 0);
    free(status);
}

static int count_tasks(void)
{
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += isdigit((unsigned char)e->d_name[0]) != 0;
    closedir(d);
    return n;
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int stage;
static pid_t thread_tid;

static void *thread_fn(void *arg)
{
    (void)arg;
    prctl(PR_SET_NAME, "procfs-worker-thread");
    pthread_mutex_lock(&mu);
    thread_tid = gettid();
    stage = 1;
    pthread_cond_broadcast(&cv);
    while (stage != 2)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    return NULL;
}

static void check_threads(void)
{
    int before = count_tasks();
    if (!REF_IS_QEMU) /* qemu-user has a thread of its own */
        printf("task: %d entries\n", before);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", gettid());
    char *s = slurp(path, NULL);
    EXPECT("task: main thread stat field 1 is gettid()", s && strtol(s, NULL, 10) == gettid());
    free(s);

    pthread_t th;
    pthread_create(&th, NULL, thread_fn, NULL);
    pthread_mutex_lock(&mu);
    while (stage != 1)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    printf("task: a second thread adds %d entry\n", count_tasks() - before);
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", thread_tid);
    s = slurp(path, NULL);
    printf("task: thread comm %s", s ? s : "(unreadable)\n");
    free(s);
    snprintf(path, sizeof path, "/proc/%d/task/%d/stat", getpid(), thread_tid);
    s = slurp(path, NULL);
    EXPECT("task: thread stat field 1 is its tid", s && strtol(s, NULL, 10) == thread_tid);
    EXPECT("task: thread stat comm", s && strstr(s, "(procfs-worker-t)"));
    free(s);
    if (!REF_IS_QEMU) {
        s = slurp("/proc/self/status", NULL);
        const char *v = s ? status_value(s, "Threads") : NULL;
        printf("status: Threads %s\n", v ? v : "?");
        free(s);
        s = slurp("/proc/self/stat", NULL);
        printf("stat: field 20 (threads) %ld\n", s ? stat_field(s, 20) : -1);
        free(s);
    }
    pthread_mutex_lock(&mu);
    stage = 2;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    pthread_join(th, NULL);
    /* join returns when the kernel clears the thread's tid, a little before
     * Linux takes it off the thread group: wait for that, so that later
     * checks see one thread */
    for (int i = 0; i < 1000 && count_tasks() > before; i++)
        usleep(1000);
}

static void check_comm(void)
{
    prctl(PR_SET_NAME, "renamed");
    char *c = slurp("/proc/self/comm", NULL);
    printf("comm after PR_SET_NAME: %s", c ? c : "(unreadable)\n");
    free(c);
    check_self_stat("renamed");
    check_self_status("renamed");
    prctl(PR_SET_NAME, "0123456789abcdefghij");
    c = slurp("/proc/thread-self/comm", NULL);
    printf("comm of a long name: %s", c ? c : "(unreadable)\n");
    free(c);
}

/* The NUL-separated strings of a vector, as cmdline/environ show them. */
static char *join(char *const *v, size_t *len)
{
    size_t n = 0;
    for (char *const *p = v; *p; p++)
        n += strlen(*p) + 1;
    char *out = malloc(n + 1), *o = out;
    for (char *const *p = v; *p; p++)
        o = stpcpy(o, *p) + 1;
    *len = n;
    return out;
}

static void check_cmdline_environ(char **argv)
{
    size_t n, want_n;
    char *got = slurp("/proc/self/cmdline", &n);
    char *want = join(argv, &want_n);
    EXPECT("cmdline: argv, NUL-separated", got && n == want_n && memcmp(got, want, n) == 0);
    free(got);
    free(want);
    got = slurp("/proc/self/environ", &n);
    want = join(environ, &want_n);
    if (!REF_IS_QEMU) /* qemu-user shows its own process's environ */
        EXPECT("environ: the initial environment, NUL-separated", got && n == want_n && memcmp(got, want, n) == 0);
    free(got);
    free(want);

    /* cmdline is read from the process's memory: a program may rewrite its argv strings. */
    if (!REF_IS_QEMU) {
        char *a0 = argv[0];
        char save = a0[0];
        a0[0] = 'X';
        got = slurp("/proc/self/cmdline", &n);
        EXPECT("cmdline: shows argv[0] rewritten in place", got && got[0] == 'X');
        free(got);
        a0[0] = save;
    }

    /* A child exec'd with a known envp: its environ and cmdline, read by the parent. */
    int ready[2], go[2];
    if (pipe(ready) || pipe(go)) {
        printf("pipe failed\n");
        return;
    }
    char *cargv[] = {"sh", "-c", "echo ready; read x", NULL};
    char *cenv[] = {"PATH=/bin:/usr/bin", "ONE=1", "EMPTY=", "LAST=with spaces", NULL};
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(go[0], 0);
        dup2(ready[1], 1);
        close(go[1]);
        close(ready[0]);
        execve("/bin/sh", cargv, cenv);
        _exit(127);
    }
    close(go[0]);
    close(ready[1]);
    char line[16] = {0};
    ssize_t r = read(ready[0], line, sizeof line - 1);
    EXPECT("child: ready", r > 0 && strcmp(line, "ready\n") == 0);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/environ", pid);
    got = slurp(path, &n);
    want = join(cenv, &want_n);
    EXPECT("child environ: the envp given to execve", got && n == want_n && memcmp(got, want, n) == 0);
    free(got);
    free(want);
    snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
    got = slurp(path, &n);
    want = join(cargv, &want_n);
    EXPECT("child cmdline: the argv given to execve", got && n == want_n && memcmp(got, want, n) == 0);
    free(got);
    free(want);
    char exe[PATH_MAX], real[PATH_MAX];
    snprintf(path, sizeof path, "/proc/%d/exe", pid);
    ssize_t l = readlink(path, exe, sizeof exe - 1);
    exe[l > 0 ? l : 0] = 0;
    if (!REF_IS_QEMU) /* qemu-user answers /proc/<pid>/exe with its own exe */
        EXPECT("child exe: realpath of /bin/sh", realpath("/bin/sh", real) && strcmp(exe, real) == 0);
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    got = slurp(path, NULL);
    EXPECT("child stat: ppid is us", got && stat_field(got, 4) == getpid());
    free(got);
    close(go[1]);
    int status;
    waitpid(pid, &status, 0);
    printf("child: %s\n", t_child_status(status));
    close(ready[0]);
}

static void check_links(char **argv)
{
    char buf[PATH_MAX], want[PATH_MAX + 16];
    ssize_t n;
    n = readlink("/proc/self", buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    EXPECT("/proc/self -> getpid()", n > 0 && atoi(buf) == getpid());
    n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    EXPECT("exe: realpath(argv[0])", realpath(argv[0], want) && strcmp(buf, want) == 0);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/exe", getpid());
    char buf2[PATH_MAX];
    n = readlink(path, buf2, sizeof buf2 - 1);
    buf2[n > 0 ? n : 0] = 0;
    EXPECT("/proc/<pid>/exe: same as /proc/self/exe", strcmp(buf, buf2) == 0);

    mkdir("sub", 0755);
    char cwd[PATH_MAX];
    getcwd(cwd, sizeof cwd);
    chdir("sub");
    n = readlink("/proc/self/cwd", buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    snprintf(want, sizeof want, "%s/sub", cwd);
    EXPECT("cwd: follows chdir", strcmp(buf, want) == 0);
    chdir("..");

    int fd = open("sub/file", O_CREAT | O_RDWR, 0644);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    n = readlink(path, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    snprintf(want, sizeof want, "%s/sub/file", cwd);
    EXPECT("fd: link to the opened file", strcmp(buf, want) == 0);
    struct stat a, b;
    EXPECT("fd: opening the link opens the file",
           stat(path, &a) == 0 && fstat(fd, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev);
    int p[2];
    pipe(p);
    snprintf(path, sizeof path, "/proc/self/fd/%d", p[0]);
    n = readlink(path, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    EXPECT("fd: a pipe is pipe:[inode]", strncmp(buf, "pipe:[", 6) == 0 && buf[n - 1] == ']');
    close(p[0]);
    close(p[1]);
    close(fd);
    n = readlink(path, buf, sizeof buf - 1);
    printf("fd: closed fd: %s\n", n < 0 ? errname(errno) : "still there");
}

static void check_maps_auxv(char **argv)
{
    char *maps = slurp("/proc/self/maps", NULL);
    EXPECT("maps: readable", maps != NULL);
    if (!maps)
        return;
    char exe[PATH_MAX];
    if (!realpath(argv[0], exe))
        exe[0] = 0;
    int lines = 0, bad = 0, exe_x = 0, stack = 0;
    for (char *l = strtok(maps, "\n"); l; l = strtok(NULL, "\n")) {
        unsigned long lo, hi, off, ino;
        char perms[5];
        unsigned maj, min;
        int name_at = 0;
        lines++;
        if (sscanf(l, "%lx-%lx %4s %lx %x:%x %lu %n", &lo, &hi, perms, &off, &maj, &min, &ino, &name_at) < 7 ||
            lo >= hi || strlen(perms) != 4) {
            bad++;
            continue;
        }
        const char *name = name_at ? l + name_at : "";
        if (strcmp(name, exe) == 0 && perms[2] == 'x')
            exe_x = 1;
        if (strcmp(name, "[stack]") == 0 && perms[0] == 'r' && perms[1] == 'w')
            stack = 1;
    }
    EXPECT("maps: every line parses", lines > 0 && bad == 0);
    EXPECT("maps: the executable is mapped r-x", exe_x);
    EXPECT("maps: [stack] rw", stack);
    free(maps);

    size_t n;
    unsigned long *av = (unsigned long *)slurp("/proc/self/auxv", &n);
    int pagesz = 0, entry = 0, end = 0;
    for (size_t i = 0; av && i + 1 < n / sizeof(long); i += 2) {
        if (av[i] == AT_PAGESZ)
            pagesz = av[i + 1] == getauxval(AT_PAGESZ);
        if (av[i] == AT_ENTRY)
            entry = av[i + 1] == getauxval(AT_ENTRY);
        if (av[i] == AT_NULL) {
            end = i + 2 == n / sizeof(long);
            break;
        }
    }
    EXPECT("auxv: AT_PAGESZ as getauxval", pagesz);
    EXPECT("auxv: AT_ENTRY as getauxval", entry);
    EXPECT("auxv: ends with AT_NULL", end);
    free(av);
}

static void check_system(void)
{
    int cpus = get_nprocs();
    char *s = slurp("/proc/stat", NULL);
    EXPECT("/proc/stat: starts with 'cpu  '", s && strncmp(s, "cpu  ", 5) == 0);
    EXPECT("/proc/stat: one cpuN line per cpu", s && count_lines_starting(s, "cpu") - 1 == cpus);
    const char *keys[] = {"intr ", "ctxt ", "btime ", "processes ", "procs_running ", "procs_blocked "};
    for (size_t i = 0; s && i < sizeof keys / sizeof *keys; i++)
        if (count_lines_starting(s, keys[i]) != 1)
            printf("/proc/stat: no '%s' line\n", keys[i]);
    free(s);

    s = slurp("/proc/cpuinfo", NULL);
    EXPECT("/proc/cpuinfo: one processor entry per cpu", s && count_lines_starting(s, "processor") == cpus);
    free(s);

    s = slurp("/proc/meminfo", NULL);
    unsigned long total = 0, fr = 0, avail = 0;
    const char *p;
    if (s && (p = strstr(s, "MemTotal:")))
        total = strtoul(p + 9, NULL, 10);
    if (s && (p = strstr(s, "MemFree:")))
        fr = strtoul(p + 8, NULL, 10);
    if (s && (p = strstr(s, "MemAvailable:")))
        avail = strtoul(p + 13, NULL, 10);
    EXPECT("/proc/meminfo: MemTotal > MemFree > 0, MemAvailable", total > fr && fr > 0 && avail > 0);
    EXPECT("/proc/meminfo: first line ends in kB", s && strstr(s, " kB\n") == strchr(s, '\n') - 3);
    free(s);

    s = slurp("/proc/loadavg", NULL);
    double l1, l5, l15;
    int run, all, last;
    EXPECT("/proc/loadavg: 3 loads, running/total, last pid",
           s && sscanf(s, "%lf %lf %lf %d/%d %d", &l1, &l5, &l15, &run, &all, &last) == 6 && run >= 1 &&
               all >= run && last > 0);
    free(s);

    s = slurp("/proc/filesystems", NULL);
    EXPECT("/proc/filesystems: nodev proc, tmpfs, sysfs",
           s && strstr(s, "nodev\tproc\n") && strstr(s, "nodev\ttmpfs\n") && strstr(s, "nodev\tsysfs\n"));
    free(s);

    s = slurp("/proc/sys/kernel/pid_max", NULL);
    char *end = NULL;
    long pm = s ? strtol(s, &end, 10) : 0;
    EXPECT("pid_max: a number above our pid, then a newline", s && pm > getpid() && strcmp(end, "\n") == 0);
    free(s);

    const char *cpufiles[] = {"online", "possible", "present"};
    for (int i = 0; i < 3; i++) {
        char path[64];
        snprintf(path, sizeof path, "/sys/devices/system/cpu/%s", cpufiles[i]);
        s = slurp(path, NULL);
        int n = s ? cpulist_count(s) : -1;
        if (i == 0)
            printf("cpu/online: %s\n", n == cpus ? "== get_nprocs()" : "DIFFERS from get_nprocs()");
        else
            printf("cpu/%s: %s\n", cpufiles[i], n >= cpus ? ">= get_nprocs()" : "BAD");
        free(s);
    }
    EXPECT("sysconf(_SC_NPROCESSORS_ONLN) == get_nprocs()", sysconf(_SC_NPROCESSORS_ONLN) == cpus);
    EXPECT("sysconf(_SC_NPROCESSORS_CONF) >= get_nprocs()", sysconf(_SC_NPROCESSORS_CONF) >= cpus);
}

/* A zombie (exited, not reaped) has no memory left: state Z, no Vm lines
 * in status, vsize and rss 0 in stat, an empty cmdline. */
static void check_zombie(void)
{
    pid_t c = fork();
    if (c == 0)
        _exit(0);
    siginfo_t si;
    waitid(P_PID, c, &si, WEXITED | WNOWAIT);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", (int)c);
    char *status = slurp(path, NULL);
    EXPECT("zombie: State Z", status && strstr(status, "State:\tZ (zombie)\n"));
    printf("zombie: Vm lines in status: %d\n", status ? count_lines_starting(status, "Vm") : -1);
    free(status);
    snprintf(path, sizeof path, "/proc/%d/stat", (int)c);
    char *stat = slurp(path, NULL);
    char *after = stat ? strrchr(stat, ')') : NULL;
    unsigned long vsize = 1;
    long rss = 1;
    /* after the comm: state, then vsize and rss are the 21st and 22nd fields */
    int n = after ? sscanf(after + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %*u %lu %ld",
                           &vsize, &rss)
                  : 0;
    EXPECT("zombie: stat vsize and rss 0", n == 2 && vsize == 0 && rss == 0);
    free(stat);
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)c);
    size_t len = 99;
    char *cmdline = slurp(path, &len);
    printf("zombie: cmdline bytes: %d\n", cmdline ? (int)len : -1);
    free(cmdline);
    waitpid(c, NULL, 0);
}

int main(int argc, char **argv)
{
    (void)argc;
    /* comm is the executable's basename, cut at 15 bytes */
    char comm[16];
    const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    snprintf(comm, sizeof comm, "%s", base);
    check_self_stat(comm);
    check_self_status(comm);
    check_cmdline_environ(argv);
    check_links(argv);
    check_maps_auxv(argv);
    check_threads();
    check_comm();
    check_system();
    check_zombie();
    return 0;
}
