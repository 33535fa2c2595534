//! A message queue: messages in arrival order, the receivers sleeping on
//! it, and the byte and count limits that block senders.
//!
//! As in Linux, a sender hands its message straight to the first sleeping
//! receiver that wants it (pipelined send), so a receiver that went to
//! sleep first is served first.

use alloc::collections::VecDeque;
use alloc::vec::Vec;

/// Largest message (MSGMAX) and default queue size in bytes (MSGMNB).
pub const MSGMAX: usize = 8192;
pub const MSGMNB: usize = 16384;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub mtype: i64,
    pub text: Vec<u8>,
}

/// Which message a receiver takes (from msgrcv's msgtyp and flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Select {
    /// msgtyp 0: the first message.
    Any,
    /// msgtyp > 0: the first of that type.
    Equal(i64),
    /// msgtyp > 0 with MSG_EXCEPT: the first of another type.
    NotEqual(i64),
    /// msgtyp < 0: the first of the lowest type not above |msgtyp|.
    LessEqual(i64),
    /// MSG_COPY: the message at this position, left in the queue.
    Number(i64),
}

impl Select {
    /// Linux's convert_mode.
    pub fn new(msgtyp: i64, except: bool, copy: bool) -> Self {
        if copy {
            Select::Number(msgtyp)
        } else if msgtyp == 0 {
            Select::Any
        } else if msgtyp < 0 {
            // -LONG_MIN does not exist; LONG_MAX selects the same.
            Select::LessEqual(msgtyp.checked_neg().unwrap_or(i64::MAX))
        } else if except {
            Select::NotEqual(msgtyp)
        } else {
            Select::Equal(msgtyp)
        }
    }

    fn matches(self, mtype: i64) -> bool {
        match self {
            Select::Any | Select::Number(_) => true,
            Select::Equal(t) => mtype == t,
            Select::NotEqual(t) => mtype != t,
            Select::LessEqual(t) => mtype <= t,
        }
    }
}

/// How a sleeping receiver's wait ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Msg(Msg),
    /// The message for it was larger than its buffer (E2BIG).
    TooBig,
    /// Look again (the queue's permissions changed: Linux's EAGAIN
    /// expunge).
    Retry,
    /// The queue was removed (EIDRM).
    Removed,
}

struct Receiver {
    ticket: u64,
    select: Select,
    /// Buffer size; usize::MAX with MSG_NOERROR.
    max: usize,
    pid: i32,
}

pub struct MsgQueue {
    msgs: VecDeque<Msg>,
    /// Bytes of text queued.
    pub cbytes: usize,
    /// Most bytes (and messages) the queue holds.
    pub qbytes: usize,
    pub stime: i64,
    pub rtime: i64,
    pub ctime: i64,
    /// The last sender and receiver.
    pub lspid: i32,
    pub lrpid: i32,
    receivers: Vec<Receiver>,
    next_ticket: u64,
}

impl MsgQueue {
    pub fn new(qbytes: usize, now: i64) -> Self {
        MsgQueue {
            msgs: VecDeque::new(),
            cbytes: 0,
            qbytes,
            stime: 0,
            rtime: 0,
            ctime: now,
            lspid: 0,
            lrpid: 0,
            receivers: Vec::new(),
            next_ticket: 1,
        }
    }

    pub fn qnum(&self) -> usize {
        self.msgs.len()
    }

    /// Whether a message of `size` bytes fits now: the bytes, and one
    /// more message, within qbytes (Linux's msg_fits_inqueue).
    pub fn fits(&self, size: usize) -> bool {
        size + self.cbytes <= self.qbytes && self.msgs.len() < self.qbytes
    }

    /// The position of the message `select` takes (Linux's find_msg).
    pub fn find(&self, select: Select) -> Option<usize> {
        let mut found = None;
        let mut select = select;
        let mut count = 0;
        for (i, m) in self.msgs.iter().enumerate() {
            if !select.matches(m.mtype) {
                continue;
            }
            match select {
                // Only a lower type can beat this one from now on; type 1
                // is the lowest there is.
                Select::LessEqual(_) if m.mtype != 1 => {
                    found = Some(i);
                    select = Select::LessEqual(m.mtype - 1);
                }
                Select::Number(n) if n != count => {}
                _ => return Some(i),
            }
            count += 1;
        }
        found
    }

    pub fn peek(&self, at: usize) -> &Msg {
        &self.msgs[at]
    }

    /// Removes the message at `at` for a receiver.
    pub fn take(&mut self, at: usize, pid: i32, now: i64) -> Msg {
        let m = self.msgs.remove(at).expect("no message there");
        self.cbytes -= m.text.len();
        self.rtime = now;
        self.lrpid = pid;
        m
    }

