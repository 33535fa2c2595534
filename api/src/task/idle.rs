//! Closing the idle loop's window. ArceOS's idle task loops "yield, then
//! halt until an interrupt": an interrupt that queues a task for this CPU
//! (a wake-up kick, a timer that ends a sleep) between the yield and the
//! halt is taken, and the CPU then halts with the task queued, until the
//! next interrupt (up to a tick later). So after every interrupt that
//! found the idle task running (its end-of-interrupt already sent), the
//! idle task yields once more; with nothing queued that returns at once.

use core::sync::atomic::{AtomicUsize, Ordering};

use axconfig::plat::MAX_CPU_NUM;
use axhal::percpu::this_cpu_id;

/// Each CPU's idle task (its address), learnt by name the first time an
/// interrupt finds it running; 0 until then.
static IDLE_TASK: [AtomicUsize; MAX_CPU_NUM] = [const { AtomicUsize::new(0) }; MAX_CPU_NUM];

/// Installs the after-interrupt hook.
pub fn init() {
    if !axhal::irq::register_irq_hook(after_irq) {
        log::warn!("idle: the IRQ hook is taken: a wake-up may wait for the next tick");
    }
}

fn current_is_idle() -> bool {
    let curr = axtask::current();
    let addr = alloc::sync::Arc::as_ptr(&*curr) as *const () as usize;
    let idle = &IDLE_TASK[this_cpu_id()];
    match idle.load(Ordering::Relaxed) {
        0 if curr.name() == "idle" => {
            idle.store(addr, Ordering::Relaxed);
            true
        }
        known => known == addr,
    }
}

/// Runs with interrupts off, after the interrupt's handler and its EOI.
fn after_irq(_irq: usize) {
    if current_is_idle() {
        axtask::yield_now();
    }
}
