//! The kernel's devices: the drivers are probed here (not by the runtime),
//! block devices go to `blockdev`'s registry under their Linux names, NICs
//! are held for the network stack to come.

mod disk;

use alloc::{sync::Arc, vec::Vec};

use axdriver::{AxNetDevice, prelude::BaseDriverOps};
use kspin::SpinNoIrq;

/// The NICs found at boot, untouched until the network stack takes them.
static NICS: SpinNoIrq<Vec<AxNetDevice>> = SpinNoIrq::new(Vec::new());

/// Probes every driver axdriver knows on the platform's bus and registers
/// what it finds.
pub fn probe() {
    let mut all = axdriver::init_drivers();
    // axdriver keeps devices in probe order: that order gives vda, vdb, ...
    for dev in all.block.drain(..) {
        let driver = alloc::string::String::from(dev.device_name());
        let disk = blockdev::block_devices().add(|name| Arc::new(disk::DriverDisk::new(name, dev)));
        info!(
            "block device {}: {driver}, {} blocks of {} bytes",
            disk.name(),
            disk.num_blocks(),
            disk.block_size()
        );
    }
    let mut nics = NICS.lock();
    for nic in all.net.drain(..) {
        info!("network device {}: {}", nics.len(), nic.device_name());
        nics.push(nic);
    }
}
