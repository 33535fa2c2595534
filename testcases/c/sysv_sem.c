/* System V semaphores: semget, semop, semtimedop, semctl, SEM_UNDO,
 * blocking and waking, /proc/sysvipc/sem */
#include "t.h"
#include <sys/ipc.h>
#include <sys/sem.h>

#define KEY 0x5e4d0002
/* qemu-user fills only the low 16 bits of the mode it converts */
#define MODE(m) ((unsigned)(unsigned short)(m))

union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
    struct seminfo *__buf;
};

static int sop(int id, unsigned short num, short op, short flg)
{
    struct sembuf b = {num, op, flg};
    return semop(id, &b, 1);
}

static int getval(int id, int n)
{
    return semctl(id, n, GETVAL);
}

/* Waits until `cmd` (GETNCNT or GETZCNT) of semaphore n reads `want`. */
static int count_becomes(int id, int n, int cmd, int want)
{
    int v = -1;
    for (int i = 0; i < 500; i++) {
        v = semctl(id, n, cmd);
        if (v == want)
            break;
        usleep(10000);
    }
    return v;
}

static void on_sig(int s)
{
    (void)s;
}

/* A child that blocks in semop(-1 on sem n) and reports how it ended. */
static pid_t blocked_child(int id, int n, short op)
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        errno = 0;
        int r = sop(id, n, op, 0);
        printf("child semop(%d on %d): ret=%d errno=%s\n", op, n, r, errname(r ? errno : 0));
        _exit(0);
    }
    return c;
}