    /// Sends `msg` (it fits): to the first sleeping receiver that selects
    /// it and has room, else to the end of the queue. Receivers that
    /// select it without room fail with E2BIG on the way.
    pub fn send(&mut self, msg: Msg, pid: i32, now: i64) -> Vec<(u64, Delivery)> {
        self.lspid = pid;
        self.stime = now;
        let mut woken = Vec::new();
        let mut i = 0;
        while i < self.receivers.len() {
            let r = &self.receivers[i];
            if !r.select.matches(msg.mtype) {
                i += 1;
                continue;
            }
            let r = self.receivers.remove(i);
            if r.max < msg.text.len() {
                woken.push((r.ticket, Delivery::TooBig));
                continue;
            }
            self.lrpid = r.pid;
            self.rtime = now;
            woken.push((r.ticket, Delivery::Msg(msg)));
            return woken;
        }
        self.cbytes += msg.text.len();
        self.msgs.push_back(msg);
        woken
    }

    /// A receiver goes to sleep; returns its ticket.
    pub fn sleep(&mut self, select: Select, max: usize, pid: i32) -> u64 {
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        self.receivers.push(Receiver {
            ticket,
            select,
            max,
            pid,
        });
        ticket
    }

    /// A receiver gives up; false when it was already served.
    pub fn cancel(&mut self, ticket: u64) -> bool {
        let before = self.receivers.len();
        self.receivers.retain(|r| r.ticket != ticket);
        before != self.receivers.len()
    }

    /// Ends every receiver's wait with `how` (removal, or a retry after
    /// IPC_SET).
    pub fn expunge(&mut self, how: Delivery) -> Vec<(u64, Delivery)> {
        self.receivers
            .drain(..)
            .map(|r| (r.ticket, how.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(t: i64, len: usize) -> Msg {
        Msg {
            mtype: t,
            text: alloc::vec![t as u8; len],
        }
    }

    fn queue(types: &[i64]) -> MsgQueue {
        let mut q = MsgQueue::new(MSGMNB, 0);
        for &t in types {
            assert!(q.send(m(t, 1), 1, 0).is_empty());
        }
        q
    }

    #[test]
    fn selection_by_type() {
        let q = queue(&[3, 1, 2, 1, 5]);
        assert_eq!(q.find(Select::new(0, false, false)), Some(0));
        assert_eq!(q.find(Select::new(2, false, false)), Some(2));
        assert_eq!(q.find(Select::new(4, false, false)), None);
        assert_eq!(q.find(Select::new(3, true, false)), Some(1));
        // The lowest type not above 2: the first type-1 message.
        assert_eq!(q.find(Select::new(-2, false, false)), Some(1));
        assert_eq!(q.find(Select::new(-10, false, false)), Some(1));
        assert_eq!(q.find(Select::new(i64::MIN, false, false)), Some(1));
        let q2 = queue(&[4, 3, 5, 3]);
        assert_eq!(q2.find(Select::new(-4, false, false)), Some(1));
        assert_eq!(q2.find(Select::new(-2, false, false)), None);
        // MSG_COPY counts positions.
        assert_eq!(q.find(Select::new(4, false, true)), Some(4));
        assert_eq!(q.find(Select::new(5, false, true)), None);
    }

    #[test]
    fn bytes_and_counts_limit_senders() {
        let mut q = MsgQueue::new(10, 0);
        assert!(q.fits(10));
        q.send(m(1, 6), 1, 0);
        assert!(!q.fits(5));
        assert!(q.fits(4));
        let got = q.take(0, 2, 3);
        assert_eq!((got.text.len(), q.cbytes, q.lrpid, q.rtime), (6, 0, 2, 3));
        // Zero-length messages still count against qbytes as messages.
        let mut q = MsgQueue::new(2, 0);
        q.send(m(1, 0), 1, 0);
        q.send(m(1, 0), 1, 0);
        assert!(!q.fits(0));
    }

    #[test]
    fn pipelined_send_serves_sleepers_first() {
        let mut q = MsgQueue::new(MSGMNB, 0);
        let small = q.sleep(Select::Equal(2), 1, 10);
        let any = q.sleep(Select::Any, 100, 11);
        let woken = q.send(m(2, 5), 7, 4);
        assert_eq!(
            woken,
            alloc::vec![(small, Delivery::TooBig), (any, Delivery::Msg(m(2, 5)))]
        );
        assert_eq!((q.qnum(), q.lrpid, q.lspid), (0, 11, 7));
        let other = q.sleep(Select::Equal(9), 100, 12);
        assert!(q.send(m(1, 1), 7, 5).is_empty());
        assert_eq!(q.qnum(), 1);
        assert!(q.cancel(other));
        assert!(!q.cancel(other));
        let r = q.sleep(Select::Any, 1, 1);
        assert_eq!(
            q.expunge(Delivery::Removed),
            alloc::vec![(r, Delivery::Removed)]
        );
    }
}
