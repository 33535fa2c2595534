#!/usr/bin/env python3
"""mk-ldcache.py ROOT: writes ROOT/etc/ld.so.cache for a riscv64 (lp64d) root tree.

The host's ldconfig cannot make it: it refuses riscv64 ELF files ("unknown machine 243"). Without
a cache, glibc's ld.so probes directories (tls/ subdirs, ...) for every library; with it, it opens
each library at once, as on a Debian riscv64 system.

Scans ROOT/lib/riscv64-linux-gnu, ROOT/usr/lib/riscv64-linux-gnu, ROOT/lib, ROOT/usr/lib (those
that exist, not recursively; symlinks resolved inside ROOT) for ELF64 little-endian ET_DYN files
of EM_RISCV with the lp64d float ABI and a DT_SONAME; a soname found in several directories keeps
the first (in one directory, the file named as the soname). Writes glibc's new cache format
("glibc-ld.so.cache1.1", glibc 2.36's default, without the optional extension directory):
key = soname, value = path in the image. Same input, same bytes.
"""
import functools
import os
import struct
import sys

LIB_DIRS = ["/lib/riscv64-linux-gnu", "/usr/lib/riscv64-linux-gnu", "/lib", "/usr/lib"]
EM_RISCV, ET_DYN, PT_LOAD, PT_DYNAMIC, DT_STRTAB, DT_SONAME = 243, 3, 1, 2, 5, 14
EF_RISCV_RVC, EF_RISCV_FLOAT_ABI, EF_RISCV_FLOAT_ABI_DOUBLE = 0x1, 0x6, 0x4
# glibc sysdeps/generic/ldconfig.h; riscv dl-cache.h: _DL_CACHE_DEFAULT_ID for lp64d.
FLAG_ELF_LIBC6, FLAG_RISCV_FLOAT_ABI_DOUBLE = 0x0003, 0x1000
CACHE_FLAGS_ENDIAN_LITTLE = 2  # cache_file_new.flags (dl-cache.h)
HEADER = struct.Struct("<17s3sIIB3xI12x")  # struct cache_file_new: 48 bytes
ENTRY = struct.Struct("<iIIIQ")  # struct file_entry_new: 24 bytes


def resolve(root, path):
    """Host path of image path PATH, following symlinks as if ROOT were /; None on a loop."""
    parts, done, hops = path.split("/"), "", 0
    while parts:
        p = parts.pop(0)
        if p in ("", "."):
            continue
        if p == "..":
            done = os.path.dirname(done)
            continue
        host = root + done + "/" + p
        if os.path.islink(host):
            hops += 1
            if hops > 40:
                return None
            target = os.readlink(host)
            if target.startswith("/"):
                done = ""
            parts = target.split("/") + parts
        else:
            done += "/" + p
    return root + done


def soname_of(path):
    """The DT_SONAME (bytes) of a riscv64 lp64d shared library, else None."""
    try:
        with open(path, "rb") as f:
            def read(off, n):
                f.seek(off)
                b = f.read(n)
                if len(b) != n:
                    raise ValueError("truncated")
                return b

            eh = read(0, 64)
            if eh[:4] != b"\x7fELF" or eh[4] != 2 or eh[5] != 1:
                return None
            e_type, e_machine = struct.unpack_from("<HH", eh, 16)
            e_flags, = struct.unpack_from("<I", eh, 48)
            # As glibc's riscv readelflib.c: double float ABI, no flag but RVC besides.
            if (e_type != ET_DYN or e_machine != EM_RISCV
                    or e_flags & EF_RISCV_FLOAT_ABI != EF_RISCV_FLOAT_ABI_DOUBLE
                    or e_flags & ~(EF_RISCV_FLOAT_ABI | EF_RISCV_RVC)):
                return None
            e_phoff, = struct.unpack_from("<Q", eh, 32)
            e_phentsize, e_phnum = struct.unpack_from("<HH", eh, 54)
            loads, dyn = [], None
            for i in range(e_phnum):
                p_type, _, off, vaddr, _, filesz = struct.unpack(
                    "<IIQQQQ", read(e_phoff + i * e_phentsize, 40))
                if p_type == PT_LOAD:
                    loads.append((vaddr, off, filesz))
                elif p_type == PT_DYNAMIC:
                    dyn = (off, filesz)
            if dyn is None:
                return None
            strtab = soname = None
            data = read(dyn[0], dyn[1] - dyn[1] % 16)
            for tag, val in struct.iter_unpack("<qQ", data):
                if tag == 0:
                    break
                if tag == DT_STRTAB:
                    strtab = val
                elif tag == DT_SONAME:
                    soname = val
            if strtab is None or soname is None:
                return None
            for vaddr, off, filesz in loads:
                if vaddr <= strtab < vaddr + filesz:
                    f.seek(off + strtab - vaddr + soname)
                    return f.read(4096).split(b"\0", 1)[0] or None
            return None
    except (OSError, ValueError, struct.error):
        return None


