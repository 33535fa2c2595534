/* uname(2) */
#include "t.h"
#include <sys/utsname.h>

int main(void)
{
    struct utsname u;
    memset(&u, 0x55, sizeof(u));
    CHECK("uname", syscall(SYS_uname, &u));
    printf("sysname: %s\n", u.sysname);
    EXPECT("machine is " ARCH_NAME, strcmp(u.machine, ARCH_NAME) == 0);
    EXPECT("release non-empty, starts with a digit", u.release[0] >= '0' && u.release[0] <= '9');
    EXPECT("version non-empty", u.version[0] != 0);
    EXPECT("nodename NUL-terminated", memchr(u.nodename, 0, sizeof(u.nodename)) != NULL);
    EXPECT("domainname NUL-terminated", memchr(u.domainname, 0, sizeof(u.domainname)) != NULL);
    CHECK("NULL", syscall(SYS_uname, NULL));
    CHECK("0x1", syscall(SYS_uname, BADPTR));
    CHECK("unmapped", syscall(SYS_uname, t_unmapped()));
    CHECK("kernel", syscall(SYS_uname, KPTR));
    struct utsname v;
    uname(&v);
    EXPECT("stable", strcmp(u.release, v.release) == 0 && strcmp(u.nodename, v.nodename) == 0);
    return 0;
}
