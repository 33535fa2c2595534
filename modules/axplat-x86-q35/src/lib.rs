//! `axplat` implementation for the x86_64 QEMU q35 machine, booted by a multiboot (v1) loader.
//!
//! It implements the same interfaces as the stock `axplat-x86-pc` (init, console, memory, time,
//! IRQ, power, SMP start-up) with these differences:
//!
//! - the boot page tables use 2 MiB pages only (see [`boot_map`]), so CPU models without 1 GiB
//!   pages (`pdpe1gb`) boot, e.g. under KVM on such hosts;
//! - the TSC and local APIC timer frequencies are measured (CPUID, hypervisor leaf, PIT) instead of
//!   assumed, so time runs at the right rate under TCG;
//! - IOAPIC pins are routed to vectors `0x20 + pin`, masked until a handler is registered;
//! - every CPU keeps its own local APIC handle;
//! - with `fp-simd`, XSAVE and the AVX state are enabled on every CPU (see [`xstate`]).
//!
//! The kernel links it with axfeat's `myplat` feature (instead of `defplat`).
//! Only [`boot_map`] and [`freq`] build on the host; they hold the logic tested there.
#![cfg_attr(not(test), no_std)]

pub mod boot_map;
pub mod freq;

#[cfg(target_os = "none")]
#[macro_use]
extern crate log;
#[cfg(target_os = "none")]
#[macro_use]
extern crate axplat;

#[cfg(target_os = "none")]
mod apic;
#[cfg(target_os = "none")]
mod boot;
#[cfg(target_os = "none")]
mod console;
#[cfg(target_os = "none")]
pub use console::write_raw as console_write_raw;
#[cfg(target_os = "none")]
mod init;
#[cfg(target_os = "none")]
mod mem;
#[cfg(target_os = "none")]
pub use mem::cmdline;
#[cfg(all(target_os = "none", feature = "smp"))]
mod mp;
#[cfg(target_os = "none")]
mod pit;
#[cfg(target_os = "none")]
mod power;
#[cfg(target_os = "none")]
mod time;
#[cfg(target_os = "none")]
pub use time::{TscClock, tsc_clock};
#[cfg(all(target_os = "none", feature = "fp-simd"))]
mod xstate;

#[cfg(target_os = "none")]
pub mod config {
    //! Platform configuration, from the TOML file named by `AX_CONFIG_PATH` (or this crate's
    //! `axconfig.toml`). Its `package` must name this crate.
    axconfig_macros::include_configs!(path_env = "AX_CONFIG_PATH", fallback = "axconfig.toml");
    assert_str_eq!(
        PACKAGE,
        env!("CARGO_PKG_NAME"),
        "the config's `package` is not axplat-x86-q35: AX_CONFIG_PATH names another platform"
    );
}

/// The initial APIC ID of the running CPU, used as its CPU ID (QEMU numbers them 0..n-1).
#[cfg(target_os = "none")]
fn current_cpu_id() -> usize {
    raw_cpuid::CpuId::new()
        .get_feature_info()
        .map_or(0, |info| info.initial_local_apic_id() as usize)
}
