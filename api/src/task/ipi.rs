//! Page-table loading and inter-processor interrupts: TLB shootdown (the
//! kernel side of [`mm::tlb`]) and kicks that make a CPU notice a new
//! signal or a task queued for it.
//!
//! Each CPU records the page table it has loaded. A thread loads its
//! process's table when scheduled in, unless the CPU has it loaded
//! already; a thread scheduled out leaves it loaded (lazily), so switching
//! between threads of one process, or to the idle task and back, costs no
//! TLB flush. A CPU that changed a table asks each other CPU that has it
//! loaded to flush its TLB, by bumping that CPU's request count and sending
//! an IPI, and spins until the CPU has acknowledged. While spinning it
//! serves requests addressed to itself, so two CPUs shooting at each other
//! both progress. A CPU serving a request for a table it only holds
//! lazily switches to the kernel's table instead: that also flushes, and
//! it stops receiving shootdowns for a process it no longer runs. Before a
//! table is freed, [`retire`] makes every CPU let go of it that way.

use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering, fence};

use axconfig::plat::MAX_CPU_NUM;
use axhal::irq::{IPI_IRQ, IpiTarget};
use axhal::percpu::this_cpu_id;

/// The page-table root each CPU has loaded.
static LOADED: [AtomicUsize; MAX_CPU_NUM] = [const { AtomicUsize::new(0) }; MAX_CPU_NUM];
/// Flushes asked of each CPU, and how many of them it has done.
static REQUESTED: [AtomicU64; MAX_CPU_NUM] = [const { AtomicU64::new(0) }; MAX_CPU_NUM];
static DONE: [AtomicU64; MAX_CPU_NUM] = [const { AtomicU64::new(0) }; MAX_CPU_NUM];

/// A CPU that has not answered after this many polls has its interrupts
/// off for far longer than any critical section should: report it and go
/// on rather than hang the caller.
const PATIENCE: usize = 50_000_000;

/// Installs the IPI handler and the hook the address spaces call.
pub fn init() {
    if !axhal::irq::register(IPI_IRQ, on_ipi) {
        log::warn!("tlb: the IPI vector is taken: no TLB shootdown");
        return;
    }
    mm::tlb::set_remote_flush(flush_others);
    mm::tlb::set_retire(retire);
}

/// Loads the page table `root` on this CPU.
pub fn load_page_table(root: usize) {
    // Recorded before the switch: a CPU already recorded under its new
    // table cannot be missed by a shootdown of it.
    LOADED[this_cpu_id()].store(root, Ordering::SeqCst);
    // SAFETY: `root` is a live page table whose kernel half is the kernel's
    // own mappings, so the running code stays mapped across the switch.
    unsafe { axhal::asm::write_user_page_table(memory_addr::PhysAddr::from(root)) };
    // x86_64's CR3 write has flushed the TLB; riscv64's satp write has not.
    #[cfg(not(target_arch = "x86_64"))]
    axhal::asm::flush_tlb(None);
}

/// Loads `root` for a thread scheduled in, unless this CPU has it loaded
/// already (kept from an earlier thread of the same process).
pub fn load_user_table(root: usize) {
    if LOADED[this_cpu_id()].load(Ordering::SeqCst) != root {
        load_page_table(root);
    }
}

/// Whether the thread running on this CPU uses the table `root` (false in
/// a kernel task or the idle task, which may hold it lazily).
fn in_use(root: usize) -> bool {
    super::try_current_thread().is_some_and(|t| t.process.pt_root.load(Ordering::Acquire) == root)
}

/// Any IPI brings a CPU running user code into the kernel, which checks
/// for signals on the way back, and an idle CPU out of its halt, to run
/// what was queued for it: a kick needs no request of its own.
fn on_ipi() {
    serve(this_cpu_id());
    super::tick::ensure_armed();
}

/// Interrupts every other CPU (see [`kick`]).
pub fn kick_others() {
    for cpu in 0..axhal::cpu_num() {
        kick(cpu);
    }
}

/// Interrupts `cpu` if it is another CPU, so that the thread running
/// there sees a signal, or the idle CPU runs a task queued for it, now
/// rather than at its next timer tick.
pub fn kick(cpu: usize) {
    if cpu != this_cpu_id() && cpu < axhal::cpu_num() {
        axhal::irq::send_ipi(IPI_IRQ, IpiTarget::Other { cpu_id: cpu });
    }
}

/// Performs the flushes asked of `cpu` (the current one): a table only
/// held lazily is let go of instead (see the module's doc).
fn serve(cpu: usize) {
    let asked = REQUESTED[cpu].load(Ordering::Acquire);
    if DONE[cpu].load(Ordering::Acquire) < asked {
        let loaded = LOADED[cpu].load(Ordering::SeqCst);
        if in_use(loaded) {
            axhal::asm::flush_tlb(None);
        } else {
            load_page_table(axmm::kernel_page_table_root().as_usize());
        }
        DONE[cpu].fetch_max(asked, Ordering::Release);
    }
}

/// The table `root` is about to be freed: this CPU and every other one
/// that holds it (lazily: no thread of its process is left) switch to the
/// kernel's table.
fn retire(root: usize) {
    let _pinned = kernel_guard::NoPreempt::new();
    if LOADED[this_cpu_id()].load(Ordering::SeqCst) == root {
        load_page_table(axmm::kernel_page_table_root().as_usize());
    }
    flush_others(root);
}

/// Flushes the TLB of every other CPU that has `root` loaded, and waits.
fn flush_others(root: usize) {
    let cpus = axhal::cpu_num();
    if cpus == 1 {
        return;
    }
    // Stay on this CPU: `me` must remain true while we look and wait.
    let _pinned = kernel_guard::NoPreempt::new();
    // The page-table stores before, the reads of LOADED after.
    fence(Ordering::SeqCst);
    let me = this_cpu_id();
    let mut ticket = [0u64; MAX_CPU_NUM];
    for cpu in (0..cpus).filter(|&c| c != me) {
        if LOADED[cpu].load(Ordering::SeqCst) == root {
            ticket[cpu] = REQUESTED[cpu].fetch_add(1, Ordering::AcqRel) + 1;
            axhal::irq::send_ipi(IPI_IRQ, IpiTarget::Other { cpu_id: cpu });
        }
    }
    for cpu in (0..cpus).filter(|&c| ticket[c] != 0) {
        let mut polls = 0;
        while DONE[cpu].load(Ordering::Acquire) < ticket[cpu] {
            serve(me);
            core::hint::spin_loop();
            polls += 1;
            if polls == PATIENCE {
                log::warn!("tlb: CPU {cpu} did not answer a shootdown");
                break;
            }
        }
    }
}
