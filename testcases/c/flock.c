/* flock(2): shared/exclusive locks owned by the open file description
 * (shared by dup and fork), LOCK_NB, conversion, release on the last close,
 * independence from fcntl locks, errors. */
#include "t.h"
#include <sys/file.h>

int main(void)
{
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    int other = open("f", O_RDONLY);

    CHECK("op 0", flock(fd, 0));
    CHECK("LOCK_SH|LOCK_EX", flock(fd, LOCK_SH | LOCK_EX));
    CHECK("LOCK_NB alone", flock(fd, LOCK_NB));
    CHECK("bad op 64", flock(fd, 64));
    CHECK("bad fd", flock(99, LOCK_EX));
    CHECK("bad fd, bad op", flock(99, 0));
    int op = open("f", O_PATH);
    CHECK("O_PATH fd", flock(op, LOCK_SH));
    close(op);

    CHECK("LOCK_EX", flock(fd, LOCK_EX));
    CHECK("LOCK_EX again", flock(fd, LOCK_EX));
    CHECK("other: LOCK_EX|LOCK_NB", flock(other, LOCK_EX | LOCK_NB));
    CHECK("other: LOCK_SH|LOCK_NB", flock(other, LOCK_SH | LOCK_NB));
    int d = dup(fd);
    CHECK("dup: LOCK_EX|LOCK_NB (same description)", flock(d, LOCK_EX | LOCK_NB));
    CHECK("convert to LOCK_SH", flock(fd, LOCK_SH));
    CHECK("other: LOCK_SH|LOCK_NB", flock(other, LOCK_SH | LOCK_NB));
    CHECK("LOCK_EX|LOCK_NB while other shares", flock(fd, LOCK_EX | LOCK_NB));
    CHECK("other: LOCK_UN", flock(other, LOCK_UN));
    CHECK("other: LOCK_UN again", flock(other, LOCK_UN));
    CHECK("LOCK_EX|LOCK_NB", flock(fd, LOCK_EX | LOCK_NB));

    /* a forked child shares the description and so the lock */
    pid_t c = fork();
    if (c == 0) {
        CHECK("  child: LOCK_EX|LOCK_NB on inherited fd", flock(fd, LOCK_EX | LOCK_NB));
        int mine = open("f", O_RDONLY);
        CHECK("  child: own description LOCK_SH|LOCK_NB", flock(mine, LOCK_SH | LOCK_NB));
        CHECK("  child: LOCK_UN on inherited fd", flock(fd, LOCK_UN));
        CHECK("  child: own description LOCK_SH|LOCK_NB", flock(mine, LOCK_SH | LOCK_NB));
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    CHECK("other: LOCK_EX|LOCK_NB after child's LOCK_UN", flock(other, LOCK_EX | LOCK_NB));
    CHECK("other: LOCK_UN", flock(other, LOCK_UN));

    /* the lock lives until the description's last fd closes */
    CHECK("LOCK_EX", flock(fd, LOCK_EX));
    close(fd);
    CHECK("other: LOCK_SH|LOCK_NB, dup still open", flock(other, LOCK_SH | LOCK_NB));
    close(d);
    CHECK("other: LOCK_EX|LOCK_NB, all closed", flock(other, LOCK_EX | LOCK_NB));

    /* flock and fcntl locks do not see each other */
    fd = open("f", O_RDWR);
    struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    CHECK("fcntl write lock under another flock", fcntl(fd, F_SETLK, &l));

    /* a blocking LOCK_EX waits for the holder */
    int p[2];
    pipe(p);
    c = fork();
    if (c == 0) {
        int mine = open("f", O_RDONLY);
        write(p[1], "x", 1);
        CHECK("  child: blocking LOCK_EX", flock(mine, LOCK_EX));
        _exit(0);
    }
    char ch;
    read(p[0], &ch, 1);
    usleep(200 * 1000);
    printf("child still waiting: %d\n", waitpid(c, &st, WNOHANG) == 0);
    int r = flock(other, LOCK_UN); /* the child prints once it has the lock */
    waitpid(c, &st, 0);
    printf("other: LOCK_UN: %d\nchild: %s\n", r, t_child_status(st));
    return 0;
}
