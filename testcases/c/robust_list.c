/* set_robust_list / get_robust_list, and what the kernel does with the list
 * when a thread or process dies: FUTEX_OWNER_DIED on the locks it owned and
 * one waiter woken, so that pthread robust mutexes report EOWNERDEAD.
 * qemu-user (the riscv64 reference) has no robust lists (ENOSYS), so all
 * but the argument checks run only where the reference is a kernel. */
#include "t.h"
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stddef.h>

static long set_rl(void *head, size_t len) { return syscall(SYS_set_robust_list, head, len); }
static long get_rl(int tid, void *head, void *len) { return syscall(SYS_get_robust_list, tid, head, len); }

static pthread_mutex_t m;

static void *lock_and_die(void *arg)
{
    (void)arg;
    printf("thread lock: %s\n", errname(pthread_mutex_lock(&m)));
    return NULL; /* exits holding it */
}

static void *lock_blocking(void *arg)
{
    (void)arg;
    int r = pthread_mutex_lock(&m);
    if (r == EOWNERDEAD)
        pthread_mutex_consistent(&m);
    pthread_mutex_unlock(&m);
    return (void *)(long)r;
}

static void *hold_until_waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    /* die only once the other thread sleeps on the lock */
    while (!(__atomic_load_n((unsigned *)&m, __ATOMIC_SEQ_CST) & FUTEX_WAITERS))
        usleep(1000);
    usleep(20000);
    return NULL;
}

static void mutexes(void)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&m, &a);

    pthread_t t;
    pthread_create(&t, NULL, lock_and_die, NULL);
    pthread_join(t, NULL);
    printf("owner died bit: %d\n", !!(*(unsigned *)&m & FUTEX_OWNER_DIED));
    int r = pthread_mutex_lock(&m);
    printf("lock after owner died: %s\n", errname(r));
    printf("consistent: %s\n", errname(pthread_mutex_consistent(&m)));
    printf("unlock: %s\n", errname(pthread_mutex_unlock(&m)));
    printf("lock again: %s\n", errname(pthread_mutex_lock(&m)));
    pthread_mutex_unlock(&m);

    /* unlocked without consistent: unrecoverable */
    pthread_create(&t, NULL, lock_and_die, NULL);
    pthread_join(t, NULL);
    printf("lock: %s\n", errname(pthread_mutex_lock(&m)));
    pthread_mutex_unlock(&m);
    printf("lock after unlock without consistent: %s\n", errname(pthread_mutex_lock(&m)));
    pthread_mutex_destroy(&m);

    /* a waiter asleep on the lock is woken by the owner's death */
    pthread_mutex_init(&m, &a);
    pthread_t holder, waiter;
    pthread_create(&holder, NULL, hold_until_waiter, NULL);
    while (!*(volatile unsigned *)&m)
        usleep(1000);
    pthread_create(&waiter, NULL, lock_blocking, NULL);
    void *res;
    pthread_join(holder, NULL);
    pthread_join(waiter, &res);
    printf("sleeping waiter got: %s\n", errname((int)(long)res));
    pthread_mutex_destroy(&m);
}

/* A hand-made list: entries are struct robust_list followed, at
 * futex_offset, by the lock word. */
struct lock {
    struct robust_list link;
    unsigned word;
};

static struct robust_list_head head;
static struct lock locks[6];
static unsigned woken_ret = 99;

static void *waiter_on_lock2(void *arg)
{
    (void)arg;
    unsigned v = locks[2].word;
    woken_ret = syscall(SYS_futex, &locks[2].word, FUTEX_WAIT, v, NULL, NULL, 0);
    return NULL;
}

static void *dying_thread(void *arg)
{
    pthread_t *w = arg;
    unsigned tid = gettid();
    /* 0: owned; 1: owned by someone else; 2: owned with waiters (one
     * sleeps on it); 3: pending and owned; 4: not on the list, owned;
     * 5: owned, the PI bit on its link */
    locks[0].word = tid;
    locks[1].word = tid + 1;
    locks[2].word = tid | FUTEX_WAITERS;
    locks[3].word = tid;
    locks[4].word = tid;
    locks[5].word = tid;
    head.list.next = &locks[0].link;
    locks[0].link.next = &locks[1].link;
    locks[1].link.next = &locks[2].link;
    locks[2].link.next = (struct robust_list *)((char *)&locks[5].link + 1);
    locks[5].link.next = &head.list;
    head.futex_offset = offsetof(struct lock, word);
    head.list_op_pending = &locks[3].link;
    pthread_create(w, NULL, waiter_on_lock2, NULL);
    while (syscall(SYS_futex, &locks[2].word, FUTEX_REQUEUE, 0, INT_MAX, &locks[2].word, 0) != 1)
        usleep(1000);
    printf("set_robust_list: %s\n", set_rl(&head, sizeof(head)) ? errname(errno) : "0");
    syscall(SYS_exit, 0); /* glibc's own list is no longer registered */
    return NULL;
}

