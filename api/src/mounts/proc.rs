//! procfs, generated from live kernel state on every read.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt::Write;
use core::sync::atomic::Ordering;

use axfs_ng_vfs::Filesystem;
use mm::aspace::Source;
use pseudofs::{Gen, magic};

use crate::task::{Process, STACK_TOP, Thread, all_processes, current_thread, find_process};

/// Clock ticks per second as user space sees them (USER_HZ).
const USER_HZ: u64 = 100;
/// Highest pid + 1 (Linux's PID_MAX_DEFAULT on small machines).
const PID_MAX: u32 = 32768;

pub fn procfs() -> Filesystem {
    let root = Gen::dir(|| {
        let mut entries: Vec<(String, Gen)> = vec![
            (
                "self".into(),
                Gen::symlink(|| current_thread().process.pid.to_string()),
            ),
            (
                "thread-self".into(),
                Gen::symlink(|| {
                    let t = current_thread();
                    format!("{}/task/{}", t.process.pid, t.tid)
                }),
            ),
            ("cpuinfo".into(), text(super::sys::cpuinfo)),
            ("meminfo".into(), text(meminfo)),
            ("mounts".into(), text(super::mounts_text)),
            ("uptime".into(), text(uptime)),
            ("cmdline".into(), text(crate::boot::proc_text)),
            ("stat".into(), text(kernel_stat)),
            ("loadavg".into(), text(loadavg)),
            ("filesystems".into(), text(filesystems)),
            ("sys".into(), proc_sys()),
            (
                "sysvipc".into(),
                Gen::static_dir([
                    ("msg", text(crate::sys::ipc::proc_sysvipc_msg)),
                    ("sem", text(crate::sys::ipc::proc_sysvipc_sem)),
                    ("shm", text(crate::sys::ipc::proc_sysvipc_shm)),
                ]),
            ),
        ];
        entries.extend(
            all_processes()
                .into_iter()
                .map(|p| (p.pid.to_string(), pid_dir(p.pid))),
        );
        entries
    });
    // Linux's procfs superblock has 1024-byte blocks (st_blksize of its files).
    pseudofs::generated_fs_with_block_size("proc", magic::PROC_SUPER_MAGIC, 1024, root)
}

/// A read-only file whose text comes from `f`.
fn text(f: fn() -> String) -> Gen {
    Gen::file(move || f().into_bytes())
}

/// A file of process `pid`'s state; empty once the process is gone.
fn of_process(pid: i32, f: fn(&Arc<Process>) -> String) -> Gen {
    Gen::file(move || {
        find_process(pid)
            .map(|p| f(&p))
            .unwrap_or_default()
            .into_bytes()
    })
}

/// A file of process `pid`'s bytes; empty once the process is gone.
fn of_process_bytes(pid: i32, f: fn(&Arc<Process>) -> Vec<u8>) -> Gen {
    Gen::file(move || find_process(pid).map(|p| f(&p)).unwrap_or_default())
}

/// A file of thread `tid` of process `pid`.
fn of_thread(pid: i32, tid: i32, f: fn(&Arc<Process>, &Thread) -> String) -> Gen {
    Gen::file(move || {
        let Some(p) = find_process(pid) else {
            return Vec::new();
        };
        let Some(t) = p.live_threads().into_iter().find(|t| t.tid == tid) else {
            return Vec::new();
        };
        f(&p, &t).into_bytes()
    })
}

fn pid_dir(pid: i32) -> Gen {
    Gen::dir(move || {
        let Some(p) = find_process(pid) else {
            return Vec::new();
        };
        let mut entries: Vec<(String, Gen)> = vec![
            (
                "stat".into(),
                of_process(pid, |p| stat_line(p, p.pid, &p.comm.lock())),
            ),
            (
                "status".into(),
                of_process(pid, |p| status_text(p, p.pid, &p.comm.lock())),
            ),
            ("cmdline".into(), of_process_bytes(pid, cmdline)),
            ("environ".into(), of_process_bytes(pid, environ).mode(0o400)),
            (
                "comm".into(),
                of_process(pid, |p| format!("{}\n", p.comm.lock())),
            ),
            ("maps".into(), of_process(pid, maps)),
            ("auxv".into(), of_process_bytes(pid, auxv).mode(0o400)),
            (
                "exe".into(),
                Gen::symlink(move || {
                    find_process(pid)
                        .map(|p| p.exe.lock().clone())
                        .unwrap_or_default()
                }),
            ),
            (
                "cwd".into(),
                Gen::symlink(move || find_process(pid).map(|p| cwd(&p)).unwrap_or_default()),
            ),
            ("fd".into(), fd_dir(pid)),
            ("fdinfo".into(), fdinfo_dir(pid)),
            ("task".into(), task_dir(pid)),
        ];
        if p.zombie.load(Ordering::Acquire) {
            // A zombie has no files, memory or cwd left to show.
            entries.retain(|(name, _)| {
                !matches!(name.as_str(), "fd" | "fdinfo" | "maps" | "exe" | "cwd")
            });
        }
        entries
    })
}

