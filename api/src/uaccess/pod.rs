//! The types copied whole to and from user memory: integers, arrays of
//! them, and Linux's uapi structs from linux-raw-sys. (Structs the kernel
//! defines itself, such as the signal frame, are marked beside them.)

use linux_raw_sys::general as uapi;

use super::Pod;

// SAFETY (for every impl here): integers and Linux's uapi structs of
// integers, which accept any bit pattern; their padding carries nothing.
unsafe impl Pod for u8 {}
unsafe impl Pod for u16 {}
unsafe impl Pod for i32 {}
unsafe impl Pod for u32 {}
unsafe impl Pod for i64 {}
unsafe impl Pod for u64 {}
unsafe impl Pod for usize {}
unsafe impl<T: Pod, const N: usize> Pod for [T; N] {}
unsafe impl Pod for uapi::iovec {}
unsafe impl Pod for uapi::rlimit64 {}
unsafe impl Pod for uapi::flock {}
unsafe impl Pod for uapi::stat {}
unsafe impl Pod for uapi::statx {}
unsafe impl Pod for uapi::statfs {}
unsafe impl Pod for uapi::timespec {}
unsafe impl Pod for uapi::itimerspec {}
unsafe impl Pod for uapi::timeval {}
unsafe impl Pod for uapi::timezone {}
unsafe impl Pod for uapi::epoll_event {}