static void hand_made_list(void)
{
    pthread_t t, w;
    pthread_create(&t, NULL, dying_thread, &w);
    pthread_join(t, NULL); /* its tid word is cleared after the list walk */
    pthread_join(w, NULL); /* the death woke it */
    /* the thread's tid is gone; compare bits only */
    printf("waiter woken: ret=%u\n", woken_ret);
    const char *what[] = {"owned", "someone else's", "owned+waiters", "pending", "off list", "PI link"};
    for (int i = 0; i < 6; i++)
        printf("lock %d (%s): owner_died=%d waiters=%d owner_kept=%d\n", i, what[i],
               !!(locks[i].word & FUTEX_OWNER_DIED), !!(locks[i].word & FUTEX_WAITERS),
               (locks[i].word & FUTEX_TID_MASK) != 0);
}

/* A process dies holding a lock in shared memory. */
static void process_death(void)
{
    struct shared {
        struct robust_list_head head;
        struct lock l;
    } *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pid_t c = fork();
    if (c == 0) {
        s->l.word = getpid() | FUTEX_WAITERS;
        s->head.list.next = &s->l.link;
        s->l.link.next = &s->head.list;
        s->head.futex_offset = offsetof(struct lock, word);
        set_rl(&s->head, sizeof(s->head));
        _exit(3);
    }
    int st;
    waitpid(c, &st, 0);
    printf("process %s: word owner_died=%d waiters=%d\n", t_child_status(st),
           !!(s->l.word & FUTEX_OWNER_DIED), !!(s->l.word & FUTEX_WAITERS));
}

static void *report_tid_list(void *arg)
{
    struct robust_list_head *h;
    size_t len;
    (void)arg;
    get_rl(0, &h, &len);
    return h;
}

int main(void)
{
    struct robust_list_head h2, *hp = NULL;
    size_t len = 0;
    if (REF_IS_QEMU) {
        printf("robust lists: qemu-user has none, not compared\n");
        return 0;
    }
    CHECK("set_robust_list len-1", set_rl(&h2, sizeof(h2) - 1));
    CHECK("set_robust_list len+1", set_rl(&h2, sizeof(h2) + 1));
    CHECK("get_robust_list unknown tid", get_rl(INT_MAX, &hp, &len));
    CHECK("get_robust_list -1", get_rl(-1, &hp, &len));
    CHECK("get_robust_list self", get_rl(0, &hp, &len));
    printf("len %zu, head set by libc: %d\n", len, hp != NULL);
    CHECK("get_robust_list bad head ptr", get_rl(0, BADPTR, &len));
    CHECK("get_robust_list bad len ptr", get_rl(0, &hp, BADPTR));
    CHECK("get_robust_list own tid", get_rl(gettid(), &hp, &len));
    struct robust_list_head *mine = hp;
    CHECK("set_robust_list NULL", set_rl(NULL, sizeof(h2)));
    CHECK("get_robust_list", get_rl(0, &hp, &len));
    printf("head now NULL: %d\n", hp == NULL);
    CHECK("set_robust_list back", set_rl(mine, sizeof(h2)));
    pthread_t t;
    void *other;
    pthread_create(&t, NULL, report_tid_list, NULL);
    pthread_join(t, &other);
    printf("threads have their own list: %d\n", other != NULL && other != (void *)mine);

    pid_t c = fork();
    if (c == 0) {
        /* from the child: the parent's main thread, by tid */
        struct robust_list_head *ph = NULL;
        get_rl(getppid(), &ph, &len);
        printf("child sees parent's list: %d\n", ph == mine);
        fflush(stdout);
        _exit(0);
    }
    waitpid(c, NULL, 0);

    mutexes();
    hand_made_list();
    process_death();
    return 0;
}
