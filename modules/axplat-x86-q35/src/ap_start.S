# Real-mode trampoline of the application processors, copied to the start page ({start_page},
# below 1 MiB) by mp.rs before the INIT-SIPI-SIPI sequence. A STARTUP IPI with vector
# {start_page} >> 12 starts the AP in real mode at CS:IP = ({start_page} >> 4):0. This code loads
# a flat GDT, enters 32-bit protected mode, takes its stack and the address of ap_entry32 from the
# hand-off slots at the end of the page (written by mp.rs) and jumps there.
#
# It runs from the copy, so every address in it is computed relative to the start page.

.equ .Lap_phys_code32, .Lap_code32 - ap_trampoline_start + {start_page}
.equ .Lap_phys_gdt, .Lap_gdt - ap_trampoline_start + {start_page}
.equ .Lap_phys_gdt_desc, .Lap_gdt_desc - ap_trampoline_start + {start_page}

.section .text
.balign 16
.code16
.global ap_trampoline_start
ap_trampoline_start:
    cli
    xor     ax, ax
    mov     ds, ax
    lgdt    [.Lap_phys_gdt_desc]
    mov     eax, cr0
    or      eax, 1                      # protection enable
    mov     cr0, eax
    ljmp    {sel_code32}, offset .Lap_phys_code32

.code32
.Lap_code32:
    mov     ax, {sel_data}
    mov     ds, ax
    mov     ss, ax
    mov     esp, [{start_page} + {stack_slot}]
    mov     eax, [{start_page} + {entry_slot}]
    jmp     eax                         # ap_entry32 (boot.S)

.balign 16
.Lap_gdt:
    .quad   0                           # null
    .quad   {gdt_code32}                # {sel_code32}
    .quad   {gdt_code64}                # {sel_code64}
    .quad   {gdt_data}                  # {sel_data}
.Lap_gdt_end:
.Lap_gdt_desc:
    .short  .Lap_gdt_end - .Lap_gdt - 1
    .long   .Lap_phys_gdt

.global ap_trampoline_end
ap_trampoline_end:
.code64
