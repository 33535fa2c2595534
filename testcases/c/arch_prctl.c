/* arch_prctl(2): x86_64 only; other architectures print the same placeholder */
#include "t.h"

#ifdef __x86_64__
#include <asm/prctl.h>

static __thread int tls_var = 77;

int main(void)
{
    unsigned long fs = 0, gs = 1;
    CHECK("ARCH_GET_FS", syscall(SYS_arch_prctl, ARCH_GET_FS, &fs));
    unsigned long self;
    __asm__ volatile("mov %%fs:0, %0" : "=r"(self));
    EXPECT("FS base is the TCB (self pointer)", fs == self && fs != 0);
    EXPECT("TLS variable through FS", tls_var == 77);
    CHECK("ARCH_SET_FS same", syscall(SYS_arch_prctl, ARCH_SET_FS, fs));
    EXPECT("TLS still works", tls_var == 77);
    CHECK("ARCH_GET_GS", syscall(SYS_arch_prctl, ARCH_GET_GS, &gs));
    printf("GS base initially: %lu\n", gs);
    static char gsarea[64] = "gs-data";
    CHECK("ARCH_SET_GS", syscall(SYS_arch_prctl, ARCH_SET_GS, (unsigned long)gsarea));
    CHECK("ARCH_GET_GS", syscall(SYS_arch_prctl, ARCH_GET_GS, &gs));
    EXPECT("GS base round trip", gs == (unsigned long)gsarea);
    char c0;
    __asm__ volatile("movb %%gs:0, %0" : "=r"(c0));
    printf("read via %%gs: %c\n", c0);
    syscall(SYS_arch_prctl, ARCH_SET_GS, 0UL);
    CHECK("ARCH_GET_FS NULL", syscall(SYS_arch_prctl, ARCH_GET_FS, NULL));
    CHECK("ARCH_GET_FS 0x1", syscall(SYS_arch_prctl, ARCH_GET_FS, BADPTR));
    CHECK("ARCH_GET_FS kernel", syscall(SYS_arch_prctl, ARCH_GET_FS, KPTR));
    CHECK("ARCH_SET_FS kernel address", syscall(SYS_arch_prctl, ARCH_SET_FS, (unsigned long)KPTR));
    CHECK("ARCH_SET_GS non-canonical", syscall(SYS_arch_prctl, ARCH_SET_GS, 0x8000000000000000UL));
    CHECK("invalid code", syscall(SYS_arch_prctl, 0x9999, 0UL));
    /* fork keeps the FS base (TLS works in the child) */
    pid_t c = fork();
    if (c == 0)
        _exit(tls_var == 77 ? 0 : 1);
    int st;
    waitpid(c, &st, 0);
    printf("child TLS: %s\n", t_child_status(st));
    return 0;
}
#else
int main(void)
{
    printf("arch_prctl: x86_64 only\n");
    return 0;
}
#endif
