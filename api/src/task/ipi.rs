//! Page-table loading and inter-processor interrupts: TLB shootdown (the
//! kernel side of [`mm::tlb`]) and kicks that make a CPU notice a new
//! signal or a task queued for it.
//!
//! Each CPU records the page table it has loaded and the one its running
//! thread uses (none while a kernel task or the idle task runs). A thread
//! loads its process's table when scheduled in, unless the CPU has it
//! loaded already with a TLB known to be fresh; a thread scheduled out
//! leaves it loaded (lazily), so switching between threads of one process,
//! or to the idle task and back, costs no TLB flush.
//!
//! A CPU that changed a table must make every other CPU drop stale
//! entries of it. A CPU that holds it only lazily is just marked not
//! fresh: it reloads the table (which flushes) before a thread uses it
//! again. A CPU whose running thread uses it gets a request: the changer
//! bumps that CPU's request count, sends an IPI and spins until the CPU has
//! acknowledged, serving requests addressed to itself meanwhile, so two
//! CPUs shooting at each other both progress. Before a table is freed,
//! [`retire`] makes every CPU that has it loaded switch to the kernel's.

use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering, fence};

use axconfig::plat::MAX_CPU_NUM;
use axhal::irq::{IPI_IRQ, IpiTarget};
use axhal::percpu::this_cpu_id;

/// The page-table root each CPU has loaded (its CR3 or satp).
static LOADED: [AtomicUsize; MAX_CPU_NUM] = [const { AtomicUsize::new(0) }; MAX_CPU_NUM];
/// The root whose translations each CPU's TLB holds with no stale entry
/// (0: not known fresh, reload before use).
static FRESH: [AtomicUsize; MAX_CPU_NUM] = [const { AtomicUsize::new(0) }; MAX_CPU_NUM];
/// The root the thread running on each CPU uses (0: a kernel task or the
/// idle task, which touch no user memory).
static ACTIVE: [AtomicUsize; MAX_CPU_NUM] = [const { AtomicUsize::new(0) }; MAX_CPU_NUM];
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
    let me = this_cpu_id();
    LOADED[me].store(root, Ordering::SeqCst);
    FRESH[me].store(root, Ordering::SeqCst);
    // SAFETY: `root` is a live page table whose kernel half is the kernel's
    // own mappings, so the running code stays mapped across the switch.
    unsafe { axhal::asm::write_user_page_table(memory_addr::PhysAddr::from(root)) };
    // x86_64's CR3 write has flushed the TLB; riscv64's satp write has not.
    #[cfg(not(target_arch = "x86_64"))]
    axhal::asm::flush_tlb(None);
}

/// Loads `root` for a thread scheduled in, unless this CPU has it loaded
/// already with a fresh TLB (kept from an earlier thread of the process).
pub fn load_user_table(root: usize) {
    let me = this_cpu_id();
    // Announced before FRESH is read: a shootdown either sees the thread
    // active (and interrupts it) or its mark is seen here (see flush_others).
    ACTIVE[me].store(root, Ordering::SeqCst);
    if FRESH[me].load(Ordering::SeqCst) != root || LOADED[me].load(Ordering::SeqCst) != root {
        load_page_table(root);
    }
}

/// The thread running on this CPU is scheduled out: its table stays
/// loaded, but nothing uses it.
pub fn leave_user_table() {
    ACTIVE[this_cpu_id()].store(0, Ordering::SeqCst);
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

/// Performs the requests addressed to `cpu` (the current one): flush the
/// TLB for the running thread's table, or, with no user thread running,
/// switch to the kernel's table (a table being retired is let go of).
fn serve(cpu: usize) {
    let asked = REQUESTED[cpu].load(Ordering::Acquire);
    if DONE[cpu].load(Ordering::Acquire) < asked {
        let active = ACTIVE[cpu].load(Ordering::SeqCst);
        if active != 0 && LOADED[cpu].load(Ordering::SeqCst) == active {
            axhal::asm::flush_tlb(None);
            FRESH[cpu].store(active, Ordering::SeqCst);
        } else {
            load_page_table(axmm::kernel_page_table_root().as_usize());
        }
        DONE[cpu].fetch_max(asked, Ordering::Release);
    }
}

/// Asks each CPU of `cpus` (a request each, by IPI) and waits until all
/// have served it.
fn ask_and_wait(cpus: &[usize]) {
    let me = this_cpu_id();
    let mut ticket = [0u64; MAX_CPU_NUM];
    for &cpu in cpus {
        ticket[cpu] = REQUESTED[cpu].fetch_add(1, Ordering::AcqRel) + 1;
        axhal::irq::send_ipi(IPI_IRQ, IpiTarget::Other { cpu_id: cpu });
    }
    for &cpu in cpus {
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

/// The table `root` is about to be freed: this CPU and every other one
/// that has it loaded (no thread of its process is left: only lazily)
/// switch to the kernel's table.
fn retire(root: usize) {
    let _pinned = kernel_guard::NoPreempt::new();
    let me = this_cpu_id();
    if LOADED[me].load(Ordering::SeqCst) == root {
        load_page_table(axmm::kernel_page_table_root().as_usize());
    }
    fence(Ordering::SeqCst);
    let holders: alloc::vec::Vec<usize> = (0..axhal::cpu_num())
        .filter(|&c| c != me && LOADED[c].load(Ordering::SeqCst) == root)
        .collect();
    ask_and_wait(&holders);
}

/// Flushes the TLB of every other CPU that has `root` loaded, and waits.
fn flush_others(root: usize) {
    let cpus = axhal::cpu_num();
    if cpus == 1 {
        return;
    }
    // Stay on this CPU: `me` must remain true while we look and wait.
    let _pinned = kernel_guard::NoPreempt::new();
    // The page-table stores before, the reads of the per-CPU state after.
    fence(Ordering::SeqCst);
    let me = this_cpu_id();
    let mut active = alloc::vec::Vec::new();
    for cpu in (0..cpus).filter(|&c| c != me) {
        // A CPU holding the table is marked not fresh first, then looked
        // at: one whose thread became active meanwhile either saw the mark
        // (and reloaded) or is seen active here (and is interrupted).
        let _ = FRESH[cpu].compare_exchange(root, 0, Ordering::SeqCst, Ordering::SeqCst);
        if ACTIVE[cpu].load(Ordering::SeqCst) == root {
            active.push(cpu);
        }
    }
    ask_and_wait(&active);
}
