/* vDSO (x86_64): the shared object the kernel maps into every program and
 * names in AT_SYSINFO_EHDR, read the way glibc's loader reads it:
 *   - AT_SYSINFO_EHDR is non-zero, page-aligned, and /proc/self/maps has an
 *     r-xp mapping named [vdso] starting there, and a read-only [vvar]
 *     (its data) a few pages below;
 *   - it holds an ELF64 ET_DYN x86_64 image whose PT_DYNAMIC leads to the
 *     symbol, string, hash (DT_HASH and DT_GNU_HASH) and version tables, and
 *     DT_SONAME is linux-vdso.so.1;
 *   - __vdso_clock_gettime, __vdso_clock_getres, __vdso_gettimeofday,
 *     __vdso_time and __vdso_getcpu are defined global functions of version
 *     LINUX_2.6, found alike by a scan and by both hash tables; the names
 *     without the prefix are weak aliases of them;
 *   - called through the looked-up pointers they agree with the raw
 *     syscalls, and a bad clock gives -EINVAL as the return value (errno is
 *     left alone);
 *   - its clock readings interleaved with the syscall's never go back, on
 *     the clocks it reads itself and on one it passes to the syscall;
 *   - a forked child has the same vDSO and can call it.
 * On riscv64 the program only says that it is x86_64-only (the reference,
 * qemu-user, has no vDSO). */
#include "t.h"

#if defined(__x86_64__)
#include <elf.h>
#include <sys/auxv.h>
#include <sys/time.h>
#include <time.h>

/* The mapped vDSO and its dynamic tables (NULL when absent). */
struct vdso {
    uintptr_t start, end; /* the mapping that holds AT_SYSINFO_EHDR */
    uintptr_t bias;       /* load address minus link address */
    const Elf64_Dyn *dynamic;
    const Elf64_Sym *symtab;
    const char *strtab;
    size_t strsz;
    const Elf64_Word *hash;     /* DT_HASH */
    const Elf64_Word *gnu_hash; /* DT_GNU_HASH */
    const Elf64_Versym *versym;
    const Elf64_Verdef *verdef;
    const char *soname;
    size_t nsyms;
};

/* Whether [p, p + len) lies inside the vDSO's mapping. */
static int inside(const struct vdso *v, const void *p, size_t len)
{
    uintptr_t a = (uintptr_t)p;
    return a >= v->start && a <= v->end && len <= v->end - a;
}

static const void *at(const struct vdso *v, uint64_t vaddr) { return (const void *)(v->bias + vaddr); }

/* ---- 1. AT_SYSINFO_EHDR and /proc/self/maps ---- */

/* Finds the maps line whose range holds addr; fills its range, permissions
 * and name. Returns 0 when there is none. */
static int maps_line(uintptr_t addr, uintptr_t *start, uintptr_t *end, char perms[5], char *name, size_t namesz)
{
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        return 0;
    char *line = NULL;
    size_t cap = 0;
    int found = 0;
    while (!found && getline(&line, &cap, f) > 0) {
        unsigned long s, e;
        int off = 0;
        if (sscanf(line, "%lx-%lx %4s %*s %*s %*s %n", &s, &e, perms, &off) < 3 || addr < s || addr >= e)
            continue;
        *start = s;
        *end = e;
        line[strcspn(line, "\n")] = 0;
        snprintf(name, namesz, "%s", off ? line + off : "");
        found = 1;
    }
    free(line);
    fclose(f);
    return found;
}

/* Checks AT_SYSINFO_EHDR and its maps line; fills v->start/end. Returns 0
 * when the rest cannot be read. */
