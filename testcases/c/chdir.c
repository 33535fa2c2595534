/* chdir(2) */
#include "t.h"

static char buf[4096];

static const char *tail(void)
{
    getcwd(buf, sizeof(buf));
    char *s = strrchr(buf, '/');
    return s ? s : buf;
}

int main(void)
{
    mkdir("a", 0755);
    mkdir("a/b", 0755);
    t_write_file("f", "", 0644);
    t_write_file("a/b/inside", "", 0644);
    symlink("a/b", "lb");

    CHECK("chdir a", syscall(SYS_chdir, "a"));
    printf("cwd: %s\n", tail());
    CHECK("chdir b", syscall(SYS_chdir, "b"));
    printf("cwd: %s\n", tail());
    CHECK("relative open after chdir", access("inside", F_OK));
    CHECK("chdir ../..", syscall(SYS_chdir, "../.."));
    CHECK("chdir .", syscall(SYS_chdir, "."));
    CHECK("chdir through symlink", syscall(SYS_chdir, "lb"));
    printf("cwd: %s\n", tail());
    CHECK("chdir ../..", syscall(SYS_chdir, "../.."));
    CHECK("chdir to file", syscall(SYS_chdir, "f"));
    CHECK("chdir missing", syscall(SYS_chdir, "missing"));
    CHECK("chdir through file", syscall(SYS_chdir, "f/x"));
    CHECK("chdir empty", syscall(SYS_chdir, ""));
    CHECK("chdir NULL", syscall(SYS_chdir, NULL));
    CHECK("chdir 0x1", syscall(SYS_chdir, BADPTR));
    CHECK("chdir kernel", syscall(SYS_chdir, KPTR));
    char longname[300];
    memset(longname, 'z', 299);
    longname[299] = 0;
    CHECK("chdir name too long", syscall(SYS_chdir, longname));
    CHECK("cwd unchanged by failures", access("f", F_OK));
    CHECK("chdir /dev", syscall(SYS_chdir, "/dev"));
    CHECK("/dev/null relative", access("null", F_OK));
    CHECK("chdir /proc", syscall(SYS_chdir, "/proc"));
    CHECK("self relative", access("self", F_OK));

    /* the cwd is per process: a child's chdir does not affect the parent */
    chdir("/tmp");
    getcwd(buf, sizeof(buf));
    pid_t pid = fork();
    if (pid == 0) {
        chdir("/dev");
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    static char after[4096];
    getcwd(after, sizeof(after));
    EXPECT("child chdir did not move parent", strcmp(buf, after) == 0);
    return 0;
}
