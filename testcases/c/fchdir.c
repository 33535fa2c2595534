/* fchdir(2) */
#include "t.h"

int main(void)
{
    mkdir("d", 0755);
    t_write_file("d/inside", "", 0644);
    t_write_file("f", "", 0644);
    int here = open(".", O_RDONLY | O_DIRECTORY);
    int d = open("d", O_RDONLY | O_DIRECTORY);
    int f = open("f", O_RDONLY);
    int dpath = open("d", O_PATH);

    CHECK("fchdir d", syscall(SYS_fchdir, d));
    CHECK("inside visible", access("inside", F_OK));
    CHECK("fchdir back", syscall(SYS_fchdir, here));
    CHECK("f visible", access("f", F_OK));
    CHECK("fchdir O_PATH dir", syscall(SYS_fchdir, dpath));
    CHECK("inside visible", access("inside", F_OK));
    fchdir(here);
    CHECK("fchdir file", syscall(SYS_fchdir, f));
    CHECK("fchdir closed fd", syscall(SYS_fchdir, 77));
    CHECK("fchdir -1", syscall(SYS_fchdir, -1));
    int p[2];
    pipe(p);
    CHECK("fchdir pipe", syscall(SYS_fchdir, p[0]));
    int null = open("/dev/null", O_RDONLY);
    CHECK("fchdir /dev/null", syscall(SYS_fchdir, null));
    CHECK("cwd unchanged", access("f", F_OK));

    /* the fd keeps the directory even after it is renamed */
    rename("d", "renamed");
    CHECK("fchdir renamed dir", syscall(SYS_fchdir, d));
    CHECK("inside visible", access("inside", F_OK));
    static char buf[4096];
    getcwd(buf, sizeof(buf));
    char *s = strrchr(buf, '/');
    printf("cwd ends with: %s\n", s ? s : buf);
    fchdir(here);

    /* close of the fd after fchdir does not affect the cwd */
    int d2 = open("renamed", O_RDONLY | O_DIRECTORY);
    fchdir(d2);
    close(d2);
    CHECK("cwd survives close", access("inside", F_OK));
    return 0;
}