static int check_mapping(struct vdso *v, uintptr_t base)
{
    EXPECT("AT_SYSINFO_EHDR non-zero", base != 0);
    if (!base)
        return 0;
    EXPECT("AT_SYSINFO_EHDR page-aligned", base % 4096 == 0);
    char perms[5] = "", name[256] = "";
    if (!maps_line(base, &v->start, &v->end, perms, name, sizeof name)) {
        printf("maps: no mapping holds AT_SYSINFO_EHDR: FAIL\n");
        return 0;
    }
    EXPECT("maps: mapping starts at AT_SYSINFO_EHDR", v->start == base);
    EXPECT("maps: named [vdso]", strcmp(name, "[vdso]") == 0);
    EXPECT("maps: permissions r-xp", strcmp(perms, "r-xp") == 0);
    /* its data page(s): [vvar], read-only, a few pages below (Linux 6.x
     * has [vvar_vclock] in between) */
    int vvar = 0;
    for (int k = 1; k <= 16 && !vvar; k++) {
        uintptr_t s, e;
        char p[5] = "", n[64] = "";
        if (maps_line(base - k * 4096, &s, &e, p, n, sizeof n) && strcmp(n, "[vvar]") == 0)
            vvar = strcmp(p, "r--p") == 0 ? 1 : -1;
    }
    EXPECT("maps: a read-only [vvar] below it", vvar == 1);
    return 1;
}

/* ---- 2. ELF header, program headers, dynamic section ---- */

static int check_ehdr(const struct vdso *v, const Elf64_Ehdr *eh)
{
    if (!inside(v, eh, sizeof *eh)) {
        printf("ELF header inside the mapping: FAIL\n");
        return 0;
    }
    EXPECT("ELFMAG", memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0);
    EXPECT("ELFCLASS64", eh->e_ident[EI_CLASS] == ELFCLASS64);
    EXPECT("ELFDATA2LSB", eh->e_ident[EI_DATA] == ELFDATA2LSB);
    EXPECT("ET_DYN", eh->e_type == ET_DYN);
    EXPECT("EM_X86_64", eh->e_machine == EM_X86_64);
    int phdrs_ok = eh->e_phentsize == sizeof(Elf64_Phdr) &&
                   inside(v, (const char *)eh + eh->e_phoff, (size_t)eh->e_phnum * sizeof(Elf64_Phdr));
    EXPECT("program headers inside the mapping", phdrs_ok);
    return phdrs_ok;
}

/* Finds the load bias (from the first PT_LOAD) and PT_DYNAMIC. */
static int find_dynamic(struct vdso *v, const Elf64_Ehdr *eh)
{
    const Elf64_Phdr *ph = (const Elf64_Phdr *)((const char *)eh + eh->e_phoff);
    int have_load = 0;
    uint64_t dyn_vaddr = 0, dyn_size = 0;
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && !have_load) {
            v->bias = (uintptr_t)eh - ph[i].p_vaddr;
            have_load = 1;
        } else if (ph[i].p_type == PT_DYNAMIC) {
            dyn_vaddr = ph[i].p_vaddr;
            dyn_size = ph[i].p_memsz;
        }
    }
    EXPECT("PT_LOAD", have_load);
    EXPECT("PT_DYNAMIC", dyn_size != 0);
    if (!have_load || !dyn_size)
        return 0;
    v->dynamic = at(v, dyn_vaddr);
    int ok = inside(v, v->dynamic, dyn_size);
    EXPECT("PT_DYNAMIC inside the mapping", ok);
    return ok;
}

/* Number of symbols that DT_GNU_HASH covers: one past the last chain's end. */
static size_t gnu_hash_nsyms(const struct vdso *v)
{
    const Elf64_Word *g = v->gnu_hash;
    uint32_t nbuckets = g[0], symoffset = g[1], bloom_size = g[2];
    const uint32_t *buckets = (const uint32_t *)((const uint64_t *)(g + 4) + bloom_size);
    const uint32_t *chain = buckets + nbuckets;
    if (!inside(v, g, 16 + (size_t)bloom_size * 8 + (size_t)nbuckets * 4))
        return 0;
    uint32_t last = 0;
    for (uint32_t i = 0; i < nbuckets; i++)
        if (buckets[i] > last)
            last = buckets[i];
    if (last < symoffset)
        return symoffset;
    for (int n = 0; n < 4096 && inside(v, &chain[last - symoffset], 4); n++, last++)
        if (chain[last - symoffset] & 1)
            return last + 1;
    return 0;
}

