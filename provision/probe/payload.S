/*
 * vprobe: a tiny x86 guest payload that proves a hypervisor really runs
 * guest code through real mode, protected mode, long mode and MSR accesses,
 * and at hardware speed rather than by emulating it instruction by
 * instruction.
 *
 * It is a raw binary in Linux bzImage boot-protocol layout, so QEMU's direct
 * kernel boot (-kernel FILE, libvirt <os><kernel>FILE</kernel>) loads it like
 * a Linux kernel and jumps to its real-mode setup code.  No multiboot magic,
 * not an ELF: QEMU's x86_load_linux() must take the Linux path.
 *
 * Every stage prints one marker line on COM1 (lines end in "\r\n"):
 *
 *   VPROBE real        real-mode setup code runs (BIOS -> linuxboot ROM -> us)
 *   VPROBE protected   CR0.PE + far jump into a 32-bit segment worked
 *   VPROBE long        PAE paging + EFER.LME + CR0.PG, running 64-bit code
 *   VPROBE msr         EFER.LMA reads back set, CPUID answers, and (if the
 *                      CPU has RDTSCP) IA32_TSC_AUX survives a write/read
 *   VPROBE speed 0xT   ~4M instructions ran within SPEED_BUDGET_MS; T = the
 *                      ACPI PM timer ticks they took (3.579545 MHz)
 *   VPROBE ok          about to power off through ACPI PM1a_CNT (S5)
 *
 * or "VPROBE FAIL <what>" followed by cli;hlt forever: nolongmode, efer,
 * cpuid, tsc_aux, acpi (no FADT / PM ports), "slow 0xN" (budget spent after
 * N of 256 chunks), "exception 0xV" (CPU exception V in 64-bit mode; all hex
 * numbers are 8 digits).  A fault before the 64-bit IDT is loaded is a
 * triple fault, i.e. a reset (QEMU -no-reboot exits, libvirt
 * <on_reboot>destroy</on_reboot> destroys): the marker list then simply
 * stops early.  Success == "VPROBE ok" in the log and the VM turned itself
 * off.
 *
 * Build (the same gcc/ld/objcopy the CMake integration uses):
 *
 *   gcc -c -m64 payload.S -o payload.o
 *   ld -T payload.ld -o payload.elf payload.o
 *   objcopy -O binary payload.elf vprobe.bin
 *
 * Memory map while running (all below 64 KiB, free once the BIOS handed over):
 *   0x1000-0x1fff PML4      0x2000-0x2fff PDPT     0x3000-0x6fff 4 PDs
 *   0x7000-0x71ff 64-bit IDT (32 gates)            0x7200 speed-loop scratch
 *   0x7204-0x7fff stack (grows down from 0x8000, uses a few bytes)
 *   0x8000-...    this image (setup area), copied here from wherever QEMU
 *                 put it (0x10000 today), linked at 0x8000 (payload.ld)
 *
 * Note: this file goes through the C preprocessor (.S), so comments are C
 * comments, never '#' comments.
 */

#define COM1            0x3f8   /* legacy COM1 I/O base */
#define UART_THR        0       /* transmit holding register (DLAB=0) */
#define UART_DLL        0       /* divisor latch low (DLAB=1) */
#define UART_IER        1       /* interrupt enable (DLAB=0) */
#define UART_DLM        1       /* divisor latch high (DLAB=1) */
#define UART_FCR        2       /* FIFO control */
#define UART_LCR        3       /* line control */
#define UART_MCR        4       /* modem control */
#define UART_LSR        5       /* line status */
#define LSR_THRE        0x20    /* bit 5: transmit holding register empty */
#define LSR_TEMT        0x40    /* bit 6: transmitter completely empty */

#define RELOC_BASE      0x8000  /* where the image runs; == payload.ld origin */
#define STACK_TOP       0x8000  /* stack grows down from just below the image */
#define PML4            0x1000
#define PDPT            0x2000
#define PD0             0x3000  /* 4 PDs, 0x3000..0x6fff, 512 x 2 MiB each */
#define PT_END          0x7000
#define IDT64           0x7000
#define IDT_VECTORS     32      /* CPU exceptions 0..31 */
#define SPEED_SCRATCH   0x7200  /* the speed loop's memory operand: NOT in the
                                   code pages, or TCG (and shadow paging)
                                   would treat every store as self-modifying
                                   code, ~1 us each */

