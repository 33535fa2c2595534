/* getpeername(2), getsockname(2) on files that are not sockets (bash asks whether its stdin is a
 * network connection this way). */
#include "t.h"
#include <sys/socket.h>

int main(void)
{
    struct sockaddr_storage sa;
    socklen_t len = sizeof sa;
    int p[2];
    pipe(p);
    t_write_file("f", "", 0644);
    int f = open("f", O_RDONLY);
    CHECK("getpeername stdin (/dev/null)", syscall(SYS_getpeername, 0, &sa, &len));
    CHECK("getpeername pipe", syscall(SYS_getpeername, p[0], &sa, &len));
    CHECK("getpeername file", syscall(SYS_getpeername, f, &sa, &len));
    CHECK("getpeername bad fd", syscall(SYS_getpeername, -1, &sa, &len));
    CHECK("getpeername closed fd", syscall(SYS_getpeername, 99, &sa, &len));
    if (!REF_IS_QEMU) /* qemu-user checks the pointers first */
        CHECK("getpeername file, NULL addr", syscall(SYS_getpeername, f, NULL, NULL));
    CHECK("getsockname pipe", syscall(SYS_getsockname, p[1], &sa, &len));
    if (!REF_IS_QEMU)
        CHECK("getsockname bad fd, bad len", syscall(SYS_getsockname, -1, &sa, BADPTR));
    printf("len unchanged: %d\n", len == sizeof sa);
    return 0;
}