/* Reads the dynamic section's tags and checks that the tables are there. */
static int read_dynamic(struct vdso *v)
{
    uint64_t soname = 0;
    for (const Elf64_Dyn *d = v->dynamic; inside(v, d, sizeof *d) && d->d_tag != DT_NULL; d++) {
        switch (d->d_tag) {
        case DT_SYMTAB: v->symtab = at(v, d->d_un.d_ptr); break;
        case DT_STRTAB: v->strtab = at(v, d->d_un.d_ptr); break;
        case DT_STRSZ: v->strsz = d->d_un.d_val; break;
        case DT_HASH: v->hash = at(v, d->d_un.d_ptr); break;
        case DT_GNU_HASH: v->gnu_hash = at(v, d->d_un.d_ptr); break;
        case DT_VERSYM: v->versym = at(v, d->d_un.d_ptr); break;
        case DT_VERDEF: v->verdef = at(v, d->d_un.d_ptr); break;
        case DT_SONAME: soname = d->d_un.d_val + 1; break;
        }
    }
    EXPECT("DT_SYMTAB", v->symtab && inside(v, v->symtab, sizeof(Elf64_Sym)));
    EXPECT("DT_STRTAB", v->strtab && v->strsz && inside(v, v->strtab, v->strsz));
    EXPECT("DT_HASH", v->hash && inside(v, v->hash, 8));
    EXPECT("DT_GNU_HASH", v->gnu_hash && inside(v, v->gnu_hash, 16));
    EXPECT("DT_VERSYM", v->versym && inside(v, v->versym, sizeof(Elf64_Versym)));
    EXPECT("DT_VERDEF", v->verdef && inside(v, v->verdef, sizeof(Elf64_Verdef)));
    if (!v->symtab || !v->strtab || !v->strsz || !(v->hash || v->gnu_hash) || !v->versym || !v->verdef)
        return 0;
    if (soname && soname - 1 < v->strsz)
        v->soname = v->strtab + soname - 1;
    printf("DT_SONAME: %s\n", v->soname ? v->soname : "(none)");

    v->nsyms = v->hash ? v->hash[1] : gnu_hash_nsyms(v); /* DT_HASH's nchain */
    if (v->hash && v->gnu_hash)
        EXPECT("DT_HASH and DT_GNU_HASH count the same symbols", v->nsyms == gnu_hash_nsyms(v));
    int ok = v->nsyms > 1 && v->nsyms < 4096 && inside(v, v->symtab, v->nsyms * sizeof(Elf64_Sym)) &&
             inside(v, v->versym, v->nsyms * sizeof(Elf64_Versym));
    EXPECT("symbol and version tables inside the mapping", ok);
    return ok;
}

/* ---- 3. Symbol lookup ---- */

static const char *sym_name(const struct vdso *v, size_t i)
{
    uint32_t off = v->symtab[i].st_name;
    return off < v->strsz ? v->strtab + off : "";
}

/* Index of a symbol by scanning the whole table; 0 when absent. */
static size_t scan_lookup(const struct vdso *v, const char *name)
{
    for (size_t i = 1; i < v->nsyms; i++)
        if (strcmp(sym_name(v, i), name) == 0)
            return i;
    return 0;
}

static uint32_t sysv_hash(const char *s)
{
    uint32_t h = 0;
    for (; *s; s++) {
        h = (h << 4) + (unsigned char)*s;
        h ^= (h >> 24) & 0xf0;
    }
    return h & 0x0fffffff;
}

/* Index of a symbol through DT_HASH; 0 when absent. */
static size_t sysv_lookup(const struct vdso *v, const char *name)
{
    const Elf64_Word *h = v->hash;
    uint32_t nbucket = h[0], nchain = h[1];
    const Elf64_Word *bucket = h + 2, *chain = bucket + nbucket;
    if (!nbucket || !inside(v, h, (2 + (size_t)nbucket + nchain) * 4))
        return 0;
    size_t n = 0;
    for (uint32_t i = bucket[sysv_hash(name) % nbucket]; i && i < nchain && n++ < nchain; i = chain[i])
        if (strcmp(sym_name(v, i), name) == 0)
            return i;
    return 0;
}