fn task_dir(pid: i32) -> Gen {
    Gen::dir(move || {
        let Some(p) = find_process(pid) else {
            return Vec::new();
        };
        p.live_threads()
            .iter()
            .map(|t| {
                let tid = t.tid;
                let dir = Gen::static_dir([
                    (
                        "stat",
                        of_thread(pid, tid, |p, t| stat_line(p, t.tid, &t.comm.lock())),
                    ),
                    (
                        "status",
                        of_thread(pid, tid, |p, t| status_text(p, t.tid, &t.comm.lock())),
                    ),
                    (
                        "comm",
                        of_thread(pid, tid, |_, t| format!("{}\n", t.comm.lock())),
                    ),
                ]);
                (tid.to_string(), dir)
            })
            .collect()
    })
}

/// A directory with one entry per open fd of process `pid`, made by
/// `entry(pid, fd, file)`.
fn per_fd_dir(pid: i32, entry: fn(i32, i32, &crate::file::OpenFile) -> Gen) -> Gen {
    Gen::dir(move || {
        let Some(p) = find_process(pid) else {
            return Vec::new();
        };
        let fds = p.fds.lock();
        fds.fds()
            .map(|(fd, file)| (fd.to_string(), entry(pid, fd, file)))
            .collect()
    })
}

fn fd_dir(pid: i32) -> Gen {
    per_fd_dir(pid, |_, _, file| {
        let path = file.file.path();
        Gen::symlink(move || path.clone()).mode(0o700)
    })
    .mode(0o500)
}

fn fdinfo_dir(pid: i32) -> Gen {
    per_fd_dir(pid, |pid, fd, _| {
        Gen::file(move || fdinfo(pid, fd).into_bytes())
    })
}

/// `/proc/<pid>/fdinfo/N`: the position, the status flags (O_CLOEXEC
/// included), the inode, then what the kind of file adds. (Linux also
/// prints a mnt_id; there are no mount ids here.)
fn fdinfo(pid: i32, fd: i32) -> String {
    let Some(p) = find_process(pid) else {
        return String::new();
    };
    let (file, cloexec) = {
        let fds = p.fds.lock();
        match (fds.get(fd), fds.cloexec(fd)) {
            (Ok(file), Ok(cloexec)) => (file, cloexec),
            _ => return String::new(),
        }
    };
    let pos = file
        .file
        .seek(0, linux_raw_sys::general::SEEK_CUR)
        .unwrap_or(0);
    let cloexec = if cloexec {
        linux_raw_sys::general::O_CLOEXEC
    } else {
        0
    };
    let flags = file.status() | cloexec;
    let ino = file.file.stat().map_or(0, |st| st.ino);
    format!(
        "pos:\t{pos}\nflags:\t0{flags:o}\nino:\t{ino}\n{}",
        file.file.fdinfo()
    )
}

/// The open file an absolute `path` names through a `/proc/<pid>/fd/N` link
/// (also reached as `/dev/fd/N` and `/dev/std{in,out,err}`), when that file
/// has no path the link's text could lead to (a pipe): Linux's fd links are
/// "magic", opening one reaches the file itself.
pub fn fd_link_file(path: &str) -> Option<Arc<crate::file::OpenFile>> {
    let (pid, fd) = match path {
        "/dev/stdin" => ("self", "0"),
        "/dev/stdout" => ("self", "1"),
        "/dev/stderr" => ("self", "2"),
        _ => match path.strip_prefix("/dev/fd/") {
            Some(fd) => ("self", fd),
            None => path.strip_prefix("/proc/")?.split_once("/fd/")?,
        },
    };
    let proc = match pid {
        "self" => current_thread().process.clone(),
        pid => find_process(pid.parse().ok()?)?,
    };
    let file = proc.fds.lock().get(fd.parse().ok()?).ok()?;
    file.file.location().is_none().then_some(file)
}

