/* System V shared memory: shmget, shmat, shmdt, shmctl, /proc/sysvipc/shm */
#include "t.h"
#include <sys/ipc.h>
#include <sys/shm.h>

#define KEY 0x5e4d0001
#define PG 4096
/* qemu-user fills only the low 16 bits of the mode it converts */
#define MODE(m) ((unsigned)(unsigned short)(m))

static int shm_id;

static struct shmid_ds st(int id)
{
    struct shmid_ds ds;
    memset(&ds, 0xff, sizeof(ds));
    if (shmctl(id, IPC_STAT, &ds) != 0)
        printf("IPC_STAT failed: %s\n", errname(errno));
    return ds;
}

static void write_rdonly(void *arg)
{
    *(volatile char *)arg = 1;
}

/* Waits until the segment has `n` attachments (up to 5 s). */
static long nattch_becomes(int id, unsigned long n)
{
    for (int i = 0; i < 500; i++) {
        if (st(id).shm_nattch == n)
            return (long)n;
        usleep(10000);
    }
    return (long)st(id).shm_nattch;
}

static void proc_line(int key)
{
    FILE *f = fopen("/proc/sysvipc/shm", "r");
    if (!f) {
        printf("/proc/sysvipc/shm: %s\n", errname(errno));
        return;
    }
    char line[512];
    if (fgets(line, sizeof(line), f))
        printf("header: %s", line);
    int found = 0;
    while (fgets(line, sizeof(line), f)) {
        int k;
        if (sscanf(line, "%d", &k) != 1 || k != key)
            continue;
        found++;
        int n = 0;
        char *save, *tok = strtok_r(line, " \n", &save);
        char perms[16] = "", size[32] = "", nattch[16] = "";
        for (; tok; tok = strtok_r(NULL, " \n", &save), n++) {
            if (n == 2)
                snprintf(perms, sizeof(perms), "%s", tok);
            if (n == 3)
                snprintf(size, sizeof(size), "%s", tok);
            if (n == 6)
                snprintf(nattch, sizeof(nattch), "%s", tok);
        }
        printf("line: fields=%d perms=%s size=%s nattch=%s\n", n, perms, size, nattch);
    }
    printf("lines with our key: %d\n", found);
    fclose(f);
}

static int maps_has_sysv(int key)
{
    char want[32];
    snprintf(want, sizeof(want), "/SYSV%08x", key);
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    int found = 0;
    while (f && fgets(line, sizeof(line), f))
        if (strstr(line, want) && strstr(line, "(deleted)") && strstr(line, "rw-s"))
            found = 1;
    if (f)
        fclose(f);
    return found;
}