static uint32_t gnu_hash(const char *s)
{
    uint32_t h = 5381;
    for (; *s; s++)
        h = h * 33 + (unsigned char)*s;
    return h;
}

/* Index of a symbol through DT_GNU_HASH (bloom filter, then chain); 0 when absent. */
static size_t gnu_lookup(const struct vdso *v, const char *name)
{
    const Elf64_Word *g = v->gnu_hash;
    uint32_t nbuckets = g[0], symoffset = g[1], bloom_size = g[2], shift = g[3];
    const uint64_t *bloom = (const uint64_t *)(g + 4);
    const uint32_t *buckets = (const uint32_t *)(bloom + bloom_size), *chain = buckets + nbuckets;
    if (!nbuckets || !bloom_size || !inside(v, g, 16 + (size_t)bloom_size * 8 + (size_t)nbuckets * 4))
        return 0;
    uint32_t h = gnu_hash(name);
    uint64_t word = bloom[(h / 64) % bloom_size];
    uint64_t mask = (1ULL << (h % 64)) | (1ULL << ((h >> shift) % 64));
    if ((word & mask) != mask)
        return 0;
    for (uint32_t i = buckets[h % nbuckets]; i >= symoffset && i < v->nsyms; i++) {
        uint32_t h2 = chain[i - symoffset];
        if ((h | 1) == (h2 | 1) && strcmp(sym_name(v, i), name) == 0)
            return i;
        if (h2 & 1)
            break;
    }
    return 0;
}

/* The name of a symbol's version (versym index -> verdef entry). */
static const char *sym_version(const struct vdso *v, size_t i)
{
    Elf64_Half ndx = v->versym[i] & 0x7fff; /* bit 15: hidden */
    const Elf64_Verdef *vd = v->verdef;
    for (int n = 0; n < 64 && inside(v, vd, sizeof *vd); n++) {
        const Elf64_Verdaux *aux = (const void *)((const char *)vd + vd->vd_aux);
        if (vd->vd_ndx == ndx && inside(v, aux, sizeof *aux))
            return aux->vda_name < v->strsz ? v->strtab + aux->vda_name : "(bad name)";
        if (!vd->vd_next)
            break;
        vd = (const void *)((const char *)vd + vd->vd_next);
    }
    return "(none)";
}

/* Why symbol i is not a defined LINUX_2.6 function of the given binding, "" if it is. */
static const char *sym_problem(const struct vdso *v, const char *name, size_t i, int bind)
{
    const Elf64_Sym *s = &v->symtab[i];
    if (!i)
        return "not found";
    if (v->hash && sysv_lookup(v, name) != i)
        return "not found through DT_HASH";
    if (v->gnu_hash && gnu_lookup(v, name) != i)
        return "not found through DT_GNU_HASH";
    if (ELF64_ST_TYPE(s->st_info) != STT_FUNC)
        return "not STT_FUNC";
    if (ELF64_ST_BIND(s->st_info) != bind)
        return bind == STB_GLOBAL ? "not STB_GLOBAL" : "not STB_WEAK";
    if (s->st_shndx == SHN_UNDEF || s->st_shndx >= SHN_LORESERVE)
        return "not defined";
    if (!inside(v, at(v, s->st_value), 1))
        return "outside the mapping";
    if (strcmp(sym_version(v, i), "LINUX_2.6") != 0)
        return "version is not LINUX_2.6";
    return "";
}

/* Looks up __vdso_<name> and its weak alias <name>; prints a line for
 * each and returns the function's address, NULL when it is unusable. */