#define SEL_CODE32      0x08    /* GDT selectors, see gdt below */
#define SEL_DATA        0x10
#define SEL_CODE64      0x18

#define MSR_EFER        0xc0000080
#define EFER_LME        (1 << 8)
#define EFER_LMA_BIT    10
#define MSR_TSC_AUX     0xc0000103
#define TSC_AUX_VALUE   0x56505242      /* "BRPV": any 32-bit value will do */

#define CPUID_EXT_LM_BIT     29         /* CPUID 0x80000001 EDX: long mode */
#define CPUID_EXT_RDTSCP_BIT 27         /* CPUID 0x80000001 EDX: RDTSCP/TSC_AUX */

#define SIG_RSDP_LO     0x20445352      /* "RSD " */
#define SIG_RSDP_HI     0x20525450      /* "PTR " */
#define SIG_FACP        0x50434146      /* "FACP": the FADT's signature */
#define FADT_PM1A_CNT   64              /* FADT offset of PM1a_CNT_BLK (dword) */
#define FADT_PM_TMR     76              /* FADT offset of PM_TMR_BLK (dword) */
#define PM_TMR_MASK     0xffffff        /* the PM timer is 24 bits unless FADT
                                           says TMR_VAL_EXT; 24 always works */
/* Speed stage: SPEED_CHUNKS x SPEED_CHUNK_ITERS iterations of a 4-instruction
 * loop (~4M instructions), timed with the ACPI PM timer (3.579545 MHz).
 * TCG needs 3-4 ms (measured), hardware-virtualised KVM less; a "KVM" that
 * emulates the guest instruction by instruction (this host's PVM: 4 s) fails
 * as soon as the budget is spent, so the probe stays bounded either way.
 * gcc -DSPEED_BUDGET_MS=N changes the budget. */
#define SPEED_CHUNKS        256
#define SPEED_CHUNK_ITERS   4096
#ifndef SPEED_BUDGET_MS
#define SPEED_BUDGET_MS     250         /* measured here: TCG 3-4 ms, PVM 4 s */
#endif
#define PM_TMR_HZ           3579545
#define SPEED_BUDGET_TICKS  (PM_TMR_HZ * SPEED_BUDGET_MS / 1000)
#define BDA_EBDA_SEG    0x40e           /* BIOS data area: EBDA segment (word) */
/* PM1_CNT value: SLP_TYP (bits 10-12) = 0, QEMU's \_S5 for pc and q35,
 * plus SLP_EN (bit 13) */
#define PM1_S5_SLP_EN   ((0 << 10) | (1 << 13))

/* Print the NUL-terminated string at DS:(E/R)SI on COM1, polling LSR.THRE
 * before each byte.  Clobbers AX, DX, (E/R)SI.  The same source assembles
 * to a 16-, 32- or 64-bit routine depending on the current .codeNN. */
.macro PUTS_BODY
1:      lodsb
        test    %al, %al
        jz      3f
        mov     %al, %ah
        mov     $(COM1 + UART_LSR), %dx
2:      in      %dx, %al
        test    $LSR_THRE, %al
        jz      2b
        mov     %ah, %al
        mov     $(COM1 + UART_THR), %dx
        out     %al, %dx
        jmp     1b
3:      ret
.endm

/* Stop for good: no interrupts, and hlt again should an NMI wake us. */
.macro HALT_FOREVER
        cli
9:      hlt
        jmp     9b
.endm

        .section .setup, "awx"

/* ------------------------------------------------------------------------
 * Boot sector (file offset 0..0x1ff).  Never executed by QEMU; if a BIOS
 * ever boots the file as a disk, it just halts.  The rest of it, up to the
 * header at 0x1f1, holds all the data (.org 0x1f1 fails if it outgrows it).
 */
        .code16
        .globl  _start
_start:
        cli
0:      hlt
        jmp     0b

/* Data lives in the rest of the boot sector, which the loader copies but
 * never runs; after the relocation copy it is ordinary RAM: writable. */
        .balign 8