int main(void)
{
    /* leftovers of an interrupted run */
    int old = shmget(KEY, 0, 0);
    if (old >= 0)
        shmctl(old, IPC_RMID, NULL);

    CHECK("shmget size 0", shmget(IPC_PRIVATE, 0, IPC_CREAT | 0600));
    CHECK("shmget huge", shmget(IPC_PRIVATE, (size_t)-1, IPC_CREAT | 0600));
    CHECK("shmget missing key", shmget(KEY, 100, 0600));
    int id = shm_id = CHECK_OK("shmget create", shmget(KEY, 10000, IPC_CREAT | IPC_EXCL | 0600));
    CHECK("shmget excl again", shmget(KEY, 10000, IPC_CREAT | IPC_EXCL | 0600));
    EXPECT("shmget existing same id", shmget(KEY, 10000, IPC_CREAT | 0600) == id);
    EXPECT("shmget size 0 finds it", shmget(KEY, 0, 0) == id);
    CHECK("shmget larger than segment", shmget(KEY, 20000, 0));
    int p1 = shmget(IPC_PRIVATE, 100, 0600), p2 = shmget(IPC_PRIVATE, 100, 0600);
    EXPECT("IPC_PRIVATE twice: two segments", p1 >= 0 && p2 >= 0 && p1 != p2);
    shmctl(p1, IPC_RMID, NULL);
    shmctl(p2, IPC_RMID, NULL);

    struct shmid_ds ds = st(id);
    printf("stat: key ok=%d segsz=%zu mode=%o nattch=%lu cpid ok=%d lpid=%d atime=%ld uid=%u cuid=%u ctime set=%d\n",
           ds.shm_perm.__key == KEY, ds.shm_segsz, MODE(ds.shm_perm.mode), (unsigned long)ds.shm_nattch,
           ds.shm_cpid == getpid(), ds.shm_lpid, (long)ds.shm_atime, ds.shm_perm.uid, ds.shm_perm.cuid,
           ds.shm_ctime != 0);

    char *a = shmat(id, NULL, 0);
    EXPECT("shmat", a != (void *)-1 && ((uintptr_t)a & (PG - 1)) == 0);
    printf("fresh memory zero: %d\n", a[0] == 0 && a[9999] == 0);
    strcpy(a, "hello");
    a[12287] = 7; /* the last page is whole */
    ds = st(id);
    printf("after shmat: nattch=%lu lpid ok=%d atime set=%d\n", (unsigned long)ds.shm_nattch,
           ds.shm_lpid == getpid(), ds.shm_atime != 0);
    EXPECT("/proc/self/maps names /SYSV key", maps_has_sysv(KEY));
    char *b = shmat(id, NULL, 0);
    EXPECT("second shmat elsewhere", b != (void *)-1 && b != a);
    printf("shared between attaches: %s %d\n", b, b[12287]);
    b[0] = 'j';
    printf("write seen through first: %s\n", a);
    printf("nattch two: %lu\n", (unsigned long)st(id).shm_nattch);

    /* fork: the child inherits both attachments */
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        printf("child nattch: %lu\n", (unsigned long)st(id).shm_nattch);
        strcpy(a, "child");
        _exit(0);
    }
    int status;
    waitpid(c, &status, 0);
    printf("parent sees child's write: %s; nattch after child exit: %lu\n", b,
           (unsigned long)st(id).shm_nattch);

    CHECK("shmdt second", shmdt(b));
    ds = st(id);
    printf("after shmdt: dtime set=%d lpid ok=%d\n", ds.shm_dtime != 0, ds.shm_lpid == getpid());
    CHECK("shmdt again", shmdt(b));
    CHECK("shmdt unaligned", shmdt(a + 1));
    CHECK("shmdt not shm", shmdt(t_unmapped()));
    printf("nattch one: %lu\n", (unsigned long)st(id).shm_nattch);

    /* read-only attach */
    char *r = shmat(id, NULL, SHM_RDONLY);
    EXPECT("shmat SHM_RDONLY", r != (void *)-1);
    printf("rdonly reads: %c\n", r[0]);
    printf("write to rdonly: %s\n", t_in_child(write_rdonly, r));
    CHECK("mprotect rdonly to write", mprotect(r, PG, PROT_READ | PROT_WRITE));
    CHECK("shmdt rdonly", shmdt(r));

    /* addresses */
    char *area = mmap(NULL, 8 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(area, 8 * PG);
    CHECK("shmat unaligned", (long)shmat(id, area + 100, 0));
    char *x = shmat(id, area + 100, SHM_RND);
    EXPECT("shmat SHM_RND rounds down", x == area);
    CHECK("msync inside rounded size", msync(x + 2 * PG, PG, MS_ASYNC));
    CHECK("msync past rounded size", msync(x + 3 * PG, PG, MS_ASYNC));
    CHECK("shmat over a mapping", (long)shmat(id, area + PG, 0));
    char *y = shmat(id, area + PG, SHM_REMAP);
    EXPECT("shmat SHM_REMAP replaces", y == area + PG);
    printf("remapped sees data: %s\n", y);
    if (!REF_IS_QEMU) /* qemu-user does not check SHM_REMAP without an address */
        CHECK("shmat SHM_REMAP NULL", (long)shmat(id, NULL, SHM_REMAP));
    CHECK("shmdt x", shmdt(x));
    CHECK("shmdt y", shmdt(y));

    /* a split attachment counts once per piece and shmdt removes them all
     * (qemu-user maps attachments its own way: it detaches one piece) */
    if (!REF_IS_QEMU) {
        char *s = shmat(id, NULL, 0);
        CHECK("mprotect middle page", mprotect(s + PG, PG, PROT_READ));
        printf("split nattch: %lu\n", (unsigned long)st(id).shm_nattch);
        CHECK("shmdt split", shmdt(s));
        printf("after split detach nattch: %lu\n", (unsigned long)st(id).shm_nattch);
    }

    CHECK("shmat bad id", (long)shmat(id + 1, NULL, 0));
    CHECK("shmat negative id", (long)shmat(-1, NULL, 0));

    /* IPC_SET */
    ds = st(id);
    ds.shm_perm.mode = 0640;
    CHECK("IPC_SET", shmctl(id, IPC_SET, &ds));
    printf("mode after IPC_SET: %o\n", MODE(st(id).shm_perm.mode));
    ds.shm_perm.uid = (uid_t)-1;
    CHECK("IPC_SET uid -1", shmctl(id, IPC_SET, &ds));
    CHECK("IPC_SET bad pointer", shmctl(id, IPC_SET, BADPTR));
    CHECK("IPC_STAT bad pointer", shmctl(id, IPC_STAT, BADPTR));
    CHECK("bad command", shmctl(id, 99, &ds));
    CHECK("negative id", shmctl(-1, IPC_STAT, &ds));
    CHECK("SHM_LOCK", shmctl(id, SHM_LOCK, NULL));
    printf("locked mode: %o\n", MODE(st(id).shm_perm.mode));
    CHECK("SHM_UNLOCK", shmctl(id, SHM_UNLOCK, NULL));

    struct shminfo info;
    long maxidx = CHECK_OK("IPC_INFO", shmctl(0, IPC_INFO, (struct shmid_ds *)&info));
    printf("shminfo: max=%lu min=%lu mni=%lu seg=%lu all=%lu maxidx ok=%d\n", info.shmmax, info.shmmin,
           info.shmmni, info.shmseg, info.shmall, maxidx >= id % 32768);
    struct shm_info sinfo;
    CHECK_OK("SHM_INFO", shmctl(0, SHM_INFO, (struct shmid_ds *)&sinfo));
    printf("shm_info: used_ids>=1 %d tot>=3 %d\n", sinfo.used_ids >= 1, sinfo.shm_tot >= 3);
    EXPECT("SHM_STAT by index gives the id", shmctl(id % 32768, SHM_STAT, &ds) == id);
    if (!REF_IS_QEMU) /* unknown to qemu-user */
        EXPECT("SHM_STAT_ANY by index gives the id", shmctl(id % 32768, SHM_STAT_ANY, &ds) == id);

    proc_line(KEY);

    /* IPC_RMID while attached: hidden key, destroyed at the last detach */
    CHECK("shmdt first", shmdt(a));
    char *k = shmat(id, NULL, 0);
    CHECK("IPC_RMID attached", shmctl(id, IPC_RMID, NULL));
    ds = st(id);
    printf("marked: key=%d mode=%o nattch=%lu\n", ds.shm_perm.__key, MODE(ds.shm_perm.mode),
           (unsigned long)ds.shm_nattch);
    CHECK("shmget key after IPC_RMID", shmget(KEY, 0, 0));
    char *k2 = shmat(id, NULL, 0);
    EXPECT("attach by id after IPC_RMID", k2 != (void *)-1);
    printf("data survives: %s; nattch=%lu\n", k2, (unsigned long)st(id).shm_nattch);
    shmdt(k2);
    CHECK("shmdt last", shmdt(k));
    CHECK("IPC_STAT after last detach", shmctl(id, IPC_STAT, &ds));

    /* IPC_RMID unattached goes at once; mode 0 is no obstacle to root */
    int z = shmget(IPC_PRIVATE, PG, 0);
    char *zp = shmat(z, NULL, 0);
    EXPECT("root attaches mode 0", zp != (void *)-1);
    shmdt(zp);
    CHECK("IPC_RMID", shmctl(z, IPC_RMID, NULL));
    CHECK("IPC_STAT removed", shmctl(z, IPC_STAT, &ds));
    CHECK("IPC_RMID twice", shmctl(z, IPC_RMID, NULL));

    /* exit and exec detach */
    int e = shmget(IPC_PRIVATE, PG, 0600);
    int pfd[2];
    pipe(pfd);
    fflush(stdout);
    c = fork();
    if (c == 0) {
        shmat(e, NULL, 0);
        dup2(pfd[0], 0);
        close(pfd[1]);
        execl("/bin/sh", "sh", "-c", "read x", (char *)NULL);
        _exit(127);
    }
    close(pfd[0]);
    printf("nattch after child's exec: %ld\n", nattch_becomes(e, 0));
    close(pfd[1]);
    waitpid(c, &status, 0);
    fflush(stdout);
    c = fork();
    if (c == 0) {
        shmat(e, NULL, 0);
        shmat(e, NULL, SHM_RDONLY);
        _exit(0);
    }
    waitpid(c, &status, 0);
    printf("nattch after child's exit: %lu\n", (unsigned long)st(e).shm_nattch);
    shmctl(e, IPC_RMID, NULL);
    return 0;
}
