/* umask(2) */
#include "t.h"

static int perm(const char *p)
{
    struct stat st;
    return stat(p, &st) ? -1 : (int)(st.st_mode & 07777);
}

int main(void)
{
    long first = syscall(SYS_umask, 022);
    printf("initial umask (runner.sh sets it): %03lo\n", first);
    CHECK("umask(027) returns previous", syscall(SYS_umask, 027));
    close(open("f", O_CREAT | O_WRONLY, 0666));
    printf("file 0666 & ~027: %o\n", perm("f"));
    mkdir("d", 0777);
    printf("dir 0777 & ~027: %o\n", perm("d"));
    CHECK("umask(0777)", syscall(SYS_umask, 0777));
    close(open("g", O_CREAT | O_WRONLY, 0666));
    printf("file under 0777: %o\n", perm("g"));
    CHECK("umask(0)", syscall(SYS_umask, 0));
    close(open("h", O_CREAT | O_WRONLY, 0666));
    printf("file under 0: %o\n", perm("h"));
    CHECK("umask(01777) keeps only 0777", syscall(SYS_umask, 01777));
    CHECK("umask(0xffffffff)", syscall(SYS_umask, 0xffffffff));
    CHECK("read back", syscall(SYS_umask, 022));
    /* umask does not affect chmod */
    syscall(SYS_umask, 077);
    chmod("h", 0666);
    printf("chmod ignores umask: %o\n", perm("h"));
    /* inherited by children */
    pid_t c = fork();
    if (c == 0)
        _exit(syscall(SYS_umask, 0) == 077 ? 0 : 1);
    int st;
    waitpid(c, &st, 0);
    printf("child inherits umask: %s\n", t_child_status(st));
    return 0;
}
