/* execve(2): ELF, #! scripts, environment, argument and file errors */
#include "t.h"

extern char **environ;

/* path/argv/envp may be deliberately bad pointers */
static const char *run(const void *path, const void *argv, const void *envp)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        syscall(SYS_execve, path, argv, envp);
        printf("  execve failed: %s\n", errname(errno));
        fflush(stdout);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    return t_child_status(status);
}

int main(void)
{
    char *none[] = {NULL};
    char *targv[] = {"true", NULL};
    char *fargv[] = {"false", NULL};
    printf("/bin/true: %s\n", run("/bin/true", targv, none));
    printf("/bin/false: %s\n", run("/bin/false", fargv, none));

    char *shargv[] = {"sh", "-c", "echo \"sh says $GREETING\"; exit 3", NULL};
    char *env[] = {"GREETING=hello", "PATH=/bin:/usr/bin", NULL};
    printf("/bin/sh -c: %s\n", run("/bin/sh", shargv, env));

    /* #! scripts: interpreter gets the script path and the arguments */
    t_write_file("script", "#!/bin/sh\necho \"script: $0 $1 $2\"\nexit 4\n", 0755);
    char *sargv[] = {"./script", "one", "two", NULL};
    printf("script: %s\n", run("./script", sargv, env));
    t_write_file("script-arg", "#!/bin/sh -e\necho \"with interpreter arg: $1\"\nfalse\necho not reached\n", 0755);
    char *saargv[] = {"./script-arg", "x", NULL};
    printf("script with interpreter arg: %s\n", run("./script-arg", saargv, env));
    t_write_file("bad-interp", "#!/nonexistent/interp\n", 0755);
    char *bargv[] = {"./bad-interp", NULL};
    printf("missing interpreter: %s\n", run("./bad-interp", bargv, env));

    /* errors */
    printf("missing file: %s\n", run("./missing", targv, none));
    printf("missing directory: %s\n", run("./nodir/x", targv, none));
    t_write_file("noexec", "#!/bin/sh\necho hi\n", 0644);
    printf("no exec permission: %s\n", run("./noexec", targv, none));
    mkdir("dir", 0755);
    printf("directory: %s\n", run("./dir", targv, none));
    t_write_file("garbage", "this is not an executable\n", 0755);
    printf("unknown format: %s\n", run("./garbage", targv, none));
    t_write_file("empty", "", 0755);
    printf("empty file: %s\n", run("./empty", targv, none));
    printf("through file: %s\n", run("./garbage/x", targv, none));
    printf("empty path: %s\n", run("", targv, none));
    printf("NULL path: %s\n", run(NULL, targv, none));
    printf("0x1 path: %s\n", run(BADPTR, targv, none));
    printf("kernel path: %s\n", run(KPTR, targv, none));
    printf("0x1 argv: %s\n", run("/bin/true", BADPTR, none));
    char *badargv[] = {"true", BADPTR, NULL};
    printf("0x1 in argv: %s\n", run("/bin/true", badargv, none));
    printf("0x1 envp: %s\n", run("/bin/true", targv, BADPTR));
    char *badenv[] = {KPTR, NULL};
    printf("kernel pointer in envp: %s\n", run("/bin/true", targv, badenv));

    /* close-on-exec: fd 5 is closed in the new program, fd 6 stays */
    int a = open("/dev/null", O_RDONLY);
    dup2(a, 5);
    dup2(a, 6);
    fcntl(5, F_SETFD, FD_CLOEXEC);
    char *fdargv[] = {"sh", "-c", "for f in 5 6; do if [ -e /proc/self/fd/$f ]; then echo fd $f open; else echo fd $f closed; fi; done", NULL};
    printf("cloexec: %s\n", run("/bin/sh", fdargv, env));

    /* exec replaces the process: same pid, pending output of the old image is gone */
    printf("pid kept across exec: ");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char cmd[64];
        snprintf(cmd, sizeof(cmd), "[ $$ = %d ] && echo ok || echo FAIL", getpid());
        char *pargv[] = {"sh", "-c", cmd, NULL};
        execve("/bin/sh", pargv, env);
        _exit(127);
    }
    waitpid(pid, NULL, 0);
    return 0;
}