fn cwd(p: &Process) -> String {
    let fs = p.fs.lock();
    fs.current_dir()
        .absolute_path()
        .map(|path| path.as_str().to_string())
        .unwrap_or_default()
}

/// `[start, end)` of `p`'s memory, or nothing when it cannot be read (a
/// zombie has no memory left; the range may have been unmapped).
fn process_memory(p: &Process, (start, end): (usize, usize)) -> Vec<u8> {
    if p.zombie.load(Ordering::Acquire) || end <= start {
        return Vec::new();
    }
    let mut buf = vec![0u8; end - start];
    match p.aspace().lock().read_bytes(start, &mut buf) {
        Ok(()) => buf,
        Err(_) => Vec::new(),
    }
}

/// Linux's get_mm_cmdline: the argument strings as they are now in memory;
/// when the program wrote over the final NUL (setproctitle), the title runs
/// on into the environment area up to its first NUL, within one page.
fn cmdline(p: &Arc<Process>) -> Vec<u8> {
    let strings = *p.strings.lock();
    let (arg_start, arg_end) = strings.args;
    let args = process_memory(p, strings.args);
    if args.last().is_none_or(|&c| c == 0) {
        return args;
    }
    let env_end = if strings.env.0 == arg_end {
        strings.env.1
    } else {
        arg_end
    };
    let end = env_end.min(arg_start + mm::PAGE_SIZE);
    let mut title = process_memory(p, (arg_start, end));
    if let Some(nul) = title.iter().position(|&c| c == 0) {
        title.truncate(nul);
    }
    title
}

/// The environment strings as they are now in the process's memory.
fn environ(p: &Arc<Process>) -> Vec<u8> {
    process_memory(p, p.strings.lock().env)
}

/// The auxiliary vector up to and including its one AT_NULL entry.
fn auxv(p: &Arc<Process>) -> Vec<u8> {
    let auxv = p.auxv.lock();
    let end = auxv.iter().position(|&(key, _)| key == 0);
    let entries = auxv[..end.unwrap_or(auxv.len())]
        .iter()
        .chain([(0, 0)].iter());
    let mut out = Vec::new();
    for (key, value) in entries {
        out.extend_from_slice(&key.to_ne_bytes());
        out.extend_from_slice(&value.to_ne_bytes());
    }
    out
}

/// The scheduler state letter of /proc/<pid>/stat.
fn state_of(p: &Process, tid: i32) -> (char, &'static str) {
    if p.zombie.load(Ordering::Acquire) {
        ('Z', "zombie")
    } else if p.signal.is_stopped() {
        ('T', "stopped")
    } else if current_thread().tid == tid {
        ('R', "running")
    } else {
        ('S', "sleeping")
    }
}

fn vm_size(p: &Process) -> usize {
    if p.zombie.load(Ordering::Acquire) {
        return 0;
    }
    p.aspace()
        .lock()
        .vmas()
        .iter()
        .map(|v| v.end - v.start)
        .sum()
}

fn ticks(d: core::time::Duration) -> u64 {
    d.as_nanos() as u64 / (1_000_000_000 / USER_HZ)
}

/// One line in the field order of Linux's `do_task_stat`.
fn stat_line(p: &Arc<Process>, tid: i32, comm: &str) -> String {
    let (state, _) = state_of(p, tid);
    let threads = p.live_threads();
    let blocked = threads
        .iter()
        .find(|t| t.tid == tid)
        .map_or(0, |t| t.signal.blocked());
    let (ignored, caught) = signal_dispositions(p);
    let brk = *p.brk.lock();
    let strings = *p.strings.lock();
    let mut s = format!(
        "{tid} ({comm}) {state} {} {} {} 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 {} 0 {} {} 0 {} ",
        p.ppid(),
        p.pgid.load(Ordering::Relaxed),
        p.sid.load(Ordering::Relaxed),
        threads.len().max(1),
        ticks(p.start_time),
        vm_size(p),
        u64::MAX,
    );
    let _ = writeln!(
        s,
        "0 0 0 0 0 {} {blocked} {ignored} {caught} 0 0 0 {} 0 0 0 0 0 0 0 0 {} {} {} {} {} {}",
        p.signal.pending_set(),
        p.exit_signal.load(Ordering::Relaxed),
        brk.start,
        strings.args.0,
        strings.args.1,
        strings.env.0,
        strings.env.1,
        if p.zombie.load(Ordering::Acquire) {
            p.exit_status.load(Ordering::Relaxed)
        } else {
            0
        },
    );
    s
}

