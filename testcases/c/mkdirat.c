/* mkdirat(2) */
#include "t.h"

static void mode(const char *label, const char *p)
{
    struct stat st;
    if (stat(p, &st))
        printf("%s: %s\n", label, errname(errno));
    else
        printf("%s: dir=%d perm=%o nlink=%ld\n", label, S_ISDIR(st.st_mode), st.st_mode & 07777, (long)st.st_nlink);
}

int main(void)
{
    umask(022);
    CHECK("mkdir d", syscall(SYS_mkdirat, AT_FDCWD, "d", 0777));
    mode("d", "d");
    CHECK("mkdir d again", syscall(SYS_mkdirat, AT_FDCWD, "d", 0777));
    CHECK("mkdir d/sub", syscall(SYS_mkdirat, AT_FDCWD, "d/sub", 0700));
    mode("d/sub", "d/sub");
    mode("d after subdir", "d");
    CHECK("mkdir with trailing slash", syscall(SYS_mkdirat, AT_FDCWD, "e/", 0755));
    mode("e", "e");
    CHECK("mkdir sticky+setgid bits", syscall(SYS_mkdirat, AT_FDCWD, "s", 03777));
    mode("s", "s");
    umask(0);
    CHECK("mkdir umask 0", syscall(SYS_mkdirat, AT_FDCWD, "u", 0777));
    mode("u", "u");
    umask(077);
    CHECK("mkdir umask 077", syscall(SYS_mkdirat, AT_FDCWD, "v", 0777));
    mode("v", "v");
    umask(022);

    CHECK("missing parent", syscall(SYS_mkdirat, AT_FDCWD, "no/x", 0755));
    t_write_file("f", "", 0644);
    CHECK("file parent", syscall(SYS_mkdirat, AT_FDCWD, "f/x", 0755));
    CHECK("over file", syscall(SYS_mkdirat, AT_FDCWD, "f", 0755));
    symlink("d", "l");
    CHECK("over symlink", syscall(SYS_mkdirat, AT_FDCWD, "l", 0755));
    symlink("target-missing", "dl");
    CHECK("over dangling symlink", syscall(SYS_mkdirat, AT_FDCWD, "dl", 0755));
    CHECK("through symlink", syscall(SYS_mkdirat, AT_FDCWD, "l/viasym", 0755));
    mode("d/viasym", "d/viasym");
    CHECK("empty path", syscall(SYS_mkdirat, AT_FDCWD, "", 0755));
    CHECK("dot", syscall(SYS_mkdirat, AT_FDCWD, ".", 0755));
    CHECK("dotdot", syscall(SYS_mkdirat, AT_FDCWD, "..", 0755));
    CHECK("NULL path", syscall(SYS_mkdirat, AT_FDCWD, NULL, 0755));
    CHECK("0x1 path", syscall(SYS_mkdirat, AT_FDCWD, BADPTR, 0755));
    CHECK("kernel path", syscall(SYS_mkdirat, AT_FDCWD, KPTR, 0755));
    char name[300];
    memset(name, 'n', 299);
    name[299] = 0;
    CHECK("name too long", syscall(SYS_mkdirat, AT_FDCWD, name, 0755));

    int d = open("d", O_RDONLY | O_DIRECTORY);
    CHECK("via dirfd", syscall(SYS_mkdirat, d, "x", 0755));
    mode("d/x", "d/x");
    CHECK("bad dirfd", syscall(SYS_mkdirat, 55, "x", 0755));
    int f = open("f", O_RDONLY);
    CHECK("file dirfd", syscall(SYS_mkdirat, f, "x", 0755));

    /* deep nesting */
    char path[512] = "deep";
    syscall(SYS_mkdirat, AT_FDCWD, path, 0755);
    int ok = 1;
    for (int i = 0; i < 20; i++) {
        strcat(path, "/n");
        ok &= syscall(SYS_mkdirat, AT_FDCWD, path, 0755) == 0;
    }
    EXPECT("20 nested levels", ok);
    strcat(path, "/file");
    t_write_file(path, "deep", 0644);
    struct stat st;
    EXPECT("file at the bottom", stat(path, &st) == 0 && st.st_size == 4);
    return 0;
}
