/* set_tid_address(2) */
#include "t.h"
#include <pthread.h>
#include <linux/futex.h>

static int clear_me = 12345;

static void *worker(void *arg) { return arg; }

int main(void)
{
    long tid = syscall(SYS_gettid);
    EXPECT("returns the caller's tid", syscall(SYS_set_tid_address, &clear_me) == tid);
    EXPECT("NULL is accepted", syscall(SYS_set_tid_address, NULL) == tid);
    EXPECT("a bad pointer is accepted (used only at exit)", syscall(SYS_set_tid_address, BADPTR) == tid);

    /* pthread_join relies on CLONE_CHILD_CLEARTID + futex wake */
    int ok = 1;
    for (int i = 0; i < 50; i++) {
        pthread_t t;
        void *ret;
        pthread_create(&t, NULL, worker, (void *)(long)i);
        pthread_join(t, &ret);
        ok &= (long)ret == i;
    }
    EXPECT("50 create/join cycles", ok);
    return 0;
}
