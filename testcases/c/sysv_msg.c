/* System V message queues: msgget, msgsnd, msgrcv, msgctl, selection by
 * type, limits, blocking and waking, /proc/sysvipc/msg */
#include "t.h"
#include <sys/ipc.h>
#include <sys/msg.h>

#define KEY 0x5e4d0003
/* qemu-user fills only the low 16 bits of the mode it converts */
#define MODE(m) ((unsigned)(unsigned short)(m))

struct m {
    long mtype;
    char mtext[8300];
};

static int snd(int id, long type, const char *text, int flg)
{
    struct m b;
    b.mtype = type;
    strcpy(b.mtext, text);
    return msgsnd(id, &b, strlen(text), flg);
}

/* Receives and prints what came (or the error). */
static void rcv(const char *label, int id, size_t sz, long type, int flg)
{
    struct m b;
    memset(&b, 0, sizeof(b));
    errno = 0;
    long r = msgrcv(id, &b, sz, type, flg);
    if (r < 0)
        printf("%s: ret=-1 errno=%s\n", label, errname(errno));
    else
        printf("%s: ret=%ld type=%ld text=%.*s\n", label, r, b.mtype, (int)r, b.mtext);
}

static struct msqid_ds st(int id)
{
    struct msqid_ds ds;
    memset(&ds, 0xff, sizeof(ds));
    if (msgctl(id, IPC_STAT, &ds) != 0)
        printf("IPC_STAT failed: %s\n", errname(errno));
    return ds;
}

static void on_sig(int s)
{
    (void)s;
}

static void proc_line(int key)
{
    FILE *f = fopen("/proc/sysvipc/msg", "r");
    char line[512];
    if (!f) {
        printf("/proc/sysvipc/msg: %s\n", errname(errno));
        return;
    }
    if (fgets(line, sizeof(line), f))
        printf("header: %s", line);
    while (fgets(line, sizeof(line), f)) {
        int k, id, n = 0;
        unsigned mode;
        unsigned long cbytes, qnum;
        if (sscanf(line, "%d %d %o %lu %lu", &k, &id, &mode, &cbytes, &qnum) != 5 || k != key)
            continue;
        for (char *save, *t = strtok_r(line, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
            n++;
        printf("line: fields=%d perms=%o cbytes=%lu qnum=%lu\n", n, mode, cbytes, qnum);
    }
    fclose(f);
}

/* A child that receives (blocking) and reports. */
static pid_t receiver(int id, size_t sz, long type)
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        rcv("child msgrcv", id, sz, type, 0);
        _exit(0);
    }
    usleep(200000); /* let it sleep in msgrcv */
    return c;
}

