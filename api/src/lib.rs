//! The Linux personality of the kernel: syscalls, processes, files.
#![no_std]

extern crate alloc;

mod arch;
mod boot;
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

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use axsync::Mutex;
use mm::aspace::AddrSpace;

use crate::file::{Console, ConsoleNode, FdTable, OpenFile};
use crate::task::Process;

/// The first program, as Linux's kernel_init tries it, unless `init=` names another.
const INIT_PATH: &str = "/init";

/// Mounts the pseudo filesystems, starts init as pid 1 and never returns:
/// the machine powers off when init exits. `cmdline` is the kernel command
/// line: /proc/cmdline shows it, and it chooses init (`init=`) and adds to
/// init's argv and environment as on Linux.
pub fn run_init(cmdline: &str) -> ! {
    boot::set(cmdline);
    let params = ::cmdline::InitParams::parse(cmdline);
    if params.dropped > 0 {
        log::warn!(
            "{} command line words left out: init takes at most {} arguments and {} variables",
            params.dropped,
            ::cmdline::MAX_INIT_WORDS,
            ::cmdline::MAX_INIT_WORDS
        );
    }
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
    let init_path = params.init.as_deref().unwrap_or(INIT_PATH);
    let argv: Vec<Vec<u8>> = core::iter::once(init_path)
        .chain(params.args.iter().map(String::as_str))
        .map(|a| a.as_bytes().to_vec())
        .collect();
    let mut env: Vec<String> = ["PATH=/bin:/sbin:/usr/bin:/usr/sbin", "HOME=/", "TERM=linux"]
        .map(String::from)
        .to_vec();
    ::cmdline::merge_env(&mut env, &params.env);
    let env: Vec<Vec<u8>> = env.into_iter().map(String::into_bytes).collect();
    let img = task::load_program(
        &mut aspace,
        &root,
        init_path,
        argv,
        &env,
        task::rlimit::Rlimits::default().stack().cur,
    )
    // As Linux: a requested init that cannot run stops the boot.
    .unwrap_or_else(|e| panic!("cannot start {init_path}: {e:?}"));
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
    // Named after its path, as exec names a process.
    *init.comm.lock() = sys::prctl::comm_of(init_path.rsplit('/').next().unwrap_or("").as_bytes());
    *init.strings.lock() = img.strings;
    *init.auxv.lock() = img.auxv;
    let thread = task::new_main_thread(&init);
    let uctx = axhal::uspace::UserContext::new(img.entry, memory_addr::VirtAddr::from(img.sp), 0);
    let name = init.comm.lock().clone();
    syscall::spawn_user_thread(thread, uctx, name, task::FpStart::Initial);
    log::info!("init spawned");
    loop {
        axtask::sleep(core::time::Duration::from_secs(3600));
    }
}
