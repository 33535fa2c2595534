/* membarrier(2): the commands offered, registration rules, flags. */
#include "t.h"
#include <linux/membarrier.h>
#ifndef MEMBARRIER_CMD_GET_REGISTRATIONS
#define MEMBARRIER_CMD_GET_REGISTRATIONS (1 << 9)
#endif

static long mb(int cmd, unsigned flags, int cpu)
{
    return syscall(SYS_membarrier, cmd, flags, cpu);
}

int main(void)
{
    long q = mb(MEMBARRIER_CMD_QUERY, 0, 0);
    printf("QUERY: %#lx\n", q);
    CHECK("QUERY flags=1", mb(MEMBARRIER_CMD_QUERY, 1, 0));
    CHECK("GLOBAL", mb(MEMBARRIER_CMD_GLOBAL, 0, 0));
    CHECK("GLOBAL flags=1", mb(MEMBARRIER_CMD_GLOBAL, 1, 0));
    CHECK("GLOBAL_EXPEDITED", mb(MEMBARRIER_CMD_GLOBAL_EXPEDITED, 0, 0));
    CHECK("GET_REGISTRATIONS", mb(MEMBARRIER_CMD_GET_REGISTRATIONS, 0, 0));
    CHECK("PRIVATE_EXPEDITED unregistered", mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0));
    CHECK("PRIVATE_EXPEDITED_SYNC_CORE unregistered", mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0));
    CHECK("PRIVATE_EXPEDITED_RSEQ unregistered", mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, 0, 0));
    CHECK("REGISTER_PRIVATE_EXPEDITED_SYNC_CORE", mb(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0));
    CHECK("GET_REGISTRATIONS", mb(MEMBARRIER_CMD_GET_REGISTRATIONS, 0, 0));
    CHECK("PRIVATE_EXPEDITED after SYNC_CORE registration", mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0));
    CHECK("PRIVATE_EXPEDITED_SYNC_CORE", mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0));
    CHECK("REGISTER_PRIVATE_EXPEDITED", mb(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0));
    CHECK("REGISTER_PRIVATE_EXPEDITED again", mb(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0));
    CHECK("PRIVATE_EXPEDITED", mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0));
    CHECK("PRIVATE_EXPEDITED flags=1", mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 1, 0));
    CHECK("REGISTER_GLOBAL_EXPEDITED", mb(MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED, 0, 0));
    CHECK("GET_REGISTRATIONS", mb(MEMBARRIER_CMD_GET_REGISTRATIONS, 0, 0));
    CHECK("cmd 1024", mb(1024, 0, 0));
    CHECK("cmd 3", mb(3, 0, 0));
    CHECK("cmd -1", mb(-1, 0, 0));

    /* registrations belong to the address space: a fork child's copy has
     * them, an exec'd program starts without */
    pid_t c = fork();
    if (c == 0) {
        CHECK("fork child: GET_REGISTRATIONS", mb(MEMBARRIER_CMD_GET_REGISTRATIONS, 0, 0));
        CHECK("fork child: PRIVATE_EXPEDITED", mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0));
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    return 0;
}
