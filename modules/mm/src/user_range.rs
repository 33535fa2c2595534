//! Bounds of user memory ranges (Linux's access_ok): pure arithmetic on
//! addresses, shared by the kernel's user copies and host-tested.

use core::ops::Range;

/// `[addr, addr + len)` as a range, if it lies below `user_end` without
/// wrapping. A zero-length range is accepted anywhere below `user_end`
/// (even at address 0: a read of 0 bytes touches nothing, as on Linux); a
/// non-empty one at address 0 is not.
pub fn user_range(addr: usize, len: usize, user_end: usize) -> Option<Range<usize>> {
    let end = addr.checked_add(len)?;
    (end <= user_end && (addr != 0 || len == 0)).then_some(addr..end)
}

#[cfg(test)]
mod tests {
    use super::user_range;

    const END: usize = 0x8000_0000_0000;

    #[test]
    fn inside_and_at_the_end() {
        assert_eq!(user_range(0x1000, 0x10, END), Some(0x1000..0x1010));
        assert_eq!(user_range(END - 8, 8, END), Some(END - 8..END));
    }

    #[test]
    fn past_the_end_or_wrapping() {
        assert_eq!(user_range(END - 8, 9, END), None);
        assert_eq!(user_range(END, 1, END), None);
        assert_eq!(user_range(usize::MAX - 1, 4, END), None);
        assert_eq!(user_range(1, usize::MAX, END), None);
    }

    #[test]
    fn null_and_empty() {
        assert_eq!(user_range(0, 1, END), None);
        assert_eq!(user_range(0, 0, END), Some(0..0));
        assert_eq!(user_range(END, 0, END), Some(END..END));
        assert_eq!(user_range(END + 1, 0, END), None);
    }
}
