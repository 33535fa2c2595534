/* The x86_64 vDSO's functions. Each enters the kernel with the syscall of
 * the same name: a correct vDSO that Linux's own falls back to when its
 * clock cannot be read from user space. What it gives programs now is the
 * ABI glibc expects (AT_SYSINFO_EHDR, LINUX_2.6 symbols), so their startup
 * is Linux's; reading the clock without a syscall would come on top. */

#define VDSO_SYSCALL(name, nr)      \
    .globl __vdso_##name;           \
    .type __vdso_##name, @function; \
    .weak name;                     \
    .set name, __vdso_##name;       \
__vdso_##name:                      \
    .cfi_startproc;                 \
    mov $nr, %eax;                  \
    syscall;                        \
    ret;                            \
    .cfi_endproc;                   \
    .size __vdso_##name, . - __vdso_##name

    .text
VDSO_SYSCALL(gettimeofday, 96)
VDSO_SYSCALL(time, 201)
VDSO_SYSCALL(clock_gettime, 228)
VDSO_SYSCALL(clock_getres, 229)
VDSO_SYSCALL(getcpu, 309)

    .section .note.GNU-stack, "", @progbits