static void *lookup(const struct vdso *v, const char *name)
{
    char full[64];
    snprintf(full, sizeof full, "__vdso_%s", name);
    size_t i = scan_lookup(v, full), j = scan_lookup(v, name);
    const char *why = sym_problem(v, full, i, STB_GLOBAL);
    printf("%s: %s%s%s\n", full, *why ? "FAIL (" : "ok", why, *why ? ")" : "");
    const char *alias_why = sym_problem(v, name, j, STB_WEAK);
    if (!*alias_why && i && v->symtab[j].st_value != v->symtab[i].st_value)
        alias_why = "another address";
    printf("%s: %s%s%s\n", name, *alias_why ? "FAIL (" : "ok", alias_why, *alias_why ? ")" : "");
    return *why ? NULL : (void *)at(v, v->symtab[i].st_value);
}

/* ---- 4. Calls ---- */

typedef int (*clock_fn)(clockid_t, struct timespec *);
typedef int (*gtod_fn)(struct timeval *, struct timezone *);
typedef time_t (*time_fn)(time_t *);
typedef long (*getcpu_fn)(unsigned *, unsigned *, void *);

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

static long long raw_ns(clockid_t clock)
{
    struct timespec t = {0, 0};
    syscall(SYS_clock_gettime, clock, &t);
    return ns(t);
}

/* A vDSO return value: "0", "-EINVAL", ... */
static const char *retname(long r)
{
    static char buf[32];
    if (r < 0 && r > -4096)
        snprintf(buf, sizeof buf, "-%s", errname((int)-r));
    else
        snprintf(buf, sizeof buf, "%ld", r);
    return buf;
}

/* Prints "label: ok", or FAIL with the return value when it is not 0. */
static void report(const char *label, long r, int ok)
{
    if (r != 0)
        printf("%s: FAIL (ret=%s)\n", label, retname(r));
    else
        EXPECT(label, ok);
}

static void call_clock_gettime(clock_fn fn, clockid_t clock, const char *label)
{
    struct timespec t = {0, 0};
    long long a = raw_ns(clock);
    int r = fn(clock, &t);
    long long b = raw_ns(clock);
    report(label, r, a <= ns(t) && ns(t) <= b && t.tv_nsec >= 0 && t.tv_nsec < 1000000000);
}

/* Reads from the vDSO and from syscalls, interleaved, never go back: the
 * two are one clock (on every clock, whether the vDSO reads it itself or
 * falls back to the syscall). */
static void interleave(clock_fn fn, clockid_t clock, const char *name)
{
    int ok = 1;
    long long last = raw_ns(clock);
    for (int i = 0; i < 2000 && ok; i++) {
        struct timespec t = {0, 0};
        ok = fn(clock, &t) == 0 && last <= ns(t);
        long long b = raw_ns(clock);
        ok = ok && ns(t) <= b;
        last = b;
    }
    printf("%s: vDSO and syscall readings interleaved never go back: %s\n", name, ok ? "ok" : "FAIL");
}

static void call_clock_getres(clock_fn fn, clockid_t clock, const char *label)
{
    struct timespec mine = {-1, -1}, sys = {-2, -2};
    int r = fn(clock, &mine);
    syscall(SYS_clock_getres, clock, &sys);
    report(label, r, mine.tv_sec == sys.tv_sec && mine.tv_nsec == sys.tv_nsec);
}

static long long raw_us(void)
{
    struct timeval tv = {0, 0};
    syscall(SYS_gettimeofday, &tv, NULL);
    return tv.tv_sec * 1000000LL + tv.tv_usec;
}

static void call_gettimeofday(gtod_fn fn)
{
    struct timeval tv = {0, 0};
    long long a = raw_us();
    int r = fn(&tv, NULL);
    long long b = raw_us();
    long long us = tv.tv_sec * 1000000LL + tv.tv_usec;
    report("__vdso_gettimeofday", r, a <= us && us <= b && tv.tv_usec >= 0 && tv.tv_usec < 1000000);
}

static void call_time(time_fn fn)
{
    time_t a = syscall(SYS_time, NULL);
    time_t t = fn(NULL);
    time_t b = syscall(SYS_time, NULL);
    EXPECT("__vdso_time(NULL) within syscall readings", a <= t && t <= b);
    time_t stored = 0;
    t = fn(&stored);
    EXPECT("__vdso_time(&t) stores what it returns", t == stored);
}

