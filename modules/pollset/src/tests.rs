extern crate std;

use alloc::sync::Arc;
use alloc::task::Wake;
use core::sync::atomic::{AtomicUsize, Ordering};
use core::task::Waker;

use super::{CAPACITY, PollSet};

/// A waker that counts its wake-ups.
struct Counter(AtomicUsize);

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn counter() -> (Arc<Counter>, Waker) {
    let c = Arc::new(Counter(AtomicUsize::new(0)));
    (c.clone(), Waker::from(c))
}

fn count(c: &Counter) -> usize {
    c.0.load(Ordering::SeqCst)
}

#[test]
fn wake_reaches_every_waiter_once() {
    let set = PollSet::new();
    let (a, wa) = counter();
    let (b, wb) = counter();
    set.register(&wa);
    set.register(&wb);
    assert_eq!(set.wake(), 2);
    assert_eq!((count(&a), count(&b)), (1, 1));
    // Forgotten after the wake: a second change reaches nobody.
    assert_eq!(set.wake(), 0);
    assert_eq!((count(&a), count(&b)), (1, 1));
}

#[test]
fn the_same_waker_is_kept_once() {
    let set = PollSet::new();
    let (a, wa) = counter();
    set.register(&wa);
    set.register(&wa.clone());
    assert_eq!(set.wake(), 1);
    assert_eq!(count(&a), 1);
}

#[test]
fn registering_again_after_a_wake_is_heard() {
    let set = PollSet::new();
    let (a, wa) = counter();
    set.register(&wa);
    set.wake();
    set.register(&wa);
    assert!(!set.is_empty());
    set.wake();
    assert_eq!(count(&a), 2);
}

#[test]
fn past_capacity_the_oldest_is_woken_early() {
    let set = PollSet::new();
    let waiters: std::vec::Vec<_> = (0..CAPACITY + 1).map(|_| counter()).collect();
    for (_, w) in &waiters {
        set.register(w);
    }
    assert_eq!(count(&waiters[0].0), 1, "the oldest was evicted and woken");
    assert!(waiters[1..].iter().all(|(c, _)| count(c) == 0));
    assert_eq!(set.wake(), CAPACITY);
    assert!(waiters.iter().all(|(c, _)| count(c) == 1));
}

#[test]
fn dropping_the_source_wakes_its_waiters() {
    let (a, wa) = counter();
    {
        let set = PollSet::new();
        set.register(&wa);
    }
    assert_eq!(count(&a), 1);
}