static void proc_line(int key)
{
    FILE *f = fopen("/proc/sysvipc/sem", "r");
    char line[512];
    if (!f) {
        printf("/proc/sysvipc/sem: %s\n", errname(errno));
        return;
    }
    if (fgets(line, sizeof(line), f))
        printf("header: %s", line);
    while (fgets(line, sizeof(line), f)) {
        int k, id, n = 0;
        unsigned mode, nsems;
        if (sscanf(line, "%d %d %o %u", &k, &id, &mode, &nsems) != 4 || k != key)
            continue;
        for (char *save, *t = strtok_r(line, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
            n++;
        printf("line: fields=%d perms=%o nsems=%u\n", n, mode, nsems);
    }
    fclose(f);
}

int main(void)
{
    int old = semget(KEY, 0, 0);
    if (old >= 0)
        semctl(old, 0, IPC_RMID);
    struct semid_ds ds;
    union semun arg;
    int status;

    CHECK("semget nsems -1", semget(IPC_PRIVATE, -1, 0600));
    CHECK("semget nsems 32001", semget(IPC_PRIVATE, 32001, 0600));
    CHECK("semget nsems 0 private", semget(IPC_PRIVATE, 0, 0600));
    CHECK("semget missing key", semget(KEY, 1, 0600));
    int id = CHECK_OK("semget create", semget(KEY, 3, IPC_CREAT | IPC_EXCL | 0600));
    CHECK("semget excl again", semget(KEY, 3, IPC_CREAT | IPC_EXCL | 0600));
    EXPECT("semget nsems 0 finds it", semget(KEY, 0, 0) == id);
    EXPECT("semget fewer finds it", semget(KEY, 2, 0) == id);
    CHECK("semget more than it has", semget(KEY, 4, 0));

    arg.buf = &ds;
    CHECK("IPC_STAT", semctl(id, 0, IPC_STAT, arg));
    printf("stat: key ok=%d nsems=%lu mode=%o otime=%ld ctime set=%d uid=%u\n", ds.sem_perm.__key == KEY,
           (unsigned long)ds.sem_nsems, MODE(ds.sem_perm.mode), (long)ds.sem_otime, ds.sem_ctime != 0,
           ds.sem_perm.uid);

    /* values */
    printf("initial: %d %d %d\n", getval(id, 0), getval(id, 1), getval(id, 2));
    CHECK("SETVAL", semctl(id, 0, SETVAL, (union semun){.val = 5}));
    CHECK("GETVAL", semctl(id, 0, GETVAL));
    EXPECT("GETPID is us", semctl(id, 0, GETPID) == getpid());
    CHECK("GETPID untouched", semctl(id, 1, GETPID));
    CHECK("SETVAL -1", semctl(id, 0, SETVAL, (union semun){.val = -1}));
    CHECK("SETVAL 32768", semctl(id, 0, SETVAL, (union semun){.val = 32768}));
    CHECK("SETVAL 32767", semctl(id, 1, SETVAL, (union semun){.val = 32767}));
    CHECK("SETVAL semnum 3", semctl(id, 3, SETVAL, (union semun){.val = 1}));
    CHECK("GETVAL semnum -1", semctl(id, -1, GETVAL));
    unsigned short all[3] = {1, 2, 3}, got[3];
    CHECK("SETALL", semctl(id, 0, SETALL, (union semun){.array = all}));
    CHECK("GETALL", semctl(id, 0, GETALL, (union semun){.array = got}));
    printf("all: %d %d %d\n", got[0], got[1], got[2]);
    unsigned short bad[3] = {1, 40000, 3};
    CHECK("SETALL out of range", semctl(id, 0, SETALL, (union semun){.array = bad}));
    CHECK("GETALL bad pointer", semctl(id, 0, GETALL, (union semun){.array = BADPTR}));
    CHECK("SETALL bad pointer", semctl(id, 0, SETALL, (union semun){.array = BADPTR}));

    /* semop */
    CHECK("semop +1", sop(id, 0, 1, 0));
    semctl(id, 0, IPC_STAT, (union semun){.buf = &ds});
    printf("otime set: %d, val %d\n", ds.sem_otime != 0, getval(id, 0));
    struct sembuf two[2] = {{0, 1, 0}, {1, -5, IPC_NOWAIT}};
    CHECK("semop array would block", semop(id, two, 2));
    printf("atomic: %d %d\n", getval(id, 0), getval(id, 1));
    struct sembuf dup[2] = {{2, -3, 0}, {2, 1, 0}};
    CHECK("semop same semaphore twice", semop(id, dup, 2));
    printf("after: %d\n", getval(id, 2));
    CHECK("semop nsops 0", semop(id, two, 0));
    static struct sembuf many[501];
    CHECK("semop nsops 501", semop(id, many, 501));
    CHECK("semop semnum 3", sop(id, 3, 1, 0));
    CHECK("semop bad pointer", syscall(SYS_semop, id, BADPTR, 1));
    semctl(id, 1, SETVAL, (union semun){.val = 32767});
    CHECK("semop past SEMVMX", sop(id, 1, 1, 0));
    CHECK("semop wait for zero nowait", sop(id, 1, 0, IPC_NOWAIT));
    CHECK("semop bad id", sop(id + 1, 0, 1, 0));
    CHECK("semop negative id", sop(-1, 0, 1, 0));

    /* semtimedop */
    struct timespec ts = {0, 50 * 1000000};
    struct sembuf dec = {2, -10, 0};
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK("semtimedop times out", semtimedop(id, &dec, 1, &ts));
    EXPECT("waited about 50 ms", t_ms_since(&t0) >= 40);
    struct timespec zero = {0, 0};
    CHECK("semtimedop zero timeout", semtimedop(id, &dec, 1, &zero));
    struct timespec badts = {0, 1000000000};
    CHECK("semtimedop bad timeout", semtimedop(id, &dec, 1, &badts));
    CHECK("semtimedop timeout bad pointer", syscall(SYS_semtimedop, id, &dec, 1, BADPTR));
    printf("ncnt after timeouts: %d\n", semctl(id, 2, GETNCNT));

    /* blocking: woken in order by increments */
    semctl(id, 0, SETVAL, (union semun){.val = 0});
    pid_t c = blocked_child(id, 0, -1);
    printf("GETNCNT with a sleeper: %d\n", count_becomes(id, 0, GETNCNT, 1));
    int r = sop(id, 0, 1, 0);
    waitpid(c, &status, 0);
    printf("semop +1 woke it: %d\n", r);
    printf("value after wake: %d, ncnt %d\n", getval(id, 0), semctl(id, 0, GETNCNT));
    semctl(id, 1, SETVAL, (union semun){.val = 2});
    c = blocked_child(id, 1, 0);
    printf("GETZCNT with a sleeper: %d\n", count_becomes(id, 1, GETZCNT, 1));
    r = sop(id, 1, -2, 0);
    waitpid(c, &status, 0);
    printf("semop -2 to zero: %d\n", r);

    /* a signal interrupts: EINTR, with or without SA_RESTART */
    for (int restart = 0; restart < 2; restart++) {
        struct sigaction sa = {0};
        sa.sa_handler = on_sig;
        sa.sa_flags = restart ? SA_RESTART : 0;
        sigaction(SIGUSR1, &sa, NULL);
        pid_t k = t_signal_later(SIGUSR1, 100);
        errno = 0;
        r = sop(id, 0, -1, 0);
        printf("semop interrupted (SA_RESTART=%d): ret=%d errno=%s\n", restart, r, errname(errno));
        waitpid(k, &status, 0);
    }
    printf("ncnt after interrupts: %d\n", semctl(id, 0, GETNCNT));

    /* SEM_UNDO: reverted at exit, clamped to the range */
    semctl(id, 0, SETVAL, (union semun){.val = 1});
    fflush(stdout);
    c = fork();
    if (c == 0) {
        sop(id, 0, 2, SEM_UNDO);
        sop(id, 0, -1, SEM_UNDO);
        printf("child sees: %d\n", getval(id, 0));
        _exit(0);
    }
    waitpid(c, &status, 0);
    printf("after child's undo: %d\n", getval(id, 0));
    int up[2], down[2];
    pipe(up);
    pipe(down);
    fflush(stdout);
    c = fork();
    if (c == 0) {
        sop(id, 0, 5, SEM_UNDO);
        write(up[1], "x", 1);
        char ch;
        read(down[0], &ch, 1);
        _exit(0);
    }
    char ch;
    read(up[0], &ch, 1);
    sop(id, 0, -5, 0); /* 6 - 5 = 1: the undo of -5 would go below 0 */
    write(down[1], "x", 1);
    waitpid(c, &status, 0);
    printf("undo clamped at zero: %d\n", getval(id, 0));
    fflush(stdout);
    c = fork();
    if (c == 0) {
        sop(id, 0, 3, SEM_UNDO);
        semctl(id, 0, SETVAL, (union semun){.val = 7}); /* clears the adjustment */
        _exit(0);
    }
    waitpid(c, &status, 0);
    printf("SETVAL cleared the undo: %d\n", getval(id, 0));
    semctl(id, 2, SETVAL, (union semun){.val = 32767});
    CHECK("undo to the limit", sop(id, 2, -32767, SEM_UNDO));
    struct sembuf over[2] = {{2, 1, 0}, {2, -1, SEM_UNDO}};
    CHECK("undo adjustment out of range", semop(id, over, 2));
    printf("val: %d\n", getval(id, 2));

    /* IPC_SET, info */
    semctl(id, 0, IPC_STAT, (union semun){.buf = &ds});
    ds.sem_perm.mode = 0640;
    CHECK("IPC_SET", semctl(id, 0, IPC_SET, (union semun){.buf = &ds}));
    semctl(id, 0, IPC_STAT, (union semun){.buf = &ds});
    printf("mode after IPC_SET: %o\n", MODE(ds.sem_perm.mode));
    ds.sem_perm.gid = (gid_t)-1;
    CHECK("IPC_SET gid -1", semctl(id, 0, IPC_SET, (union semun){.buf = &ds}));
    CHECK("IPC_STAT bad pointer", semctl(id, 0, IPC_STAT, (union semun){.buf = BADPTR}));
    CHECK("bad command", semctl(id, 0, 99));
    CHECK("negative id", semctl(-1, 0, GETVAL));
    struct seminfo si;
    long maxidx = CHECK_OK("IPC_INFO", semctl(0, 0, IPC_INFO, (union semun){.__buf = &si}));
    printf("seminfo: map=%d mni=%d mns=%d mnu=%d msl=%d opm=%d ume=%d usz=%d vmx=%d aem=%d maxidx ok=%d\n",
           si.semmap, si.semmni, si.semmns, si.semmnu, si.semmsl, si.semopm, si.semume, si.semusz, si.semvmx,
           si.semaem, maxidx >= id % 32768);
    CHECK_OK("SEM_INFO", semctl(0, 0, SEM_INFO, (union semun){.__buf = &si}));
    printf("sem_info: usz>=1 %d aem>=3 %d\n", si.semusz >= 1, si.semaem >= 3);
    EXPECT("SEM_STAT by index gives the id", semctl(id % 32768, 0, SEM_STAT, (union semun){.buf = &ds}) == id);
    proc_line(KEY);

    /* IPC_RMID wakes sleepers with EIDRM */
    semctl(id, 0, SETVAL, (union semun){.val = 0});
    c = blocked_child(id, 0, -1);
    count_becomes(id, 0, GETNCNT, 1);
    r = semctl(id, 0, IPC_RMID);
    waitpid(c, &status, 0);
    printf("IPC_RMID: %d\n", r);
    CHECK("GETVAL removed", semctl(id, 0, GETVAL));
    CHECK("semop removed", sop(id, 0, 1, 0));
    CHECK("IPC_RMID twice", semctl(id, 0, IPC_RMID));
    return 0;
}