def libcmp(p1, p2):
    """glibc's _dl_cache_libcmp (elf/dl-cache.c) on bytes: runs of digits compare as numbers."""
    def digit(s, k):
        return k < len(s) and 0x30 <= s[k] <= 0x39

    i = j = 0
    while i < len(p1):
        if digit(p1, i):
            if not digit(p2, j):
                return 1
            a, b = i, j
            while digit(p1, i):
                i += 1
            while digit(p2, j):
                j += 1
            if int(p1[a:i]) != int(p2[b:j]):
                return int(p1[a:i]) - int(p2[b:j])
        elif digit(p2, j):
            return -1
        elif j >= len(p2) or p1[i] != p2[j]:
            return p1[i] - (p2[j] if j < len(p2) else 0)
        else:
            i += 1
            j += 1
    return -(p2[j] if j < len(p2) else 0)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: mk-ldcache.py ROOT")
    root = os.path.abspath(sys.argv[1]).rstrip("/")
    libs = {}  # soname (bytes) -> path in the image
    for d in LIB_DIRS:
        host_dir = resolve(root, d)
        if host_dir is None or not os.path.isdir(host_dir):
            continue
        found = {}  # soname -> file name, in this directory
        for name in sorted(os.listdir(host_dir)):
            host = resolve(root, d + "/" + name)
            if host is None or not os.path.isfile(host):
                continue
            so = soname_of(host)
            # Several files with one soname (libx.so.1.2.3, libx.so.1, libx.so): the soname link.
            if so is not None and (so not in found or os.fsencode(name) == so):
                found[so] = name
        for so, name in found.items():
            libs.setdefault(so, d + "/" + name)

    # Descending _dl_cache_libcmp order: ldconfig's compare(), which ld.so's binary search expects.
    keys = sorted(libs, key=functools.cmp_to_key(lambda a, b: libcmp(b, a)))
    flags = FLAG_ELF_LIBC6 | FLAG_RISCV_FLOAT_ABI_DOUBLE
    strings, entries = bytearray(), bytearray()
    str_base = HEADER.size + len(keys) * ENTRY.size  # string offsets count from the file start
    for so in keys:
        key = str_base + len(strings)
        strings += so + b"\0"
        value = str_base + len(strings)
        strings += os.fsencode(libs[so]) + b"\0"
        entries += ENTRY.pack(flags, key, value, 0, 0)
    header = HEADER.pack(b"glibc-ld.so.cache", b"1.1", len(keys), len(strings),
                         CACHE_FLAGS_ENDIAN_LITTLE, 0)

    out = root + "/etc/ld.so.cache"
    os.makedirs(root + "/etc", exist_ok=True)
    with open(out + "~", "wb") as f:
        f.write(header + entries + strings)
    os.chmod(out + "~", 0o644)
    os.replace(out + "~", out)
    print(f"mk-ldcache: {out}: {len(keys)} libraries", file=sys.stderr)


if __name__ == "__main__":
    main()