gdt:
        .quad   0                               /* 0x00 null */
        .quad   0x00cf9a000000ffff              /* 0x08 code32: base 0, 4 GiB, D=1 */
        .quad   0x00cf92000000ffff              /* 0x10 data: base 0, 4 GiB, RW */
        .quad   0x00af9a000000ffff              /* 0x18 code64: L=1, D=0 */
gdt_end:
gdt_desc:
        .word   gdt_end - gdt - 1
        .long   gdt
idt_desc:
        .word   IDT_VECTORS * 16 - 1
        .quad   IDT64

pm1a_port:
        .long   0                               /* 0 = no FADT found */
pm_tmr_port:
        .long   0

kver:           .asciz  "vprobe"
hex_digits:
        .ascii  "0123456789abcdef"

msg_real:       .asciz  "\r\nVPROBE real\r\n"    /* own line: SeaBIOS leaves "Booting from ROM.." unterminated */
msg_protected:  .asciz  "VPROBE protected\r\n"
msg_long:       .asciz  "VPROBE long\r\n"
msg_msr:        .asciz  "VPROBE msr\r\n"
msg_speed:      .asciz  "VPROBE speed 0x"    /* + elapsed PM timer ticks */
msg_ok:         .asciz  "VPROBE ok\r\n"
msg_fail_lm:    .asciz  "VPROBE FAIL nolongmode\r\n"
msg_fail_efer:  .asciz  "VPROBE FAIL efer\r\n"
msg_fail_cpuid: .asciz  "VPROBE FAIL cpuid\r\n"
msg_fail_tsc_aux: .asciz "VPROBE FAIL tsc_aux\r\n"
msg_fail_acpi:  .asciz  "VPROBE FAIL acpi\r\n"
msg_fail_slow:  .asciz  "VPROBE FAIL slow 0x" /* + chunks done in budget */
msg_fail_exc:   .asciz  "VPROBE FAIL exception 0x"  /* + vector */
hex_buf:        .asciz  "00000000\r\n"

/* Linux boot protocol header (Documentation/arch/x86/boot.rst).  QEMU reads
 * setup_sects, "HdrS", the version and loadflags, and writes type_of_loader,
 * loadflags.CAN_USE_HEAP, heap_end_ptr, cmd_line_ptr (and, QEMU 7.2,
 * initrd_addr_max): those bytes must stay data, so the code starts after
 * the largest header any protocol version defines. */
        .org    0x1f1
setup_sects_byte:
        .byte   setup_sects     /* 0x1f1: 512-byte sectors after the boot
                                   sector; computed in payload.ld */
        .word   0               /* 0x1f2 root_flags */
        .long   syssize         /* 0x1f4 protected-mode part, 16-byte units */
        .word   0               /* 0x1f8 ram_size (obsolete) */
        .word   0xffff          /* 0x1fa vid_mode: "normal" */
        .word   0               /* 0x1fc root_dev */
        .word   0xaa55          /* 0x1fe boot_flag */

/* ------------------------------------------------------------------------
 * File offset 0x200: the real-mode entry point.  QEMU's linuxboot option ROM
 * enters here with CS = setup_seg + 0x20, IP = 0, DS = ES = SS = setup_seg.
 */
entry16:
        jmp     start16         /* 0x200: 2-byte short jump over the header */
        .ascii  "HdrS"          /* 0x202 header magic */
        .word   0x0202          /* 0x206 protocol 2.02: new enough for QEMU to
                                   load the setup at 0x10000 and pass the
                                   command line by pointer; below 2.09 so QEMU
                                   adds no setup_data (RNG seed) to the image */
        .long   0               /* 0x208 realmode_swtch */
        .word   0x1000          /* 0x20c start_sys_seg (obsolete) */
        .word   kver - entry16  /* 0x20e kernel_version string, relative to 0x200 */
        .byte   0               /* 0x210 type_of_loader (QEMU writes 0xb0) */
        .byte   0x01            /* 0x211 loadflags: LOADED_HIGH, the
                                   protected-mode part goes to 0x100000 */
        .word   0               /* 0x212 setup_move_size */
        .long   0x100000        /* 0x214 code32_start */
        .long   0               /* 0x218 ramdisk_image */
        .long   0               /* 0x21c ramdisk_size */
        .long   0               /* 0x220 bootsect_kludge */
        .word   0               /* 0x224 heap_end_ptr (QEMU writes it) */
        .byte   0               /* 0x226 ext_loader_ver */
        .byte   0               /* 0x227 ext_loader_type */
        .long   0               /* 0x228 cmd_line_ptr (QEMU writes it) */
        /* 0x22c..0x267: the fields protocols 2.03..2.15 added
         * (initrd_addr_max ... kernel_info_offset).  We claim 2.02, but
         * loaders write some of them anyway: QEMU 7.2 stores initrd_addr_max
         * (0x37ffffff) at 0x22c regardless of the version, which overwrote
         * the first instructions when the code started at 0x22c.  Keep the
         * whole modern header as zeroed data; code starts at 0x268. */
        .org    0x268

