# Entry from a multiboot (v1) loader, and the 32-bit entry of application processors.
#
# Both load the boot GDT, enable PAE paging on the boot page tables below, turn on long mode and
# jump to 64-bit code, which moves to the linear map (stack and code at PHYS_VIRT_OFFSET) and
# calls into Rust. The loader leaves us in 32-bit protected mode with paging off, EAX = magic and
# EBX = physical address of the multiboot information; there is no stack yet.

.section .text.boot, "ax"
.code32
.global _start
_start:
    mov     edi, eax                    # rust_entry's arg 1: the loader's magic
    mov     esi, ebx                    # arg 2: the multiboot information (physical)
    jmp     .Lbsp_entry32

.balign 4
.Lmultiboot_header:
    .int    {mb_hdr_magic}
    .int    {mb_hdr_flags}
    .int    -({mb_hdr_magic} + {mb_hdr_flags})  # checksum
    .int    .Lmultiboot_header - {offset}       # header_addr
    .int    _skernel - {offset}                 # load_addr
    .int    _edata - {offset}                   # load_end_addr
    .int    _ebss - {offset}                    # bss_end_addr
    .int    _start - {offset}                   # entry_addr

# Paging and long mode on, then a far jump to \target (a 64-bit label, by its physical address).
# Clobbers EAX, ECX, EDX.
.macro Q35_ENTER_LONG_MODE target
    lgdt    [.Lboot_gdt_desc - {offset}]
    mov     ax, {sel_data}
    mov     ds, ax
    mov     es, ax
    mov     ss, ax
    mov     fs, ax
    mov     gs, ax

    mov     eax, {cr4}                  # PAE, global pages (+ SSE when fp-simd)
    mov     cr4, eax
    lea     eax, [boot_pml4 - {offset}]
    mov     cr3, eax
    mov     ecx, {efer_msr}             # long mode, no-execute
    xor     edx, edx
    mov     eax, {efer}
    wrmsr
    mov     eax, {cr0}                  # protection, paging, write protect
    mov     cr0, eax

    ljmp    {sel_code64}, offset \target - {offset}
.endm

.Lbsp_entry32:
    Q35_ENTER_LONG_MODE .Lbsp_entry64

# Application processors come here from the trampoline (ap_start.S), with ESP = stack top
# (physical).
.global ap_entry32
ap_entry32:
    Q35_ENTER_LONG_MODE .Lap_entry64

.purgem Q35_ENTER_LONG_MODE

.code64
.Lbsp_entry64:
    xor     eax, eax                    # null data selectors: flat in 64-bit mode
    mov     ds, ax
    mov     es, ax
    mov     ss, ax
    mov     fs, ax
    mov     gs, ax

    movabs  rsp, offset {boot_stack}
    add     rsp, {boot_stack_size}
    mov     edi, edi                    # the upper halves are undefined after the mode switch
    mov     esi, esi
    movabs  rax, offset {entry}         # rust_entry(magic, mbi), in the linear map
    call    rax
    jmp     .Lhalt

.Lap_entry64:
    xor     eax, eax
    mov     ds, ax
    mov     es, ax
    mov     ss, ax
    mov     fs, ax
    mov     gs, ax

    mov     esp, esp                    # zero-extend the physical stack top...
    movabs  rax, {offset}               # ...and move it to the linear map
    add     rsp, rax
    movabs  rax, offset {entry_secondary}
    call    rax
    jmp     .Lhalt

.Lhalt:
    cli
    hlt
    jmp     .Lhalt

# Flat segments; the same layout as the trampoline's GDT (ap_start.S).
.section .rodata
.balign 16
.Lboot_gdt:
    .quad   0                           # null
    .quad   {gdt_code32}                # {sel_code32}
    .quad   {gdt_code64}                # {sel_code64}
    .quad   {gdt_data}                  # {sel_data}
.Lboot_gdt_end:
.balign 8
.Lboot_gdt_desc:
    .short  .Lboot_gdt_end - .Lboot_gdt - 1
    .long   .Lboot_gdt - {offset}

# Boot page tables: {map_gib} GiB from physical 0, mapped at 0 and at PHYS_VIRT_OFFSET through
# one shared PDPT, with 2 MiB pages (PS in the PD entries; no PS in any PDPT entry). In .data
# (loaded with the image, not cleared with .bss while in use), placed first by the linker script.
.section .data.boot_page_table, "aw"
.balign 4096
.global boot_pml4
boot_pml4:
    .quad   boot_pdpt - {offset} + {table_flags}    # [0]: identity map
    .zero   8 * ({pml4_linear} - 1)
    .quad   boot_pdpt - {offset} + {table_flags}    # [{pml4_linear}]: linear map
    .zero   8 * (511 - {pml4_linear})

.global boot_pdpt
boot_pdpt:
.set .Lgib, 0
.rept {map_gib}
    .quad   boot_pd - {offset} + .Lgib * 4096 + {table_flags}
    .set .Lgib, .Lgib + 1
.endr
    .zero   8 * (512 - {map_gib})

.global boot_pd
boot_pd:
.set .Lpage, 0
.rept {map_gib} * 512
    .quad   .Lpage * {page_2m} + {pd_flags}
    .set .Lpage, .Lpage + 1
.endr
