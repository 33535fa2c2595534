//! Disk names as Linux gives them to virtio disks (`virtblk_name_format`):
//! `vd` followed by a bijective base-26 index: a..z, aa..az, ba.., zz, aaa...

use alloc::string::String;

/// The name of the `index`-th disk (0 is `vda`).
pub fn disk_name(index: usize) -> String {
    // Letters come out last first; a 64-bit index needs at most 14.
    let mut letters = [0u8; 16];
    let mut n = letters.len();
    let mut i = index;
    loop {
        n -= 1;
        letters[n] = b'a' + (i % 26) as u8;
        i /= 26;
        if i == 0 {
            break;
        }
        i -= 1;
    }
    let mut name = String::from("vd");
    name.extend(letters[n..].iter().map(|&b| b as char));
    name
}

#[cfg(test)]
mod tests {
    use super::disk_name;

    #[test]
    fn names_follow_linux() {
        assert_eq!(disk_name(0), "vda");
        assert_eq!(disk_name(1), "vdb");
        assert_eq!(disk_name(25), "vdz");
        assert_eq!(disk_name(26), "vdaa");
        assert_eq!(disk_name(27), "vdab");
        assert_eq!(disk_name(51), "vdaz");
        assert_eq!(disk_name(52), "vdba");
        assert_eq!(disk_name(701), "vdzz");
        assert_eq!(disk_name(702), "vdaaa");
    }

    #[test]
    fn largest_index_does_not_overflow() {
        assert!(disk_name(usize::MAX).starts_with("vd"));
    }
}