/// Bitmasks of the ignored and the handled signals.
fn signal_dispositions(p: &Process) -> (u64, u64) {
    let actions = p.signal.actions.lock();
    let mut ignored = 0;
    let mut caught = 0;
    for (i, a) in actions.0.iter().enumerate() {
        match a.handler {
            crate::signal::SIG_DFL => {}
            crate::signal::SIG_IGN => ignored |= 1 << i,
            _ => caught |= 1 << i,
        }
    }
    (ignored, caught)
}

fn status_text(p: &Arc<Process>, tid: i32, comm: &str) -> String {
    let (state, state_name) = state_of(p, tid);
    let threads = p.live_threads();
    let thread = threads.iter().find(|t| t.tid == tid);
    let (ignored, caught) = signal_dispositions(p);
    let cpus = axhal::cpu_num();
    // A zombie has no memory left: Linux prints no Vm lines for it.
    let vm = if p.zombie.load(Ordering::Acquire) {
        String::new()
    } else {
        let kb = vm_size(p) / 1024;
        format!("VmPeak:\t{kb:8} kB\nVmSize:\t{kb:8} kB\n")
    };
    format!(
        "Name:\t{comm}\nUmask:\t{:04o}\nState:\t{state} ({state_name})\nTgid:\t{}\nNgid:\t0\nPid:\t{tid}\n\
         PPid:\t{}\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t64\nGroups:\t\n\
         NStgid:\t{}\nNSpid:\t{tid}\nNSpgid:\t{}\nNSsid:\t{}\n\
         {vm}Threads:\t{}\nSigQ:\t0/3837\n\
         SigPnd:\t{:016x}\nShdPnd:\t{:016x}\nSigBlk:\t{:016x}\nSigIgn:\t{ignored:016x}\nSigCgt:\t{caught:016x}\n\
         CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\n\
         CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\nNoNewPrivs:\t{}\n\
         Cpus_allowed:\t{:x}\nCpus_allowed_list:\t{}\n",
        p.umask.load(Ordering::Relaxed),
        p.pid,
        p.ppid(),
        p.pid,
        p.pgid.load(Ordering::Relaxed),
        p.sid.load(Ordering::Relaxed),
        threads.len().max(1),
        thread.map_or(0, |t| t.signal.pending_set()),
        p.signal.pending_set(),
        thread.map_or(0, |t| t.signal.blocked()),
        p.no_new_privs.load(Ordering::Relaxed) as u8,
        (1u64 << cpus) - 1,
        super::sys::cpu_list(),
    )
}

/// Linux's `huge_decode_dev` split of a device number into major:minor.
fn dev_parts(dev: u64) -> (u64, u64) {
    ((dev >> 8) & 0xfff, (dev & 0xff) | ((dev >> 12) & 0xfff00))
}

/// /proc/<pid>/maps in Linux's `show_map_vma` layout.
fn maps(p: &Arc<Process>) -> String {
    // The name column starts after the header is padded to this width.
    const NAME_COLUMN: usize = 25 + size_of::<usize>() * 6 - 1;
    let brk = *p.brk.lock();
    let vdso = p
        .auxv
        .lock()
        .iter()
        .find(|a| a.0 == elf::auxv::AT_SYSINFO_EHDR)
        .map(|a| a.1);
    let aspace = p.aspace();
    let aspace = aspace.lock();
    let mut out = String::new();
    for vma in aspace.vmas().iter() {
        let (ident, offset) = match &vma.backing.source {
            Source::File { file, offset } => (Some(file.identity()), *offset),
            Source::Anonymous => (None, 0),
        };
        let (major, minor) = ident.as_ref().map_or((0, 0), |i| dev_parts(i.device));
        let line_start = out.len();
        let _ = write!(
            out,
            "{:08x}-{:08x} {}{}{}{} {:08x} {:02x}:{:02x} {} ",
            vma.start,
            vma.end,
            if vma.prot.contains(mm::Prot::READ) {
                'r'
            } else {
                '-'
            },
            if vma.prot.contains(mm::Prot::WRITE) {
                'w'
            } else {
                '-'
            },
            if vma.prot.contains(mm::Prot::EXEC) {
                'x'
            } else {
                '-'
            },
            if vma.backing.shared { 's' } else { 'p' },
            offset,
            major,
            minor,
            ident.as_ref().map_or(0, |i| i.inode),
        );
        let name = match ident {
            Some(i) => i.path,
            None if brk.end > brk.start && vma.start <= brk.start && vma.end >= brk.end => {
                "[heap]".into()
            }
            None if vma.start < STACK_TOP && vma.end >= STACK_TOP => "[stack]".into(),
            None if Some(vma.start) == vdso => "[vdso]".into(),
            // The vDSO's data page lies right below it.
            None if Some(vma.end) == vdso => "[vvar]".into(),
            None => String::new(),
        };
        if !name.is_empty() {
            while out.len() - line_start < NAME_COLUMN {
                out.push(' ');
            }
            out.push(' ');
            out += &name;
        }
        out.push('\n');
    }
    out
}

