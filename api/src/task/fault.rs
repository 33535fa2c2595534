//! Page faults on user addresses, from user mode and from the kernel's user
//! copies: demand paging, or a real fault for the caller to signal.

use mm::Prot;

/// The access a fault with these flags was making.
pub fn fault_access(flags: axhal::paging::MappingFlags) -> Prot {
    use axhal::paging::MappingFlags as F;
    if flags.contains(F::WRITE) {
        Prot::WRITE
    } else if flags.contains(F::EXECUTE) {
        Prot::EXEC
    } else {
        Prot::READ
    }
}

/// Resolves a page fault of the current process; false for a real fault.
pub fn handle_user_fault(addr: usize, flags: axhal::paging::MappingFlags) -> bool {
    let handled = super::current_process()
        .aspace()
        .lock()
        .handle_fault(addr, fault_access(flags));
    if handled {
        super::with_current_thread(|t| t.count_minflt());
    }
    handled
}

/// Kernel-mode faults on user addresses (inside `user_copy`) take the same path.
#[axhal::trap::register_trap_handler(axhal::trap::PAGE_FAULT)]
fn kernel_page_fault(vaddr: memory_addr::VirtAddr, flags: axhal::paging::MappingFlags) -> bool {
    let addr = vaddr.as_usize();
    if addr >= crate::uaccess::USER_END {
        return false;
    }
    let Some(task) = axtask::current_may_uninit() else {
        return false;
    };
    if task.task_ext().is_none() {
        return false;
    }
    // Demand paging may sleep (file reads, the address-space lock).
    crate::arch::in_kernel_trap(|| handle_user_fault(addr, flags))
}