static void call_getcpu(getcpu_fn fn)
{
    unsigned cpu = ~0u, node = ~0u;
    long r = fn(&cpu, &node, NULL);
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    report("__vdso_getcpu: cpu < online CPUs, node 0", r, (long)cpu < ncpu && node == 0);
    report("__vdso_getcpu(NULL, NULL, NULL)", fn(NULL, NULL, NULL), 1);
}

/* A bad clock: the vDSO returns -EINVAL itself and leaves errno alone. */
static void call_bad_clock(clock_fn fn, const char *label)
{
    struct timespec t;
    errno = 0;
    int r = fn(12345, &t);
    int e = errno;
    printf("%s(12345): ret=%s errno=%s\n", label, retname(r), errname(e));
}

/* ---- 5. fork ---- */

/* The child checks that it has the same vDSO and that it works; its exit
 * status says which check failed. */
static void check_fork(uintptr_t base, clock_fn gettime)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (getauxval(AT_SYSINFO_EHDR) != base)
            _exit(1);
        struct timespec t = {0, 0};
        long long a = raw_ns(CLOCK_MONOTONIC);
        if (gettime(CLOCK_MONOTONIC, &t) != 0)
            _exit(2);
        if (ns(t) < a || ns(t) > raw_ns(CLOCK_MONOTONIC))
            _exit(3);
        _exit(0);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid) {
        printf("fork child: FAIL (fork or waitpid)\n");
        return;
    }
    printf("fork child: %s\n", t_child_status(status));
}

int main(void)
{
    struct vdso v = {0};
    uintptr_t base = getauxval(AT_SYSINFO_EHDR);
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
    if (!check_mapping(&v, base) || !check_ehdr(&v, eh) || !find_dynamic(&v, eh) || !read_dynamic(&v))
        return 0;

    clock_fn gettime = (clock_fn)lookup(&v, "clock_gettime");
    clock_fn getres = (clock_fn)lookup(&v, "clock_getres");
    gtod_fn gtod = (gtod_fn)lookup(&v, "gettimeofday");
    time_fn tm = (time_fn)lookup(&v, "time");
    getcpu_fn getcpu = (getcpu_fn)lookup(&v, "getcpu");

    if (gettime) {
        call_clock_gettime(gettime, CLOCK_MONOTONIC, "__vdso_clock_gettime(CLOCK_MONOTONIC)");
        call_clock_gettime(gettime, CLOCK_REALTIME, "__vdso_clock_gettime(CLOCK_REALTIME)");
        call_bad_clock(gettime, "__vdso_clock_gettime");
        interleave(gettime, CLOCK_MONOTONIC, "CLOCK_MONOTONIC");
        interleave(gettime, CLOCK_REALTIME, "CLOCK_REALTIME");
        interleave(gettime, CLOCK_BOOTTIME, "CLOCK_BOOTTIME");
        interleave(gettime, CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW");
        interleave(gettime, CLOCK_MONOTONIC_COARSE, "CLOCK_MONOTONIC_COARSE");
        interleave(gettime, CLOCK_THREAD_CPUTIME_ID, "CLOCK_THREAD_CPUTIME_ID");
    }
    if (getres) {
        call_clock_getres(getres, CLOCK_MONOTONIC, "__vdso_clock_getres(CLOCK_MONOTONIC) == syscall");
        call_clock_getres(getres, CLOCK_REALTIME, "__vdso_clock_getres(CLOCK_REALTIME) == syscall");
        call_bad_clock(getres, "__vdso_clock_getres");
    }
    if (gtod)
        call_gettimeofday(gtod);
    if (tm)
        call_time(tm);
    if (getcpu)
        call_getcpu(getcpu);
    if (gettime)
        check_fork(base, gettime);
    return 0;
}

#else

int main(void)
{
    printf("vdso: x86_64-only test\n");
    return 0;
}

#endif
