/* Job-control stop signals (SIGTSTP, SIGTTIN, SIGTTOU) are discarded for a
 * process in an orphaned process group, where no shell could continue it;
 * SIGSTOP still stops it. A group is orphaned when no member has a parent
 * in another group of the same session. */
#include "t.h"

static void report(const char *label, pid_t c, int sig)
{
    kill(c, sig);
    int st;
    /* a stop shows up at once; a discarded one never does */
    pid_t r = 0;
    for (int i = 0; i < 50 && r == 0; i++) {
        usleep(10 * 1000);
        r = waitpid(c, &st, WUNTRACED | WNOHANG);
    }
    printf("%s: %s\n", label, r == 0 ? "not stopped" : WIFSTOPPED(st) ? "stopped" : "other");
    if (r != 0)
        kill(c, SIGCONT);
}

/* A child in a new session (so its group is orphaned: its parent is in
 * another session) or in a new group of ours (not orphaned). */
static pid_t child(int new_session)
{
    int p[2];
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        if (new_session)
            setsid();
        else
            setpgid(0, 0);
        write(p[1], "x", 1);
        for (;;)
            pause();
    }
    char ch;
    read(p[0], &ch, 1);
    close(p[0]);
    close(p[1]);
    return c;
}

int main(void)
{
    pid_t c = child(0);
    report("own group: SIGTSTP", c, SIGTSTP);
    report("own group: SIGTTIN", c, SIGTTIN);
    report("own group: SIGSTOP", c, SIGSTOP);
    kill(c, SIGKILL);
    waitpid(c, NULL, 0);

    c = child(1);
    report("orphaned group: SIGTSTP", c, SIGTSTP);
    report("orphaned group: SIGTTIN", c, SIGTTIN);
    report("orphaned group: SIGTTOU", c, SIGTTOU);
    report("orphaned group: SIGSTOP", c, SIGSTOP);
    kill(c, SIGKILL);
    int st;
    waitpid(c, &st, 0);
    printf("then: %s\n", t_child_status(st));
    return 0;
}
