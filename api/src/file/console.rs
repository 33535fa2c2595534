//! The serial console as a terminal: a small line discipline (canonical mode
//! with echo and erase, or raw), termios state, window size and foreground
//! process group, as `/dev/console` and `/dev/tty` present them.

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::sync::Arc;
use core::sync::atomic::{AtomicBool, Ordering};
use core::task::Waker;
use core::time::Duration;

use axsync::Mutex;
use linux_raw_sys::general as uapi;
use linux_raw_sys::ioctl;

use crate::task::ctty;

use super::{FileLike, Kstat, events};
use crate::errno::{Errno, SysResult};
use crate::uaccess::{Pod, read_val, write_val};

/// The kernel's `struct termios` (TCGETS/TCSETS), identical on both arches.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Termios {
    pub iflag: u32,
    pub oflag: u32,
    pub cflag: u32,
    pub lflag: u32,
    pub line: u8,
    pub cc: [u8; 19],
}
unsafe impl Pod for Termios {}

#[repr(C)]
#[derive(Clone, Copy)]
struct WinSize {
    row: u16,
    col: u16,
    xpixel: u16,
    ypixel: u16,
}
unsafe impl Pod for WinSize {}

impl Termios {
    /// What Linux gives a fresh serial tty.
    const fn initial() -> Self {
        let mut cc = [0u8; 19];
        cc[uapi::VINTR as usize] = 3;
        cc[uapi::VQUIT as usize] = 0x1c;
        cc[uapi::VERASE as usize] = 0x7f;
        cc[uapi::VKILL as usize] = 0x15;
        cc[uapi::VEOF as usize] = 4;
        cc[uapi::VMIN as usize] = 1;
        cc[uapi::VSTART as usize] = 0x11;
        cc[uapi::VSTOP as usize] = 0x13;
        cc[uapi::VSUSP as usize] = 0x1a;
        cc[uapi::VREPRINT as usize] = 0x12;
        cc[uapi::VWERASE as usize] = 0x17;
        cc[uapi::VLNEXT as usize] = 0x16;
        Self {
            iflag: uapi::ICRNL | uapi::IXON,
            oflag: uapi::OPOST | uapi::ONLCR,
            cflag: uapi::B38400 | uapi::CS8 | uapi::CREAD | uapi::HUPCL,
            lflag: uapi::ISIG
                | uapi::ICANON
                | uapi::ECHO
                | uapi::ECHOE
                | uapi::ECHOK
                | uapi::ECHOCTL
                | uapi::ECHOKE
                | uapi::IEXTEN,
            line: 0,
            cc,
        }
    }
}

struct State {
    termios: Termios,
    /// Bytes ready for readers (complete lines in canonical mode).
    ready: VecDeque<u8>,
    /// The line being edited in canonical mode.
    line: VecDeque<u8>,
    /// Foreground process group (TIOCGPGRP/TIOCSPGRP).
    pgrp: i32,
    /// The session whose controlling terminal this is (0: none).
    session: i32,
    winsize: WinSize,
}

pub struct Console {
    state: Mutex<State>,
    pollers: pollset::PollSet,
    /// Whether a look at the UART for the pollers is due (see `register`).
    recheck_armed: AtomicBool,
}

/// How often the UART is looked at while someone waits for input.
const UART_RECHECK: Duration = Duration::from_millis(10);

static CONSOLE: spin::Once<Arc<Console>> = spin::Once::new();

impl Console {
    /// Opening the serial line's own node (not /dev/console) by a session
    /// leader without a controlling terminal makes it that session's, as
    /// Linux's tty_open does when the line has no session yet.
    pub fn open_line(noctty: bool) {
        let Some(console) = CONSOLE.get() else {
            return;
        };
        let mut st = console.state.lock();
        if !noctty
            && st.session == 0
            && let Ok((session, pgrp)) = ctty::acquire(st.session, false)
        {
            st.session = session;
            st.pgrp = pgrp;
        }
    }

    /// Whether the console is the calling process's controlling terminal.
    pub fn is_current_ctty() -> bool {
        CONSOLE
            .get()
            .is_some_and(|c| ctty::check_mine(c.state.lock().session).is_ok())
    }
}

