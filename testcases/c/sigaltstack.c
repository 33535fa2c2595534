/* sigaltstack(2) and SA_ONSTACK. */
#include "t.h"
#include <pthread.h>
#include <ucontext.h>

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31) /* linux/signal.h; glibc does not define it */
#endif

static char *alt;
static size_t alt_size;
static volatile int on_alt, query_flags, change_err, uc_flags, uc_sp_ok, uc_size_ok, hits;

static void handler(int sig, siginfo_t *si, void *ucv)
{
    (void)sig;
    (void)si;
    ucontext_t *uc = ucv;
    char local;
    hits++;
    on_alt = &local >= alt && &local < alt + alt_size;
    stack_t q;
    syscall(SYS_sigaltstack, NULL, &q);
    query_flags = q.ss_flags;
    stack_t n = {.ss_sp = alt, .ss_size = alt_size, .ss_flags = 0};
    change_err = syscall(SYS_sigaltstack, &n, NULL) == -1 ? errno : 0;
    uc_flags = uc->uc_stack.ss_flags;
    uc_sp_ok = uc->uc_stack.ss_sp == alt;
    uc_size_ok = uc->uc_stack.ss_size == alt_size;
}

static void install(int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | flags;
    sigaction(SIGUSR1, &sa, NULL);
}

static const char *flags_name(int f)
{
    static char buf[4][32];
    static int n;
    char *b = buf[n++ % 4];
    unsigned int u = (unsigned int)f, mode = u & ~SS_AUTODISARM;
    snprintf(b, 32, "%s%s", u & SS_AUTODISARM ? "AUTODISARM|" : "",
             mode == SS_ONSTACK ? "ONSTACK" : mode == SS_DISABLE ? "DISABLE" : mode == 0 ? "0" : "?");
    return b;
}

static void run(const char *label)
{
    hits = on_alt = 0;
    raise(SIGUSR1);
    printf("%s: hits=%d on_alt=%d query=%s change=%s uc_stack.flags=%s\n", label, hits, on_alt,
           flags_name(query_flags), errname(change_err), flags_name(uc_flags));
}

/* A new thread starts without an alternate stack (flags SS_DISABLE). */
static void *thread_main(void *arg)
{
    (void)arg;
    stack_t q;
    syscall(SYS_sigaltstack, NULL, &q);
    printf("new thread: flags=%s size=%zu\n", flags_name(q.ss_flags), q.ss_size);
    run("new thread, SA_ONSTACK");
    return NULL;
}

int main(void)
{
    stack_t old, st;
    CHECK("query initial", syscall(SYS_sigaltstack, NULL, &old));
    printf("initial: flags=%s size=%zu sp_null=%d\n", flags_name(old.ss_flags), old.ss_size, old.ss_sp == NULL);

    alt_size = 64 * 1024;
    alt = malloc(alt_size);
    st.ss_sp = alt;
    st.ss_flags = 0;
    st.ss_size = 1024;
    CHECK("size below MINSIGSTKSZ", syscall(SYS_sigaltstack, &st, NULL));
    st.ss_size = 2048;
    CHECK("size MINSIGSTKSZ (2048)", syscall(SYS_sigaltstack, &st, NULL));
    st.ss_size = alt_size;
    st.ss_flags = 4;
    CHECK("bad flags", syscall(SYS_sigaltstack, &st, NULL));
    CHECK("bad new pointer", syscall(SYS_sigaltstack, BADPTR, NULL));
    CHECK("bad old pointer", syscall(SYS_sigaltstack, NULL, BADPTR));
    st.ss_flags = SS_ONSTACK; /* accepted as 0 */
    CHECK("install (SS_ONSTACK flag)", syscall(SYS_sigaltstack, &st, NULL));
    syscall(SYS_sigaltstack, NULL, &old);
    printf("installed: flags=%s size_ok=%d sp_ok=%d\n", flags_name(old.ss_flags), old.ss_size == alt_size,
           old.ss_sp == alt);
    st.ss_flags = 0;
    CHECK("install", syscall(SYS_sigaltstack, &st, &old));
    printf("old of install: flags=%s\n", flags_name(old.ss_flags));

    install(SA_ONSTACK);
    run("SA_ONSTACK");
    printf("uc_stack sp_ok=%d size_ok=%d\n", uc_sp_ok, uc_size_ok);
    install(0);
    run("no SA_ONSTACK");

    /* a disabled stack is not used, even with SA_ONSTACK */
    st.ss_flags = SS_DISABLE;
    CHECK("disable", syscall(SYS_sigaltstack, &st, NULL));
    syscall(SYS_sigaltstack, NULL, &old);
    printf("after disable: flags=%s size=%zu\n", flags_name(old.ss_flags), old.ss_size);
    install(SA_ONSTACK);
    run("SA_ONSTACK, disabled");

    /* SS_AUTODISARM: the stack is disarmed while the handler runs, and
     * sigreturn puts it back (qemu-user 7.2 refuses the flag) */
    if (!REF_IS_QEMU) {
        st.ss_flags = SS_AUTODISARM;
        st.ss_size = alt_size;
        CHECK("install AUTODISARM", syscall(SYS_sigaltstack, &st, NULL));
        run("AUTODISARM");
        syscall(SYS_sigaltstack, NULL, &old);
        printf("after AUTODISARM handler: flags=%s size_ok=%d\n", flags_name(old.ss_flags), old.ss_size == alt_size);
    }

    install(SA_ONSTACK);
    pthread_t th;
    pthread_create(&th, NULL, thread_main, NULL);
    pthread_join(th, NULL);

    /* fork keeps the alternate stack */
    st.ss_flags = 0;
    syscall(SYS_sigaltstack, &st, NULL);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        syscall(SYS_sigaltstack, NULL, &old);
        _exit(old.ss_size == alt_size && old.ss_flags == 0 ? 0 : 1);
    }
    int status;
    waitpid(c, &status, 0);
    printf("fork child inherits it: %s\n", t_child_status(status));
    return 0;
}