fn meminfo() -> String {
    let (total, free) = crate::sys::misc::memory_bytes();
    let (total_kb, free_kb) = (total / 1024, free / 1024);
    let mut out = String::new();
    for (key, kb) in [
        ("MemTotal", total_kb),
        ("MemFree", free_kb),
        ("MemAvailable", free_kb),
        ("Buffers", 0),
        ("Cached", 0),
        ("SwapCached", 0),
        ("SwapTotal", 0),
        ("SwapFree", 0),
        ("Shmem", 0),
    ] {
        let _ = writeln!(out, "{:<16}{kb:>8} kB", format!("{key}:"));
    }
    out
}

fn uptime() -> String {
    let up = axhal::time::monotonic_time();
    let centis = |d: core::time::Duration| (d.as_secs(), d.subsec_millis() / 10);
    let (s, c) = centis(up);
    // No idle accounting yet: report the idle time of fully busy CPUs.
    format!("{s}.{c:02} 0.00\n")
}

/// /proc/stat: per-CPU time lines (no accounting yet, so zeros) and the
/// process counters programs read from it.
fn kernel_stat() -> String {
    let boot = (axhal::time::wall_time() - axhal::time::monotonic_time()).as_secs();
    let mut out = String::from("cpu  0 0 0 0 0 0 0 0 0 0\n");
    for cpu in 0..axhal::cpu_num() {
        let _ = writeln!(out, "cpu{cpu} 0 0 0 0 0 0 0 0 0 0");
    }
    let procs = all_processes();
    let running = procs
        .iter()
        .filter(|p| !p.zombie.load(Ordering::Acquire))
        .count();
    let _ = write!(
        out,
        "intr 0\nctxt 0\nbtime {boot}\nprocesses {}\nprocs_running {running}\nprocs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n",
        crate::task::pids_allocated(),
    );
    out
}

fn loadavg() -> String {
    let procs = all_processes();
    let last = procs.iter().map(|p| p.pid).max().unwrap_or(0);
    format!("0.00 0.00 0.00 1/{} {last}\n", procs.len())
}

fn filesystems() -> String {
    [
        "nodev\tsysfs",
        "nodev\ttmpfs",
        "nodev\tproc",
        "nodev\tdevtmpfs",
        "\text4",
    ]
    .iter()
    .map(|l| format!("{l}\n"))
    .collect()
}

/// /proc/sys: the kernel knobs programs read.
fn proc_sys() -> Gen {
    let value = |v: String| Gen::file(move || format!("{v}\n").into_bytes());
    Gen::static_dir([(
        "kernel",
        Gen::static_dir([
            ("pid_max", value(PID_MAX.to_string())),
            ("ostype", value(crate::sys::misc::UTS_SYSNAME.into())),
            ("osrelease", value(crate::sys::misc::UTS_RELEASE.into())),
            ("version", value(crate::sys::misc::UTS_VERSION.into())),
            (
                "hostname",
                Gen::file(|| format!("{}\n", crate::sys::misc::hostname()).into_bytes()),
            ),
            ("ngroups_max", value("65536".into())),
            // System V IPC limits (fixed: there are no sysctl writes).
            ("shmmax", value((usize::MAX - (1 << 24)).to_string())),
            ("shmall", value((usize::MAX - (1 << 24)).to_string())),
            ("shmmni", value("4096".into())),
            ("sem", value("32000\t1024000000\t500\t32000".into())),
            ("msgmax", value("8192".into())),
            ("msgmnb", value("16384".into())),
            ("msgmni", value("32000".into())),
        ]),
    )])
}
