/* getcwd(2) (raw syscall: returns the length including the NUL) */
#include "t.h"

static char buf[4096];

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

int main(void)
{
    long n = syscall(SYS_getcwd, buf, sizeof(buf));
    printf("getcwd: ret ok=%d absolute=%d\n", n == (long)strlen(buf) + 1, buf[0] == '/');
    size_t len = strlen(buf);
    static char start[4096];
    strcpy(start, buf);

    mkdir("sub", 0755);
    mkdir("sub/deeper", 0755);
    chdir("sub/deeper");
    n = syscall(SYS_getcwd, buf, sizeof(buf));
    printf("in sub/deeper: ret ok=%d suffix ok=%d prefix ok=%d\n", n == (long)strlen(buf) + 1,
           ends_with(buf, "/sub/deeper"), strncmp(buf, start, len) == 0);
    chdir("..");
    syscall(SYS_getcwd, buf, sizeof(buf));
    printf("after ..: %d\n", ends_with(buf, "/sub"));
    chdir("..");
    syscall(SYS_getcwd, buf, sizeof(buf));
    printf("back at start: %d\n", strcmp(buf, start) == 0);

    CHECK("size 0", syscall(SYS_getcwd, buf, 0));
    CHECK("size 1", syscall(SYS_getcwd, buf, 1));
    CHECK("size = strlen (no room for NUL)", syscall(SYS_getcwd, buf, len));
    CHECK("size = strlen+1", syscall(SYS_getcwd, buf, len + 1) == (long)len + 1);
    CHECK("NULL buf", syscall(SYS_getcwd, NULL, sizeof(buf)));
    CHECK("0x1 buf", syscall(SYS_getcwd, BADPTR, sizeof(buf)));
    CHECK("unmapped buf", syscall(SYS_getcwd, t_unmapped(), 4096));
    CHECK("kernel buf", syscall(SYS_getcwd, KPTR, sizeof(buf)));

    /* glibc's getcwd(NULL, 0) allocates */
    char *p = getcwd(NULL, 0);
    EXPECT("getcwd(NULL, 0) allocates", p && strcmp(p, start) == 0);
    free(p);

    /* through a symlink, getcwd reports the real path */
    symlink("sub", "link");
    chdir("link");
    syscall(SYS_getcwd, buf, sizeof(buf));
    printf("via symlink ends in /sub: %d\n", ends_with(buf, "/sub"));
    chdir("..");

    /* the cwd renamed, and moved to another directory, by paths from outside */
    mkdir("m", 0755);
    mkdir("m/cwd", 0755);
    mkdir("other", 0755);
    chdir("m/cwd");
    rename("../../m/cwd", "../../m/cwd2");
    syscall(SYS_getcwd, buf, sizeof(buf));
    printf("renamed cwd ends in /m/cwd2: %d\n", ends_with(buf, "/m/cwd2"));
    rename("../../m/cwd2", "../../other/cwd3");
    syscall(SYS_getcwd, buf, sizeof(buf));
    printf("moved cwd ends in /other/cwd3: %d\n", ends_with(buf, "/other/cwd3"));
    rename("../../other", "../../other2");
    syscall(SYS_getcwd, buf, sizeof(buf));
    printf("parent renamed, cwd ends in /other2/cwd3: %d\n", ends_with(buf, "/other2/cwd3"));
    chdir(start);

    /* removed cwd */
    mkdir("gone", 0755);
    chdir("gone");
    rmdir("../gone");
    CHECK("removed cwd", syscall(SYS_getcwd, buf, sizeof(buf)));
    return 0;
}