impl Console {
    pub fn shared() -> Arc<dyn FileLike> {
        CONSOLE
            .call_once(|| {
                Arc::new(Console {
                    state: Mutex::new(State {
                        termios: Termios::initial(),
                        ready: VecDeque::new(),
                        line: VecDeque::new(),
                        pgrp: 1,
                        session: 0,
                        winsize: WinSize {
                            row: 24,
                            col: 80,
                            xpixel: 0,
                            ypixel: 0,
                        },
                    }),
                    pollers: pollset::PollSet::new(),
                    recheck_armed: AtomicBool::new(false),
                })
            })
            .clone()
    }

    fn output(&self, st: &State, data: &[u8]) {
        if st.termios.oflag & uapi::OPOST != 0 && st.termios.oflag & uapi::ONLCR != 0 {
            super::serial::write_onlcr(data);
        } else {
            super::serial::write_raw(data);
        }
    }

    /// Moves input from the UART through the line discipline.
    fn pump_input(&self, st: &mut State) {
        let mut raw = [0u8; 64];
        loop {
            let n = axhal::console::read_bytes(&mut raw);
            if n == 0 {
                return;
            }
            for &b in &raw[..n] {
                self.input_byte(st, b);
            }
        }
    }

    fn input_byte(&self, st: &mut State, mut b: u8) {
        let t = st.termios;
        if b == b'\r' && t.iflag & uapi::ICRNL != 0 {
            b = b'\n';
        }
        let echo = t.lflag & uapi::ECHO != 0;
        if t.lflag & uapi::ICANON == 0 {
            st.ready.push_back(b);
            if echo {
                self.output(st, &[b]);
            }
            return;
        }
        if b == t.cc[uapi::VERASE as usize] || b == 8 {
            if st.line.pop_back().is_some() && echo {
                self.output(st, b"\x08 \x08");
            }
        } else if b == t.cc[uapi::VEOF as usize] {
            let line: alloc::vec::Vec<u8> = st.line.drain(..).collect();
            st.ready.extend(line);
            st.ready.push_back(0xff); // marks EOF for the next read; stripped there
        } else {
            st.line.push_back(b);
            if echo {
                self.output(st, &[b]);
            }
            if b == b'\n' {
                let line: alloc::vec::Vec<u8> = st.line.drain(..).collect();
                st.ready.extend(line);
            }
        }
    }
}

