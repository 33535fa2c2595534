/* sendfile(2): file to file and to a pipe, with and without an offset. */
#include "t.h"
#include <sys/sendfile.h>

static void show(const char *label, const char *path)
{
    char buf[64] = {0};
    int fd = open(path, O_RDONLY);
    read(fd, buf, sizeof(buf) - 1);
    close(fd);
    printf("%s: %s\n", label, buf);
}

int main(void)
{
    t_write_file("src", "0123456789", 0644);
    int in = open("src", O_RDONLY);
    int out = open("dst", O_WRONLY | O_CREAT | O_TRUNC, 0644);

    CHECK("sendfile 4", sendfile(out, in, NULL, 4));
    CHECK("in offset moved", lseek(in, 0, SEEK_CUR));
    show("dst", "dst");
    off_t off = 7;
    CHECK("sendfile with offset", sendfile(out, in, &off, 100));
    printf("offset updated: %ld\n", (long)off);
    CHECK("in offset kept", lseek(in, 0, SEEK_CUR));
    show("dst", "dst");
    CHECK("sendfile at EOF", sendfile(out, in, &off, 10));
    CHECK("count 0", sendfile(out, in, NULL, 0));

    int p[2];
    pipe(p);
    lseek(in, 0, SEEK_SET);
    CHECK("file to pipe", sendfile(p[1], in, NULL, 10));
    char buf[16] = {0};
    read(p[0], buf, sizeof(buf));
    printf("pipe got: %s\n", buf);

    off = -1;
    CHECK("negative offset", sendfile(out, in, &off, 1));
    CHECK("bad offset pointer", syscall(SYS_sendfile, out, in, BADPTR, 1));
    CHECK("bad in fd", sendfile(out, 77, NULL, 1));
    CHECK("bad out fd", sendfile(77, in, NULL, 1));
    CHECK("in not readable", sendfile(out, out, NULL, 1));
    CHECK("out not writable", sendfile(in, in, NULL, 1));
    CHECK("offset on pipe input", sendfile(out, p[0], &off, 1));
    int app = open("dst", O_WRONLY | O_APPEND);
    CHECK("O_APPEND output", sendfile(app, in, NULL, 1));
    return 0;
}
