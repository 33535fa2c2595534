/* prctl: task name (15-byte truncation, /proc comm of a thread), parent
 * death signal (sent when the creating thread exits), dumpable,
 * no_new_privs, child subreaper (orphans reparented to it), bad options. */
#include "t.h"
#include <pthread.h>
#include <sys/prctl.h>

static void print_comm(const char *label, const char *path)
{
    char buf[64] = {0};
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("%s: open errno=%s\n", label, errname(errno));
        return;
    }
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    printf("%s: %zd \"%.*s\"\n", label, n, n > 0 ? (int)n - 1 : 0, buf);
}

static pid_t thread_tid;
static int thread_go[2], thread_done[2];

static void *namer(void *arg)
{
    (void)arg;
    prctl(PR_SET_NAME, "thread-name-is-long");
    thread_tid = gettid();
    write(thread_done[1], "x", 1);
    char c;
    read(thread_go[0], &c, 1); /* stay alive while main reads our comm */
    return NULL;
}

static void test_name(void)
{
    char name[32];
    memset(name, 'z', sizeof(name));
    CHECK("PR_SET_NAME short", prctl(PR_SET_NAME, "abc"));
    CHECK("PR_GET_NAME", prctl(PR_GET_NAME, name));
    printf("name: \"%s\"\n", name);
    CHECK("PR_SET_NAME 20 bytes", prctl(PR_SET_NAME, "0123456789abcdefghij"));
    memset(name, 'z', sizeof(name));
    CHECK("PR_GET_NAME", prctl(PR_GET_NAME, name));
    printf("name: \"%s\" byte16=%d\n", name, name[16] == 'z');
    print_comm("/proc/self/comm", "/proc/self/comm");
    CHECK("PR_SET_NAME exactly 15", prctl(PR_SET_NAME, "fifteen-bytes-x"));
    prctl(PR_GET_NAME, name);
    printf("name: \"%s\"\n", name);
    CHECK("PR_SET_NAME empty", prctl(PR_SET_NAME, ""));
    prctl(PR_GET_NAME, name);
    printf("name: \"%s\"\n", name);
    CHECK("PR_SET_NAME NULL", prctl(PR_SET_NAME, NULL));
    CHECK("PR_SET_NAME unmapped", prctl(PR_SET_NAME, t_unmapped()));
    CHECK("PR_GET_NAME NULL", prctl(PR_GET_NAME, NULL));
    CHECK("PR_GET_NAME KPTR", prctl(PR_GET_NAME, KPTR));
    prctl(PR_SET_NAME, "prctl");

    pipe(thread_go);
    pipe(thread_done);
    pthread_t th;
    pthread_create(&th, NULL, namer, NULL);
    char c;
    read(thread_done[0], &c, 1);
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/task/%d/comm", thread_tid);
    print_comm("thread comm", path);
    snprintf(path, sizeof(path), "/proc/self/task/%d/comm", gettid());
    print_comm("main thread comm", path);
    print_comm("/proc/self/comm after thread rename", "/proc/self/comm");
    prctl(PR_GET_NAME, name);
    printf("main PR_GET_NAME: \"%s\"\n", name);
    write(thread_go[1], "x", 1);
    pthread_join(th, NULL);
}

static int ready[2];
static void on_usr1(int sig) { (void)sig; }

/* A grandchild that asks for SIGUSR1 when its parent dies, then waits for
 * it; exits 10 when getppid() changed from `parent`, 11 when it did not. */
static void deathsig_child(pid_t parent)
{
    prctl(PR_SET_PDEATHSIG, SIGUSR1);
    sigset_t none;
    sigemptyset(&none);
    struct sigaction sa = {.sa_handler = on_usr1};
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    write(ready[1], "r", 1);
    sigsuspend(&none);
    _exit(getppid() != parent ? 10 : 11);
}