/* ------------------------------------------------------------------------
 * Stage 1, real mode, still running wherever the loader put us: relative
 * calls and offsets from the image start (segment CS - 0x20) only, no
 * absolute addresses yet.
 */
start16:
        cli
        cld

        /* COM1: 115200 8N1, FIFOs on, no interrupts.  Nobody else is
         * guaranteed to have set it up (SeaBIOS does, but don't rely on it). */
        mov     $(COM1 + UART_IER), %dx
        xor     %al, %al
        out     %al, %dx                /* IER = 0: we poll */
        mov     $(COM1 + UART_LCR), %dx
        mov     $0x80, %al
        out     %al, %dx                /* LCR.DLAB = 1: divisor access */
        mov     $(COM1 + UART_DLL), %dx
        mov     $1, %al
        out     %al, %dx                /* divisor 1 = 115200 baud */
        mov     $(COM1 + UART_DLM), %dx
        xor     %al, %al
        out     %al, %dx
        mov     $(COM1 + UART_LCR), %dx
        mov     $0x03, %al
        out     %al, %dx                /* 8 data bits, no parity, 1 stop */
        mov     $(COM1 + UART_FCR), %dx
        mov     $0xc7, %al
        out     %al, %dx                /* FIFO on, clear both, 14-byte trigger */
        mov     $(COM1 + UART_MCR), %dx
        mov     $0x03, %al
        out     %al, %dx                /* DTR | RTS */

        mov     %cs, %ax
        sub     $0x20, %ax                      /* back to the boot sector */
        mov     %ax, %ds
        mov     $(msg_real - _start), %si       /* offset within the image */
        call    puts16                          /* near call: IP-relative */

        /* Copy the setup area (boot sector + setup sectors: everything that
         * runs) to RELOC_BASE.  Source = CS*16 - 0x200 as the loader put us;
         * QEMU uses 0x10000 today, which does not overlap 0x8000 + size. */
        xor     %si, %si                        /* DS is still the boot sector */
        mov     $(RELOC_BASE >> 4), %ax
        mov     %ax, %es
        xor     %di, %di
        mov     $setup_words, %cx               /* payload.ld: setup area / 2 */
        rep movsw
        ljmp    $0, $low16                      /* now at the linked address */

low16:
        xor     %ax, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     %ax, %ss
        mov     $STACK_TOP, %sp

        /* A20 via the "fast A20" port 0x92: bit 1 = A20, never set bit 0
         * (that is a fast reset).  Without A20, address bit 20 is forced to
         * 0: the ACPI tables near the top of RAM could read from the wrong
         * MiB. */
        in      $0x92, %al
        or      $0x02, %al
        and     $0xfe, %al
        out     %al, $0x92

        /* Stage 2: protected mode.  Flat 4 GiB code/data segments. */
        lgdtl   gdt_desc
        mov     %cr0, %eax
        or      $1, %eax                        /* CR0.PE */
        mov     %eax, %cr0
        ljmpl   $SEL_CODE32, $pm32              /* reloads CS: now 32-bit */

puts16:
        PUTS_BODY

/* ------------------------------------------------------------------------
 * Stage 2, 32-bit protected mode, paging off.  The first real test of a
 * hypervisor: virtualisation schemes that only cope with real mode (or only
 * with their own paravirtual 64-bit guests) lose the guest here.
 */
        .code32
