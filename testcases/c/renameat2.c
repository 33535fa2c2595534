/* renameat2(2) with flags 0, RENAME_NOREPLACE and RENAME_EXCHANGE */
#include "t.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#define RENAME_WHITEOUT 4
#endif

static long ren(const char *a, const char *b, unsigned flags)
{
    return syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, flags);
}

static void cat(const char *p)
{
    char buf[64] = {0};
    int fd = open(p, O_RDONLY);
    if (fd < 0) {
        printf("  %s: %s\n", p, errname(errno));
        return;
    }
    read(fd, buf, sizeof(buf) - 1);
    close(fd);
    printf("  %s: %s\n", p, buf);
}

int main(void)
{
    t_write_file("a", "A", 0644);
    t_write_file("b", "B", 0644);
    mkdir("d", 0755);
    mkdir("e", 0755);
    mkdir("full", 0755);
    t_write_file("full/x", "X", 0644);

    CHECK("rename a -> c", ren("a", "c", 0));
    cat("a");
    cat("c");
    CHECK("rename c -> b (replace)", ren("c", "b", 0));
    cat("b");
    cat("c");
    CHECK("rename missing", ren("c", "z", 0));
    CHECK("rename to itself", ren("b", "b", 0));
    link("b", "b2");
    CHECK("rename hard link onto itself", ren("b", "b2", 0));
    cat("b");
    cat("b2");
    unlink("b2");

    t_write_file("n1", "N1", 0644);
    t_write_file("n2", "N2", 0644);
    CHECK("NOREPLACE existing", ren("n1", "n2", RENAME_NOREPLACE));
    CHECK("NOREPLACE new", ren("n1", "n3", RENAME_NOREPLACE));
    cat("n3");
    CHECK("EXCHANGE", ren("n2", "n3", RENAME_EXCHANGE));
    cat("n2");
    cat("n3");
    CHECK("EXCHANGE missing target", ren("n2", "nx", RENAME_EXCHANGE));
    CHECK("EXCHANGE file and dir", ren("n2", "e", RENAME_EXCHANGE));
    struct stat st;
    printf("  n2 is dir: %d, e is file: %d\n", stat("n2", &st) == 0 && S_ISDIR(st.st_mode),
           stat("e", &st) == 0 && S_ISREG(st.st_mode));
    CHECK("EXCHANGE back", ren("n2", "e", RENAME_EXCHANGE));
    CHECK("NOREPLACE|EXCHANGE", ren("n2", "n3", RENAME_NOREPLACE | RENAME_EXCHANGE));
    CHECK("unknown flag", ren("n2", "n3", 0x100));

    CHECK("dir -> new name", ren("d", "d2", 0));
    CHECK("dir onto empty dir", ren("d2", "e", 0));
    printf("  d2 gone: %d\n", access("d2", F_OK) != 0);
    mkdir("d", 0755);
    CHECK("dir onto non-empty dir", ren("d", "full", 0));
    CHECK("dir onto file", ren("d", "n2", 0));
    CHECK("file onto dir", ren("n2", "d", 0));
    CHECK("dir into itself", ren("d", "d/sub", 0));
    mkdir("d/sub", 0755);
    CHECK("dir into its subdir", ren("d", "d/sub/x", 0));
    CHECK("move file into dir", ren("n2", "d/n2", 0));
    cat("d/n2");
    CHECK("move dir into dir", ren("full", "d/full", 0));
    cat("d/full/x");
    CHECK("rename dot", ren(".", "dot", 0));
    CHECK("rename onto dotdot", ren("n3", "d/..", 0));
    CHECK("trailing slash on file source", ren("n3/", "n4", 0));
    CHECK("trailing slash dirs", ren("e/", "e2/", 0));
    CHECK("missing destination dir", ren("n3", "nodir/n3", 0));
    CHECK("through file", ren("n3", "n3/x", 0));
    CHECK("empty source", ren("", "x", 0));
    CHECK("empty target", ren("n3", "", 0));
    CHECK("NULL old", syscall(SYS_renameat2, AT_FDCWD, NULL, AT_FDCWD, "x", 0));
    CHECK("0x1 new", syscall(SYS_renameat2, AT_FDCWD, "n3", AT_FDCWD, BADPTR, 0));
    CHECK("kernel old", syscall(SYS_renameat2, AT_FDCWD, KPTR, AT_FDCWD, "x", 0));

    int d = open("d", O_RDONLY | O_DIRECTORY);
    CHECK("between dirfds", syscall(SYS_renameat2, AT_FDCWD, "n3", d, "moved", 0));
    cat("d/moved");
    CHECK("bad old dirfd", syscall(SYS_renameat2, 77, "a", AT_FDCWD, "b", 0));
    CHECK("bad new dirfd", syscall(SYS_renameat2, d, "moved", 77, "b", 0));
    close(d);

    /* an open fd follows the file */
    t_write_file("o", "open", 0644);
    int fd = open("o", O_RDONLY);
    ren("o", "o2", 0);
    char buf[8] = {0};
    read(fd, buf, 4);
    printf("read after rename: %s\n", buf);
    close(fd);

    /* symlink is renamed, not its target */
    symlink("o2", "sl");
    CHECK("rename symlink", ren("sl", "sl2", 0));
    printf("  sl2 is link: %d, o2 exists: %d\n", lstat("sl2", &st) == 0 && S_ISLNK(st.st_mode), access("o2", F_OK) == 0);
    return 0;
}
