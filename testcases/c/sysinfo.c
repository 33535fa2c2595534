/* sysinfo(2): only sanity relations, never values */
#include "t.h"
#include <sys/sysinfo.h>
#include <time.h>

int main(void)
{
    struct sysinfo si;
    memset(&si, 0, sizeof(si));
    CHECK("sysinfo", syscall(SYS_sysinfo, &si));
    unsigned long unit = si.mem_unit ? si.mem_unit : 1;
    EXPECT("uptime > 0", si.uptime > 0);
    struct timespec bt;
    syscall(SYS_clock_gettime, CLOCK_BOOTTIME, &bt);
    EXPECT("uptime close to CLOCK_BOOTTIME", si.uptime <= bt.tv_sec + 1 && si.uptime + 2 >= bt.tv_sec);
    EXPECT("mem_unit >= 1", si.mem_unit >= 1);
    EXPECT("totalram >= 16 MiB", (unsigned long long)si.totalram * unit >= 16ULL << 20);
    EXPECT("freeram <= totalram", si.freeram <= si.totalram);
    EXPECT("freeram > 0", si.freeram > 0);
    EXPECT("sharedram <= totalram", si.sharedram <= si.totalram);
    EXPECT("bufferram <= totalram", si.bufferram <= si.totalram);
    EXPECT("freeswap <= totalswap", si.freeswap <= si.totalswap);
    EXPECT("procs >= 1", si.procs >= 1);
    EXPECT("freehigh <= totalhigh", si.freehigh <= si.totalhigh);
    if (!REF_IS_QEMU) /* qemu-user 7.2 returns 0 */
        CHECK("NULL", syscall(SYS_sysinfo, NULL));
    CHECK("0x1", syscall(SYS_sysinfo, BADPTR));
    CHECK("kernel", syscall(SYS_sysinfo, KPTR));
    struct sysinfo s2;
    sysinfo(&s2);
    EXPECT("totalram stable", s2.totalram == si.totalram);
    return 0;
}
