//! The Linux personality of the kernel: syscalls, processes, files.
#![no_std]

extern crate alloc;

mod arch;
mod errno;
mod file;
mod futex;
mod mounts;
mod random;
mod signal;
mod strace;
mod sys;
mod syscall;
mod task;
mod uaccess;

use alloc::sync::Arc;
use alloc::vec;

use axsync::Mutex;
use mm::aspace::AddrSpace;

use crate::file::{Console, ConsoleNode, FdTable, OpenFile};
use crate::task::Process;

/// The first program, as Linux's kernel_init tries it.
const INIT_PATH: &str = "/init";

/// Mounts the pseudo filesystems, starts `/init` as pid 1 and never returns:
/// the machine powers off when init exits.
pub fn run_init() -> ! {
    let root = axfs_ng::ROOT_FS_CONTEXT
        .get()
        .expect("no root filesystem")
        .clone();
    if let Err(e) = mounts::mount_all(root.root_dir()) {
        log::error!("mounting the pseudo filesystems failed: {e:?}");
    }
    task::ipi::init();
    task::tick::init();
    task::idle::init();
    sys::init();
    task::ipi::kick_others();
    let mut fds = FdTable::default();
    // init's stdio is /dev/console, as the kernel opens it for Linux's init.
    let console = root
        .resolve("/dev/console")
        .map(ConsoleNode::open)
        .unwrap_or_else(|_| Console::shared());
    for fd in 0..3 {
        fds.set(
            fd,
            OpenFile::new(console.clone(), linux_raw_sys::general::O_RDWR),
            false,
        );
    }
    let mut aspace = AddrSpace::new().expect("no memory for init");
    let env = [
        b"PATH=/bin:/sbin:/usr/bin:/usr/sbin".to_vec(),
        b"HOME=/".to_vec(),
        b"TERM=linux".to_vec(),
    ];
    let img = task::load_program(
        &mut aspace,
        &root,
        INIT_PATH,
        vec![INIT_PATH.as_bytes().to_vec()],
        &env,
        task::rlimit::Rlimits::default().stack().cur,
    )
    .unwrap_or_else(|e| panic!("cannot start {INIT_PATH}: {e:?}"));
    log::info!("init loaded: entry {:#x} sp {:#x}", img.entry, img.sp);

    let pid = task::alloc_pid();
    let init = Process::new(
        pid,
        alloc::sync::Weak::new(),
        Arc::new(Mutex::new(aspace)),
        Arc::new(Mutex::new(fds)),
        Arc::new(Mutex::new(root)),
        Arc::new(Mutex::new(signal::SignalActions::default())),
    );
    *init.brk.lock() = task::Brk {
        start: img.brk_start,
        end: img.brk_start,
    };
    *init.exe.lock() = img.exe_path;
    *init.comm.lock() = "init".into();
    *init.strings.lock() = img.strings;
    *init.auxv.lock() = img.auxv;
    let thread = task::new_main_thread(&init);
    let uctx = axhal::uspace::UserContext::new(img.entry, memory_addr::VirtAddr::from(img.sp), 0);
    syscall::spawn_user_thread(thread, uctx, "init".into(), task::FpStart::Initial);
    log::info!("init spawned");
    loop {
        axtask::sleep(core::time::Duration::from_secs(3600));
    }
}