pm32:
        mov     $SEL_DATA, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     %ax, %fs
        mov     %ax, %gs
        mov     %ax, %ss
        mov     $STACK_TOP, %esp

        mov     $msg_protected, %esi
        call    puts32

        /* Find the FADT while paging is still off and any address below
         * 4 GiB is reachable: the RSDP lives in the first KiB of the EBDA or
         * in the BIOS area 0xe0000-0xfffff, on a 16-byte boundary. */
        movzwl  BDA_EBDA_SEG, %esi
        shl     $4, %esi                        /* EBDA segment -> address */
        jz      1f                              /* no EBDA */
        mov     $(1024 / 16), %ecx
        call    scan_rsdp
        jz      2f
1:      mov     $0xe0000, %esi
        mov     $(0x20000 / 16), %ecx
        call    scan_rsdp
        jnz     acpi_done                       /* no RSDP: pm1a_port stays 0 */

2:      /* ESI = RSDP.  Walk the RSDT (32-bit entries); if an ACPI 2.0 RSDP
         * has no RSDT, fall back to the XSDT (64-bit entries, low half used:
         * we cannot reach above 4 GiB here anyway). */
        mov     16(%esi), %ebx                  /* RsdtAddress */
        mov     $4, %ebp                        /* entry size */
        test    %ebx, %ebx
        jnz     3f
        cmpb    $2, 15(%esi)                    /* Revision */
        jb      acpi_done
        mov     24(%esi), %ebx                  /* XsdtAddress, low dword */
        mov     $8, %ebp
3:      mov     4(%ebx), %ecx                   /* table Length */
        add     %ebx, %ecx                      /* ECX = end of table */
        lea     36(%ebx), %edi                  /* entries follow the 36-byte header */
4:      cmp     %ecx, %edi
        jae     acpi_done
        mov     (%edi), %eax
        cmpl    $SIG_FACP, (%eax)
        je      5f
        add     %ebp, %edi
        jmp     4b
5:      mov     FADT_PM_TMR(%eax), %edx         /* PM_TMR_BLK I/O port */
        mov     %edx, pm_tmr_port
        mov     FADT_PM1A_CNT(%eax), %eax       /* PM1a_CNT_BLK I/O port */
        mov     %eax, pm1a_port
acpi_done:

        /* Long mode must exist before we touch EFER.LME. */
        mov     $0x80000000, %eax
        cpuid
        cmp     $0x80000001, %eax
        jb      no_lm
        mov     $0x80000001, %eax
        cpuid
        bt      $CPUID_EXT_LM_BIT, %edx
        jc      have_lm
no_lm:  mov     $msg_fail_lm, %esi
        call    puts32
        HALT_FOREVER

have_lm:
        /* Identity map 0..4 GiB with 2 MiB pages: PML4[0] -> PDPT,
         * PDPT[0..3] -> PD0..PD3, PDx[i] -> (x*512 + i) * 2 MiB.
         * Entry flags: 0x03 = present | writable, 0x83 adds PS (2 MiB page). */
        mov     $PML4, %edi
        mov     $((PT_END - PML4) / 4), %ecx
        xor     %eax, %eax
        rep stosl                               /* zero all six tables */

        movl    $(PDPT | 0x03), PML4
        mov     $PDPT, %edi
        mov     $(PD0 | 0x03), %eax
        mov     $4, %ecx
6:      mov     %eax, (%edi)
        add     $0x1000, %eax
        add     $8, %edi
        loop    6b

        mov     $PD0, %edi
        mov     $0x83, %eax
        mov     $(4 * 512), %ecx
7:      mov     %eax, (%edi)                    /* high dword stays 0 */
        add     $0x200000, %eax
        add     $8, %edi
        loop    7b

        mov     %cr4, %eax
        or      $(1 << 5), %eax                 /* CR4.PAE */
        mov     %eax, %cr4
        mov     $PML4, %eax
        mov     %eax, %cr3

        mov     $MSR_EFER, %ecx                 /* first MSR access */
        rdmsr
        or      $EFER_LME, %eax
        wrmsr

        mov     %cr0, %eax
        or      $0x80000000, %eax               /* CR0.PG: long mode activates */
        mov     %eax, %cr0
        ljmp    $SEL_CODE64, $lm64              /* CS.L = 1: 64-bit code */