impl FileLike for Console {
    fn read(&self, buf: &mut [u8], nonblock: bool) -> SysResult<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            {
                let mut st = self.state.lock();
                self.pump_input(&mut st);
                if !st.ready.is_empty() {
                    let canon = st.termios.lflag & uapi::ICANON != 0;
                    let mut n = 0;
                    while n < buf.len() {
                        let Some(b) = st.ready.pop_front() else { break };
                        if canon && b == 0xff {
                            break; // EOF mark: ends this read (0 bytes if first)
                        }
                        buf[n] = b;
                        n += 1;
                        if canon && b == b'\n' {
                            break;
                        }
                    }
                    return Ok(n);
                }
            }
            if nonblock {
                return Err(Errno::EAGAIN);
            }
            // The UART has no wakeup wired to us yet: poll it at a human pace.
            crate::task::wait::sleep_until(axhal::time::monotonic_time() + UART_RECHECK)?;
        }
    }

    fn write(&self, buf: &[u8], _nonblock: bool) -> SysResult<usize> {
        let st = self.state.lock();
        self.output(&st, buf);
        Ok(buf.len())
    }

    fn stat(&self) -> SysResult<Kstat> {
        Ok(Kstat {
            dev: 6,
            ino: 3,
            mode: 0o020620, // S_IFCHR | rw--w----
            nlink: 1,
            rdev: axfs_ng_vfs::DeviceId::new(5, 1).0,
            blksize: 1024,
            ..Default::default()
        })
    }

    fn poll(&self) -> u16 {
        let mut st = self.state.lock();
        self.pump_input(&mut st);
        let mut ev = events::POLLOUT;
        if !st.ready.is_empty() {
            ev |= events::POLLIN;
        }
        ev
    }

    /// The UART raises no interrupt for us yet: while someone polls the
    /// console, its pollers are woken every 10 ms to look at it again.
    fn register(&self, waker: &Waker, _events: u16) {
        self.pollers.register(waker);
        if !self.recheck_armed.swap(true, Ordering::AcqRel) {
            let due = axhal::time::monotonic_time() + UART_RECHECK;
            crate::task::timer::arm(due, || {
                if let Some(console) = CONSOLE.get() {
                    console.recheck_armed.store(false, Ordering::Release);
                    console.pollers.wake();
                }
            });
        }
    }

    fn ioctl(&self, cmd: u32, arg: usize) -> SysResult<isize> {
        let mut st = self.state.lock();
        match cmd {
            ioctl::TCGETS => write_val(arg, &st.termios)?,
            ioctl::TCSETS | ioctl::TCSETSW | ioctl::TCSETSF => {
                st.termios = read_val(arg)?;
                if cmd == ioctl::TCSETSF {
                    st.ready.clear();
                }
            }
            ioctl::TIOCGWINSZ => write_val(arg, &st.winsize)?,
            ioctl::TIOCSWINSZ => st.winsize = read_val(arg)?,
            ioctl::TIOCGPGRP => {
                ctty::check_mine(st.session)?;
                write_val(arg, &st.pgrp)?;
            }
            ioctl::TIOCSPGRP => {
                ctty::check_mine(st.session)?;
                let pgrp: i32 = read_val(arg)?;
                ctty::check_foreground(st.session, pgrp)?;
                st.pgrp = pgrp;
            }
            ioctl::TIOCGSID => {
                ctty::check_mine(st.session)?;
                write_val(arg, &st.session)?;
            }
            ioctl::TIOCSCTTY => {
                let (session, pgrp) = ctty::acquire(st.session, arg == 1)?;
                st.session = session;
                st.pgrp = pgrp;
            }
            ioctl::TIOCNOTTY => {
                if ctty::release(st.session)? {
                    st.session = 0;
                }
            }
            ioctl::FIONREAD => {
                self.pump_input(&mut st);
                write_val(arg, &(st.ready.len() as i32))?;
            }
            ioctl::TCFLSH | ioctl::TCXONC => {}
            _ => return Err(Errno::ENOTTY),
        }
        Ok(0)
    }

    fn path(&self) -> String {
        String::from("/dev/console")
    }
}

/// The console opened through one of its nodes (/dev/console, /dev/tty,
/// /dev/ttyS0): the console's behaviour with the node's identity, which
/// fstat and the /proc/<pid>/fd link show, so that ttyname(3) finds the
/// node the way it does on Linux.
pub struct ConsoleNode {
    console: Arc<dyn FileLike>,
    loc: axfs_ng_vfs::Location,
}

impl ConsoleNode {
    pub fn open(loc: axfs_ng_vfs::Location) -> Arc<dyn FileLike> {
        Arc::new(Self {
            console: Console::shared(),
            loc,
        })
    }
}

impl FileLike for ConsoleNode {
    fn read(&self, buf: &mut [u8], nonblock: bool) -> SysResult<usize> {
        self.console.read(buf, nonblock)
    }
    fn write(&self, buf: &[u8], nonblock: bool) -> SysResult<usize> {
        self.console.write(buf, nonblock)
    }
    fn stat(&self) -> SysResult<Kstat> {
        super::kstat_of_loc(&self.loc)
    }
    fn poll(&self) -> u16 {
        self.console.poll()
    }
    fn register(&self, waker: &Waker, events: u16) {
        self.console.register(waker, events)
    }
    fn ioctl(&self, cmd: u32, arg: usize) -> SysResult<isize> {
        self.console.ioctl(cmd, arg)
    }
    fn location(&self) -> Option<&axfs_ng_vfs::Location> {
        Some(&self.loc)
    }
    fn path(&self) -> String {
        self.loc
            .absolute_path()
            .map(|p| String::from(p.as_str()))
            .unwrap_or_default()
    }
}
