/* getuid/geteuid/getgid/getegid(2): values are compared, never printed */
#include "t.h"

int main(void)
{
    long uid = syscall(SYS_getuid), euid = syscall(SYS_geteuid);
    long gid = syscall(SYS_getgid), egid = syscall(SYS_getegid);
    EXPECT("uid == euid", uid == euid);
    EXPECT("gid == egid", gid == egid);
    EXPECT("non-negative", uid >= 0 && euid >= 0 && gid >= 0 && egid >= 0);
    EXPECT("glibc agrees", getuid() == uid && geteuid() == euid && getgid() == gid && getegid() == egid);
    uid_t r, e, s;
    getresuid(&r, &e, &s);
    EXPECT("getresuid agrees", r == uid && e == euid && s == euid);
    gid_t rg, eg, sg;
    getresgid(&rg, &eg, &sg);
    EXPECT("getresgid agrees", rg == gid && eg == egid && sg == egid);
    t_write_file("f", "", 0644);
    struct stat st;
    stat("f", &st);
    EXPECT("new file owned by euid/egid", st.st_uid == euid && st.st_gid == egid);
    pid_t c = fork();
    if (c == 0)
        _exit(syscall(SYS_getuid) == uid && syscall(SYS_getgid) == gid ? 0 : 1);
    int status;
    waitpid(c, &status, 0);
    printf("child has the same ids: %s\n", t_child_status(status));
    return 0;
}