static void *fork_from_thread(void *arg)
{
    pid_t *child = arg;
    pid_t parent = getpid();
    *child = fork();
    if (*child == 0)
        deathsig_child(parent);
    char c;
    read(ready[0], &c, 1);
    return NULL; /* this thread exits: the child gets its pdeathsig */
}

static void test_pdeathsig(void)
{
    int sig = -1;
    CHECK("PR_GET_PDEATHSIG", prctl(PR_GET_PDEATHSIG, &sig));
    printf("pdeathsig: %d\n", sig);
    CHECK("PR_SET_PDEATHSIG SIGHUP", prctl(PR_SET_PDEATHSIG, SIGHUP));
    prctl(PR_GET_PDEATHSIG, &sig);
    printf("pdeathsig: %d\n", sig);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int s = -1;
        prctl(PR_GET_PDEATHSIG, &s);
        _exit(s);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("pdeathsig in a forked child: %s\n", t_child_status(st));
    if (!REF_IS_QEMU) /* qemu-user cannot map the guest's signal 64 */
        CHECK("PR_SET_PDEATHSIG 64", prctl(PR_SET_PDEATHSIG, 64));
    CHECK("PR_SET_PDEATHSIG 65", prctl(PR_SET_PDEATHSIG, 65));
    CHECK("PR_SET_PDEATHSIG -1", prctl(PR_SET_PDEATHSIG, -1));
    CHECK("PR_SET_PDEATHSIG 0", prctl(PR_SET_PDEATHSIG, 0));
    prctl(PR_GET_PDEATHSIG, &sig);
    printf("pdeathsig: %d\n", sig);
    CHECK("PR_GET_PDEATHSIG NULL", prctl(PR_GET_PDEATHSIG, NULL));

    /* Parent process exits: the orphan gets SIGUSR1 and is reparented (to
     * us: we are a subreaper, so we can reap it). qemu-user 7 has no
     * PR_SET_CHILD_SUBREAPER. */
    pipe(ready);
    pid_t mid;
    if (!REF_IS_QEMU) {
        prctl(PR_SET_CHILD_SUBREAPER, 1);
        fflush(stdout);
        mid = fork();
        if (mid == 0) {
            pid_t me = getpid();
            if (fork() == 0)
                deathsig_child(me);
            char c;
            read(ready[0], &c, 1);
            _exit(0);
        }
        waitpid(mid, &st, 0);
        printf("middle process: %s\n", t_child_status(st));
        pid = wait(&st);
        printf("orphan with pdeathsig: %s\n", pid > 0 ? t_child_status(st) : errname(errno));
        prctl(PR_SET_CHILD_SUBREAPER, 0);
    }

    /* Only the creating thread exits: the child still gets its signal but
     * keeps its parent process. */
    fflush(stdout);
    mid = fork();
    if (mid == 0) {
        pid_t child;
        pthread_t th;
        pthread_create(&th, NULL, fork_from_thread, &child);
        pthread_join(th, NULL);
        int s;
        if (waitpid(child, &s, 0) != child)
            _exit(98);
        _exit(WIFEXITED(s) ? WEXITSTATUS(s) : 99);
    }
    waitpid(mid, &st, 0);
    printf("child of an exited thread: %s\n", t_child_status(st));
    close(ready[0]);
    close(ready[1]);
}

