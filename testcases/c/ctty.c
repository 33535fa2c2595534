/* Controlling terminals: a new session has none, so /dev/tty cannot be
 * opened (ENXIO) and the job-control ioctls on a non-terminal fail with
 * ENOTTY; a process that is not a session leader cannot acquire one. */
#include "t.h"
#include <sys/ioctl.h>

int main(void)
{
    int p[2];
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        CHECK("setsid", setsid() > 0);
        CHECK("open /dev/tty", open("/dev/tty", O_RDWR));
        CHECK("open /dev/tty O_PATH", open("/dev/tty", O_PATH) >= 0);
        int null = open("/dev/null", O_RDWR);
        pid_t pg;
        CHECK("TIOCGPGRP /dev/null", ioctl(null, TIOCGPGRP, &pg));
        CHECK("TIOCSCTTY /dev/null", ioctl(null, TIOCSCTTY, 0));
        CHECK("TIOCNOTTY /dev/null", ioctl(null, TIOCNOTTY));
        CHECK("TIOCGSID pipe", ioctl(p[0], TIOCGSID, &pg));
        CHECK("tcgetpgrp(pipe)", tcgetpgrp(p[0]));
        /* a child in this session (not its leader) inherits no terminal */
        pid_t g = fork();
        if (g == 0) {
            CHECK("  child: open /dev/tty", open("/dev/tty", O_RDWR));
            _exit(0);
        }
        waitpid(g, NULL, 0);
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    printf("child: %s\n", t_child_status(st));
    return 0;
}