/* scan_rsdp: look for a checksummed RSDP at ESI, ESI+16, ... (ECX slots).
 * Returns ZF=1 and ESI = RSDP if found, ZF=0 otherwise.  Clobbers EAX, ECX,
 * EDX. */
scan_rsdp:
1:      cmpl    $SIG_RSDP_LO, (%esi)
        jne     3f
        cmpl    $SIG_RSDP_HI, 4(%esi)
        jne     3f
        xor     %eax, %eax                      /* ACPI 1.0 checksum: the first */
        xor     %edx, %edx                      /* 20 bytes sum to 0 (mod 256) */
2:      add     (%esi,%edx), %al
        inc     %edx
        cmp     $20, %edx
        jne     2b
        test    %al, %al
        jz      4f                              /* found, ZF = 1 */
3:      add     $16, %esi
        loop    1b
        test    %esp, %esp                      /* not found: ZF = 0 */
4:      ret

puts32:
        PUTS_BODY

/* ------------------------------------------------------------------------
 * Stage 3, 64-bit long mode.
 */
        .code64
lm64:
        mov     $SEL_DATA, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     %ax, %ss
        mov     $STACK_TOP, %esp

        mov     $msg_long, %esi
        call    puts64

        /* From here on a fault prints its vector instead of resetting:
         * gate i -> exc_stubs + 4*i (interrupt gate, CS = SEL_CODE64).
         * Gate layout: offset 15:0 | selector << 16 | type 0x8e << 40, and
         * offset 63:16 = 0 since every handler lives below 64 KiB. */
        mov     $IDT64, %edi
        mov     $exc_stubs, %eax
        movabs  $((0x8e << 40) | (SEL_CODE64 << 16)), %rbx
        mov     $IDT_VECTORS, %ecx
1:      mov     %rax, %rdx
        or      %rbx, %rdx
        mov     %rdx, (%rdi)
        movq    $0, 8(%rdi)
        add     $16, %rdi
        add     $4, %eax
        loop    1b
        lidt    idt_desc

        /* EFER.LMA: the CPU itself says long mode is active. */
        mov     $MSR_EFER, %ecx
        rdmsr
        bt      $EFER_LMA_BIT, %eax
        mov     $msg_fail_efer, %esi
        jnc     fail

        /* CPUID answers: a max basic leaf >= 1 and a vendor string, and the
         * long-mode bit is still reported now that we run in long mode. */
        mov     $msg_fail_cpuid, %esi
        xor     %eax, %eax
        cpuid
        test    %eax, %eax
        jz      fail
        test    %ebx, %ebx
        jz      fail
        mov     $0x80000001, %eax
        cpuid
        bt      $CPUID_EXT_LM_BIT, %edx
        jnc     fail

        /* IA32_TSC_AUX round trip, only if CPUID says it exists (RDTSCP):
         * an MSR a half-virtualised vCPU may refuse (#GP -> "exception 0x0d")
         * or drop.  Check it with rdmsr and with rdtscp, which returns it in
         * ECX. */
        bt      $CPUID_EXT_RDTSCP_BIT, %edx
        jnc     msr_done
        mov     $MSR_TSC_AUX, %ecx
        mov     $TSC_AUX_VALUE, %eax
        xor     %edx, %edx
        wrmsr
        xor     %eax, %eax
        rdmsr
        mov     $msg_fail_tsc_aux, %esi
        cmp     $TSC_AUX_VALUE, %eax
        jne     fail
        rdtscp
        cmp     $TSC_AUX_VALUE, %ecx
        jne     fail