static void test_dumpable_nnp(void)
{
    CHECK("PR_GET_DUMPABLE", prctl(PR_GET_DUMPABLE));
    CHECK("PR_SET_DUMPABLE 0", prctl(PR_SET_DUMPABLE, 0));
    CHECK("PR_GET_DUMPABLE", prctl(PR_GET_DUMPABLE));
    CHECK("PR_SET_DUMPABLE 2", prctl(PR_SET_DUMPABLE, 2));
    CHECK("PR_SET_DUMPABLE 3", prctl(PR_SET_DUMPABLE, 3));
    CHECK("PR_SET_DUMPABLE -1", prctl(PR_SET_DUMPABLE, -1));
    CHECK("PR_SET_DUMPABLE 1", prctl(PR_SET_DUMPABLE, 1));
    CHECK("PR_GET_DUMPABLE", prctl(PR_GET_DUMPABLE));

    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        CHECK("PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
        CHECK("PR_SET_NO_NEW_PRIVS 0", prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0));
        CHECK("PR_SET_NO_NEW_PRIVS 2", prctl(PR_SET_NO_NEW_PRIVS, 2, 0, 0, 0));
        CHECK("PR_SET_NO_NEW_PRIVS 1,1", prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0));
        CHECK("PR_SET_NO_NEW_PRIVS 1,0,0,1", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 1));
        CHECK("PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
        CHECK("PR_SET_NO_NEW_PRIVS 1", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
        CHECK("PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
        CHECK("PR_GET_NO_NEW_PRIVS 1", prctl(PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0));
        pid_t g = fork();
        if (g == 0)
            _exit(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
        int st;
        waitpid(g, &st, 0);
        printf("no_new_privs inherited by fork: %s\n", t_child_status(st));
        _exit(0);
    }
    waitpid(pid, NULL, 0);
}

static void test_subreaper(void)
{
    int v = -1;
    CHECK("PR_GET_CHILD_SUBREAPER", prctl(PR_GET_CHILD_SUBREAPER, &v));
    printf("subreaper: %d\n", v);
    CHECK("PR_SET_CHILD_SUBREAPER 1", prctl(PR_SET_CHILD_SUBREAPER, 1));
    prctl(PR_GET_CHILD_SUBREAPER, &v);
    printf("subreaper: %d\n", v);
    CHECK("PR_SET_CHILD_SUBREAPER 7", prctl(PR_SET_CHILD_SUBREAPER, 7));
    prctl(PR_GET_CHILD_SUBREAPER, &v);
    printf("subreaper: %d\n", v);
    CHECK("PR_GET_CHILD_SUBREAPER BADPTR", prctl(PR_GET_CHILD_SUBREAPER, BADPTR));

    pid_t me = getpid();
    int p[2];
    pipe(p);
    fflush(stdout);
    pid_t mid = fork();
    if (mid == 0) {
        pid_t midpid = getpid();
        if (fork() == 0) {
            close(p[0]);
            /* Wait until our parent is gone, then report who adopted us. */
            while (getppid() == midpid)
                usleep(1000);
            char r = getppid() == me ? 'S' : 'o';
            write(p[1], &r, 1);
            _exit(5);
        }
        _exit(0);
    }
    close(p[1]);
    int st;
    waitpid(mid, &st, 0);
    printf("middle: %s\n", t_child_status(st));
    char r = '?';
    read(p[0], &r, 1);
    printf("orphan's new parent is the subreaper: %s\n", r == 'S' ? "ok" : "FAIL");
    pid_t got = wait(&st);
    printf("subreaper reaps the orphan: %s %s\n", got > 0 ? "ok" : errname(errno), t_child_status(st));
    close(p[0]);
    CHECK("wait with no children", wait(NULL));
    CHECK("PR_SET_CHILD_SUBREAPER 0", prctl(PR_SET_CHILD_SUBREAPER, 0));
    prctl(PR_GET_CHILD_SUBREAPER, &v);
    printf("subreaper: %d\n", v);
}

int main(void)
{
    test_name();
    test_pdeathsig();
    test_dumpable_nnp();
    if (!REF_IS_QEMU) /* qemu-user 7 has no PR_SET_CHILD_SUBREAPER */
        test_subreaper();
    CHECK("unknown option 0x7fffffff", prctl(0x7fffffff, 0, 0, 0, 0));
    CHECK("option 0", prctl(0, 0, 0, 0, 0));
    CHECK("option -1", prctl(-1, 0, 0, 0, 0));
    return 0;
}
