//! The registry of the kernel's block devices, in probe order.

use alloc::{string::String, sync::Arc, vec::Vec};

use kspin::SpinNoIrq;

use crate::{BlockDevice, disk_name};

/// Block devices by name. Devices are added as they are probed and never
/// removed (no hot-unplug yet).
pub struct Registry {
    devices: SpinNoIrq<Vec<Arc<dyn BlockDevice>>>,
}

impl Registry {
    pub const fn new() -> Self {
        Self {
            devices: SpinNoIrq::new(Vec::new()),
        }
    }

    /// Adds the device `make` builds under the next free name (`vda`,
    /// then `vdb`, ...) and returns it.
    pub fn add(&self, make: impl FnOnce(String) -> Arc<dyn BlockDevice>) -> Arc<dyn BlockDevice> {
        let mut devices = self.devices.lock();
        let dev = make(disk_name(devices.len()));
        devices.push(dev.clone());
        dev
    }

    /// The device called `name`.
    pub fn get(&self, name: &str) -> Option<Arc<dyn BlockDevice>> {
        self.devices
            .lock()
            .iter()
            .find(|d| d.name() == name)
            .cloned()
    }

    /// Every device, in probe order.
    pub fn all(&self) -> Vec<Arc<dyn BlockDevice>> {
        self.devices.lock().clone()
    }
}

impl Default for Registry {
    fn default() -> Self {
        Self::new()
    }
}

/// The kernel's block devices.
pub fn block_devices() -> &'static Registry {
    static REGISTRY: Registry = Registry::new();
    &REGISTRY
}

#[cfg(test)]
mod tests {
    extern crate std;

    use alloc::{string::String, sync::Arc, vec, vec::Vec};
    use std::sync::Mutex;

    use super::Registry;
    use crate::{BlockDevice, BlockError, BlockResult};

    /// A disk in memory, for the tests.
    struct RamDisk {
        name: String,
        data: Mutex<Vec<u8>>,
    }

    const BS: usize = 512;

    impl RamDisk {
        fn new(name: String, blocks: usize) -> Arc<dyn BlockDevice> {
            Arc::new(Self {
                name,
                data: Mutex::new(vec![0; blocks * BS]),
            })
        }
    }

    impl BlockDevice for RamDisk {
        fn name(&self) -> &str {
            &self.name
        }
        fn block_size(&self) -> usize {
            BS
        }
        fn num_blocks(&self) -> u64 {
            (self.data.lock().unwrap().len() / BS) as u64
        }
        fn read_blocks(&self, start: u64, buf: &mut [u8]) -> BlockResult {
            self.check_range(start, buf.len())?;
            let at = start as usize * BS;
            buf.copy_from_slice(&self.data.lock().unwrap()[at..at + buf.len()]);
            Ok(())
        }
        fn write_blocks(&self, start: u64, buf: &[u8]) -> BlockResult {
            self.check_range(start, buf.len())?;
            let at = start as usize * BS;
            self.data.lock().unwrap()[at..at + buf.len()].copy_from_slice(buf);
            Ok(())
        }
        fn flush(&self) -> BlockResult {
            Ok(())
        }
    }

    #[test]
    fn devices_are_named_in_probe_order() {
        let reg = Registry::new();
        let a = reg.add(|name| RamDisk::new(name, 4));
        let b = reg.add(|name| RamDisk::new(name, 8));
        assert_eq!(a.name(), "vda");
        assert_eq!(b.name(), "vdb");
        assert_eq!(reg.get("vdb").unwrap().num_blocks(), 8);
        assert!(reg.get("vdc").is_none());
        let names: Vec<_> = reg.all().iter().map(|d| String::from(d.name())).collect();
        assert_eq!(names, ["vda", "vdb"]);
    }

    #[test]
    fn ranges_are_checked() {
        let reg = Registry::new();
        let d = reg.add(|name| RamDisk::new(name, 4));
        let mut buf = [0u8; BS * 2];
        assert_eq!(d.read_blocks(2, &mut buf), Ok(()));
        assert_eq!(d.read_blocks(3, &mut buf), Err(BlockError::OutOfRange));
        assert_eq!(
            d.read_blocks(u64::MAX, &mut buf),
            Err(BlockError::OutOfRange)
        );
        assert_eq!(
            d.read_blocks(0, &mut buf[..100]),
            Err(BlockError::BadBuffer)
        );
        assert_eq!(d.read_blocks(0, &mut []), Err(BlockError::BadBuffer));
    }

    #[test]
    fn writes_read_back() {
        let reg = Registry::new();
        let d = reg.add(|name| RamDisk::new(name, 4));
        d.write_blocks(1, &[7u8; BS]).unwrap();
        let mut buf = [0u8; BS * 2];
        d.read_blocks(0, &mut buf).unwrap();
        assert!(buf[..BS].iter().all(|&b| b == 0));
        assert!(buf[BS..].iter().all(|&b| b == 7));
    }
}
