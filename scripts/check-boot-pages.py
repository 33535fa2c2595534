#!/usr/bin/env python3
"""check-boot-pages.py KERNEL_ELF: checks the x86_64 boot page tables of axplat-x86-q35.

They must map with 2 MiB pages only (PS in page directory entries, never in a PML4 or PDPT
entry): 1 GiB pages need the pdpe1gb CPU feature, which some CPU models lack, and QEMU's TCG
accepts them regardless, so only a check of the image shows they are absent. Reads the tables
(symbols boot_pml4, boot_pdpt, boot_pd) from the ELF; exits 1 with a message if they are wrong.
"""
import struct
import sys

PRESENT, WRITABLE, HUGE = 1, 2, 0x80
ADDR_MASK = 0x000F_FFFF_FFFF_F000


def read_elf(path):
    """Returns (symbols {name: address}, read(address, size) -> bytes)."""
    data = open(path, "rb").read()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        sys.exit(f"{path}: not an ELF64 file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    symbols = {}
    for _name, sh_type, _flags, _addr, off, size, link, _info, _align, entsize in sections:
        if sh_type != 2:  # SHT_SYMTAB
            continue
        strtab_off = sections[link][4]
        for i in range(size // entsize):
            st_name, _info, _other, _shndx, value, _size = struct.unpack_from("<IBBHQQ", data, off + i * entsize)
            end = data.index(b"\0", strtab_off + st_name)
            symbols[data[strtab_off + st_name:end].decode()] = value

    def read(addr, size):
        for _name, sh_type, _flags, sh_addr, off, sh_size, *_ in sections:
            if sh_type == 1 and sh_addr <= addr and addr + size <= sh_addr + sh_size:  # PROGBITS
                return data[off + addr - sh_addr:off + addr - sh_addr + size]
        sys.exit(f"{path}: {addr:#x}+{size:#x} is in no section with contents")

    return symbols, read


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    path = sys.argv[1]
    symbols, read = read_elf(path)
    try:
        pml4_va, pdpt_va, pd_va = (symbols[s] for s in ("boot_pml4", "boot_pdpt", "boot_pd"))
    except KeyError as e:
        sys.exit(f"{path}: no symbol {e}: not a kernel with axplat-x86-q35")
    # The tables refer to each other by physical address; the image is linked at pml4_va and
    # its physical address is taken from PML4 entry 0 (identity map -> the PDPT).
    pml4 = struct.unpack("<512Q", read(pml4_va, 4096))
    pdpt = struct.unpack("<512Q", read(pdpt_va, 4096))
    offset = pdpt_va - (pml4[0] & ADDR_MASK)

    errors = []
    for i, e in enumerate(pml4):
        if e & PRESENT and (e & HUGE or (e & ADDR_MASK) + offset != pdpt_va):
            errors.append(f"PML4[{i}] = {e:#x}: not a pointer to boot_pdpt")
    gib = 0
    for i, e in enumerate(pdpt):
        if not e & PRESENT:
            continue
        if e & HUGE:
            errors.append(f"PDPT[{i}] = {e:#x}: a 1 GiB page")
        elif (e & ADDR_MASK) + offset != pd_va + i * 4096:
            errors.append(f"PDPT[{i}] = {e:#x}: not boot_pd[{i}]")
        gib += 1
    pd = struct.unpack(f"<{512 * gib}Q", read(pd_va, 4096 * gib))
    for i, e in enumerate(pd):
        if e & (PRESENT | WRITABLE | HUGE) != PRESENT | WRITABLE | HUGE or e & ADDR_MASK != i << 21:
            errors.append(f"PD entry {i} = {e:#x}: not a 2 MiB page of {i << 21:#x}")
            break
    if gib < 4:
        errors.append(f"only {gib} GiB mapped: the 32-bit MMIO hole (LAPIC, IOAPIC, PCI) needs 4")
    if errors:
        print(f"{path}: bad boot page tables:", *errors[:10], sep="\n  ", file=sys.stderr)
        sys.exit(1)
    mapped = [i for i, e in enumerate(pml4) if e & PRESENT]
    print(f"boot page tables: {gib} GiB in 2 MiB pages, PML4 entries {mapped}, no 1 GiB page")


if __name__ == "__main__":
    main()