int main(void)
{
    int old = msgget(KEY, 0);
    if (old >= 0)
        msgctl(old, IPC_RMID, NULL);
    int status;

    CHECK("msgget missing key", msgget(KEY, 0600));
    int id = CHECK_OK("msgget create", msgget(KEY, IPC_CREAT | IPC_EXCL | 0600));
    CHECK("msgget excl again", msgget(KEY, IPC_CREAT | IPC_EXCL | 0600));
    EXPECT("msgget finds it", msgget(KEY, 0) == id);
    struct msqid_ds ds = st(id);
    printf("stat: key ok=%d mode=%o qnum=%lu cbytes=%lu qbytes=%lu lspid=%d lrpid=%d stime=%ld ctime set=%d\n",
           ds.msg_perm.__key == KEY, MODE(ds.msg_perm.mode), (unsigned long)ds.msg_qnum,
           (unsigned long)ds.__msg_cbytes, (unsigned long)ds.msg_qbytes, ds.msg_lspid, ds.msg_lrpid,
           (long)ds.msg_stime, ds.msg_ctime != 0);

    /* sending: argument checks */
    CHECK("msgsnd type 0", snd(id, 0, "x", 0));
    CHECK("msgsnd type -1", snd(id, -1, "x", 0));
    struct m big = {1, {0}};
    CHECK("msgsnd 8193 bytes", msgsnd(id, &big, 8193, 0));
    CHECK("msgsnd 8192 bytes", msgsnd(id, &big, 8192, 0));
    rcv("take it back", id, 8192, 0, IPC_NOWAIT);
    CHECK("msgsnd bad pointer", msgsnd(id, BADPTR, 1, 0));
    CHECK("msgsnd negative size", syscall(SYS_msgsnd, id, &big, (size_t)-1, 0));
    CHECK("msgsnd bad id", snd(id + 1, 1, "x", 0));
    CHECK("msgsnd negative id", snd(-1, 1, "x", 0));

    /* selection by type */
    snd(id, 3, "three", 0);
    snd(id, 1, "one-a", 0);
    snd(id, 2, "two", 0);
    snd(id, 1, "one-b", 0);
    snd(id, 5, "five", 0);
    ds = st(id);
    printf("queued: qnum=%lu cbytes=%lu lspid ok=%d stime set=%d\n", (unsigned long)ds.msg_qnum,
           (unsigned long)ds.__msg_cbytes, ds.msg_lspid == getpid(), ds.msg_stime != 0);
    proc_line(KEY);
    rcv("MSG_COPY 0", id, 100, 0, MSG_COPY | IPC_NOWAIT);
    rcv("MSG_COPY 4", id, 100, 4, MSG_COPY | IPC_NOWAIT);
    rcv("MSG_COPY 5", id, 100, 5, MSG_COPY | IPC_NOWAIT);
    rcv("MSG_COPY blocking", id, 100, 0, MSG_COPY);
    rcv("MSG_COPY MSG_EXCEPT", id, 100, 0, MSG_COPY | MSG_EXCEPT | IPC_NOWAIT);
    rcv("type 2", id, 100, 2, 0);
    rcv("type -2", id, 100, -2, 0);
    rcv("except 1", id, 100, 1, MSG_EXCEPT);
    rcv("type 9 nowait", id, 100, 9, IPC_NOWAIT);
    rcv("too small", id, 3, 0, 0);
    rcv("MSG_NOERROR", id, 3, 0, MSG_NOERROR);
    rcv("type 0", id, 100, 0, 0);
    rcv("empty nowait", id, 100, 0, IPC_NOWAIT);
    ds = st(id);
    printf("drained: qnum=%lu cbytes=%lu rtime set=%d\n", (unsigned long)ds.msg_qnum,
           (unsigned long)ds.__msg_cbytes, ds.msg_rtime != 0);
    if (!REF_IS_QEMU) /* qemu-user loses msg_lrpid */
        EXPECT("lrpid is us", ds.msg_lrpid == getpid());
    CHECK("msgrcv negative size", syscall(SYS_msgrcv, id, &big, (size_t)-1, 0, IPC_NOWAIT));
    CHECK("msgrcv bad id", msgrcv(id + 1, &big, 10, 0, IPC_NOWAIT));
    if (!REF_IS_QEMU) { /* qemu-user checks the buffer before receiving */
        snd(id, 4, "four", 0);
        CHECK("msgrcv bad pointer", msgrcv(id, BADPTR, 10, 0, 0));
        printf("consumed anyway: %lu\n", (unsigned long)st(id).msg_qnum);
    }

    /* a sleeping receiver gets the message directly */
    pid_t c = receiver(id, 100, 7);
    snd(id, 6, "six", 0);
    snd(id, 7, "seven", 0);
    waitpid(c, &status, 0);
    printf("left: qnum=%lu\n", (unsigned long)st(id).msg_qnum);
    rcv("six", id, 100, 0, IPC_NOWAIT);
    /* ... or E2BIG when its buffer is too small, and the message stays */
    c = receiver(id, 2, 0);
    snd(id, 8, "eight", 0);
    waitpid(c, &status, 0);
    printf("after E2BIG: qnum=%lu\n", (unsigned long)st(id).msg_qnum);
    rcv("eight", id, 100, 0, IPC_NOWAIT);

    /* a signal interrupts a receiver: EINTR with a handler, SA_RESTART or not */
    for (int restart = 0; restart < 2; restart++) {
        struct sigaction sa = {0};
        sa.sa_handler = on_sig;
        sa.sa_flags = restart ? SA_RESTART : 0;
        sigaction(SIGUSR1, &sa, NULL);
        pid_t k = t_signal_later(SIGUSR1, 100);
        char label[64];
        snprintf(label, sizeof(label), "msgrcv interrupted (SA_RESTART=%d)", restart);
        rcv(label, id, 100, 0, 0);
        waitpid(k, &status, 0);
    }

    /* a full queue blocks senders (qemu-user garbles msg_qbytes in IPC_SET) */
    if (!REF_IS_QEMU) {
        ds = st(id);
        ds.msg_qbytes = 10;
        CHECK("IPC_SET qbytes 10", msgctl(id, IPC_SET, &ds));
        CHECK("send 8 bytes", snd(id, 1, "12345678", 0));
        CHECK("send 8 more nowait", snd(id, 1, "abcdefgh", IPC_NOWAIT));
        fflush(stdout);
        c = fork();
        if (c == 0) {
            _exit(snd(id, 2, "abcdefgh", 0) == 0 ? 0 : 1);
        }
        usleep(200000);
        printf("while blocked: qnum=%lu\n", (unsigned long)st(id).msg_qnum);
        rcv("make room", id, 100, 1, 0);
        waitpid(c, &status, 0);
        printf("blocked sender: %s\n", t_child_status(status));
        rcv("its message", id, 100, 0, IPC_NOWAIT);
        for (int restart = 0; restart < 2; restart++) {
            struct sigaction sa = {0};
            sa.sa_handler = on_sig;
            sa.sa_flags = restart ? SA_RESTART : 0;
            sigaction(SIGUSR1, &sa, NULL);
            snd(id, 1, "12345678", 0);
            pid_t k = t_signal_later(SIGUSR1, 100);
            errno = 0;
            int r = snd(id, 1, "abcdefgh", 0);
            printf("msgsnd interrupted (SA_RESTART=%d): ret=%d errno=%s\n", restart, r, errname(errno));
            waitpid(k, &status, 0);
            rcv("drain", id, 100, 0, IPC_NOWAIT);
        }
    }

    /* IPC_SET and info */
    ds = st(id);
    ds.msg_perm.mode = 0640;
    ds.msg_qbytes = 16384;
    CHECK("IPC_SET", msgctl(id, IPC_SET, &ds));
    ds = st(id);
    printf("after IPC_SET: mode=%o\n", MODE(ds.msg_perm.mode));
    if (!REF_IS_QEMU)
        printf("qbytes=%lu\n", (unsigned long)ds.msg_qbytes);
    ds.msg_perm.uid = (uid_t)-1;
    CHECK("IPC_SET uid -1", msgctl(id, IPC_SET, &ds));
    CHECK("IPC_STAT bad pointer", msgctl(id, IPC_STAT, BADPTR));
    CHECK("bad command", msgctl(id, 99, &ds));
    CHECK("negative id", msgctl(-1, IPC_STAT, &ds));
    struct msginfo mi;
    long maxidx = CHECK_OK("IPC_INFO", msgctl(0, IPC_INFO, (struct msqid_ds *)&mi));
    printf("msginfo: pool=%d map=%d max=%d mnb=%d mni=%d ssz=%d tql=%d seg=%d maxidx ok=%d\n", mi.msgpool,
           mi.msgmap, mi.msgmax, mi.msgmnb, mi.msgmni, mi.msgssz, mi.msgtql, mi.msgseg, maxidx >= id % 32768);
    CHECK_OK("MSG_INFO", msgctl(0, MSG_INFO, (struct msqid_ds *)&mi));
    printf("msg_info: pool>=1 %d\n", mi.msgpool >= 1);
    EXPECT("MSG_STAT by index gives the id", msgctl(id % 32768, MSG_STAT, &ds) == id);

    /* IPC_RMID wakes sleepers with EIDRM */
    c = receiver(id, 100, 0);
    int r = msgctl(id, IPC_RMID, NULL);
    waitpid(c, &status, 0);
    printf("IPC_RMID: %d\n", r);
    CHECK("msgsnd removed", snd(id, 1, "x", 0));
    CHECK("IPC_RMID twice", msgctl(id, IPC_RMID, NULL));
    return 0;
}