msr_done:
        mov     $msg_msr, %esi
        call    puts64

        /* The rest needs the two ACPI ports found in the FADT. */
        mov     pm1a_port, %ebx
        mov     pm_tmr_port, %edi
        mov     $msg_fail_acpi, %esi
        test    %ebx, %ebx
        jz      fail
        test    %edi, %edi
        jz      fail

        /* Stage 4: speed.  Run a fixed CPU-bound workload against the PM
         * timer.  On this host's PVM "KVM" every stage above passes, but
         * guest code runs ~1000x slower than under TCG (KVM's instruction
         * emulator runs every guest instruction): Linux's decompressor did
         * not finish in 5 minutes (TCG: 3.3 s).  A probe without this stage
         * would call that KVM healthy.  Elapsed ticks accumulate per
         * chunk, so the 24-bit timer's wrap (4.7 s) never matters. */
        mov     %edi, %edx
        in      %dx, %eax
        mov     %eax, %r8d                      /* r8d: previous timer reading */
        xor     %r9d, %r9d                      /* r9d: elapsed ticks */
        mov     $SPEED_CHUNKS, %ecx
1:      mov     $SPEED_CHUNK_ITERS, %r10d
2:      add     %r10d, %r11d                    /* the workload: ALU ops, a */
        xor     %r11d, SPEED_SCRATCH            /* memory read-modify-write, */
        dec     %r10d                           /* and a taken branch */
        jnz     2b
        in      %dx, %eax
        mov     %eax, %r10d
        sub     %r8d, %eax
        and     $PM_TMR_MASK, %eax
        add     %eax, %r9d
        mov     %r10d, %r8d
        cmp     $SPEED_BUDGET_TICKS, %r9d
        ja      too_slow
        loop    1b

        mov     $msg_speed, %esi                /* "VPROBE speed 0x<ticks>" */
        call    puts64
        mov     %r9d, %eax
        call    puthex64

        /* Stage 5: ACPI S5.  QEMU exits (or libvirt sees a guest shutdown). */
        mov     $msg_ok, %esi
        call    puts64
        mov     pm1a_port, %ebx                 /* puthex64 clobbered RBX */

        /* Let the UART drain completely before the machine goes away. */
        mov     $(COM1 + UART_LSR), %dx
2:      in      %dx, %al
        test    $LSR_TEMT, %al
        jz      2b

        mov     %ebx, %edx
        mov     $PM1_S5_SLP_EN, %ax
        out     %ax, %dx                        /* 16-bit write: power off */
        HALT_FOREVER

/* Budget spent: print how many of the SPEED_CHUNKS chunks got done. */
too_slow:
        mov     $msg_fail_slow, %esi
        call    puts64
        mov     $SPEED_CHUNKS + 1, %eax
        sub     %ecx, %eax                      /* chunks done, this one included */
        call    puthex64
        HALT_FOREVER

/* fail: print the string at RSI and stop. */
fail:
        call    puts64
        HALT_FOREVER

/* puthex64: print EAX as 8 hex digits and a line end.  Clobbers RAX, RBX,
 * RCX, RDX, RSI, RDI. */
puthex64:
        mov     %eax, %edx
        mov     $hex_buf, %edi
        mov     $hex_digits, %ebx
        mov     $8, %ecx
1:      rol     $4, %edx                        /* most significant nibble first */
        mov     %dl, %al
        and     $0x0f, %al
        xlat                                    /* AL = hex_digits[AL] */
        stosb
        loop    1b
        mov     $hex_buf, %esi
        jmp     puts64

/* One 4-byte stub per exception vector: push $vector (6a ib), jmp short
 * exc_common (eb rel8), hand-encoded so the stride is exactly the 4 bytes
 * the IDT loop above relies on.  The farthest jump (stub 0) is +124, within
 * rel8 range; the last one is a jump by 0 into exc_common. */
exc_stubs:
        .irp    v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        .byte   0x6a, \v
        .byte   0xeb, exc_common - (exc_stubs + 4 * \v + 4)
        .endr
exc_common:
        mov     $msg_fail_exc, %esi
        call    puts64
        pop     %rax                            /* vector */
        call    puthex64
        HALT_FOREVER

puts64:
        PUTS_BODY


/* ------------------------------------------------------------------------
 * The protected-mode part (loaded by QEMU at 0x100000, never entered by us).
 * The boot protocol needs the file to be larger than the setup area; a
 * loader that jumped to code32_start directly would just halt here.
 */
        .section .payload32, "ax"
        .code32
        cli
0:      hlt
        jmp     0b

        .section .note.GNU-stack, "", @progbits
