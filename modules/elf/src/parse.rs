//! ELF64 header and program-header parsing (little-endian only: both our
//! architectures are).

use alloc::string::String;
use alloc::vec::Vec;

/// Why a file cannot be executed as ELF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElfError {
    /// Not an ELF file at all (the caller may try other formats).
    NotElf,
    /// An ELF file we cannot run: wrong class, machine or type, or corrupt.
    Unsupported,
}

/// A `PT_LOAD` segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub vaddr: usize,
    pub memsz: usize,
    pub filesz: usize,
    pub offset: u64,
    pub readable: bool,
    pub writable: bool,
    pub executable: bool,
}

/// The facts about an executable that loading it needs.
#[derive(Debug, Clone)]
pub struct ElfInfo {
    pub entry: usize,
    /// `ET_DYN`: position independent, loaded at a base chosen by the kernel.
    pub relocatable: bool,
    pub phoff: u64,
    pub phentsize: usize,
    pub phnum: usize,
    /// Virtual address of the program headers in the unrelocated image.
    pub phdr_vaddr: Option<usize>,
    /// The requested program interpreter (`PT_INTERP`).
    pub interp: Option<String>,
    pub segments: Vec<Segment>,
    /// `PT_GNU_STACK` asked for an executable stack.
    pub exec_stack: bool,
}

const PT_LOAD: u32 = 1;
const PT_INTERP: u32 = 3;
const PT_PHDR: u32 = 6;
const PT_GNU_STACK: u32 = 0x6474_e551;
const PF_X: u32 = 1;
const PF_W: u32 = 2;
const PF_R: u32 = 4;

fn u16_at(b: &[u8], off: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(off..off + 2)?.try_into().ok()?))
}
fn u32_at(b: &[u8], off: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(off..off + 4)?.try_into().ok()?))
}
fn u64_at(b: &[u8], off: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(off..off + 8)?.try_into().ok()?))
}

impl ElfInfo {
    /// The lowest and highest-plus-one addresses the loadable segments cover.
    pub fn span(&self) -> (usize, usize) {
        let lo = self.segments.iter().map(|s| s.vaddr).min().unwrap_or(0);
        let hi = self
            .segments
            .iter()
            .map(|s| s.vaddr + s.memsz)
            .max()
            .unwrap_or(0);
        (lo, hi)
    }
}

/// Parses an ELF64 file for `machine` (`EM_*`), reading through `read_at`
/// (which returns the bytes it could read at an offset).
pub fn parse(
    machine: u16,
    mut read_at: impl FnMut(u64, &mut [u8]) -> usize,
) -> Result<ElfInfo, ElfError> {
    let mut eh = [0u8; 64];
    let n = read_at(0, &mut eh);
    if n < 4 || &eh[..4] != b"\x7fELF" {
        return Err(ElfError::NotElf);
    }
    if n < 64 || eh[4] != 2 || eh[5] != 1 {
        return Err(ElfError::Unsupported); // not ELFCLASS64 / little-endian
    }
    let e_type = u16_at(&eh, 16).unwrap();
    let relocatable = match e_type {
        2 => false,
        3 => true,
        _ => return Err(ElfError::Unsupported),
    };
    if u16_at(&eh, 18).unwrap() != machine {
        return Err(ElfError::Unsupported);
    }
    let entry = u64_at(&eh, 24).unwrap() as usize;
    let phoff = u64_at(&eh, 32).unwrap();
    let phentsize = u16_at(&eh, 54).unwrap() as usize;
    let phnum = u16_at(&eh, 56).unwrap() as usize;
    if phentsize < 56 || phnum == 0 || phnum > 256 {
        return Err(ElfError::Unsupported);
    }
    let mut ph = alloc::vec![0u8; phentsize * phnum];
    if read_at(phoff, &mut ph) != ph.len() {
        return Err(ElfError::Unsupported);
    }

    let mut info = ElfInfo {
        entry,
        relocatable,
        phoff,
        phentsize,
        phnum,
        phdr_vaddr: None,
        interp: None,
        segments: Vec::new(),
        exec_stack: false,
    };
    for i in 0..phnum {
        let p = &ph[i * phentsize..(i + 1) * phentsize];
        let p_type = u32_at(p, 0).unwrap();
        let flags = u32_at(p, 4).unwrap();
        let offset = u64_at(p, 8).unwrap();
        let vaddr = u64_at(p, 16).unwrap() as usize;
        let filesz = u64_at(p, 32).unwrap() as usize;
        let memsz = u64_at(p, 40).unwrap() as usize;
        match p_type {
            PT_LOAD => {
                if filesz > memsz || vaddr.checked_add(memsz).is_none() {
                    return Err(ElfError::Unsupported);
                }
                info.segments.push(Segment {
                    vaddr,
                    memsz,
                    filesz,
                    offset,
                    readable: flags & PF_R != 0,
                    writable: flags & PF_W != 0,
                    executable: flags & PF_X != 0,
                });
            }
            PT_INTERP => {
                if filesz == 0 || filesz > 4096 {
                    return Err(ElfError::Unsupported);
                }
                let mut buf = alloc::vec![0u8; filesz];
                if read_at(offset, &mut buf) != filesz {
                    return Err(ElfError::Unsupported);
                }
                let end = buf.iter().position(|&c| c == 0).unwrap_or(buf.len());
                let path = core::str::from_utf8(&buf[..end]).map_err(|_| ElfError::Unsupported)?;
                info.interp = Some(String::from(path));
            }
            PT_PHDR => info.phdr_vaddr = Some(vaddr),
            PT_GNU_STACK => info.exec_stack = flags & PF_X != 0,
            _ => {}
        }
    }
    if info.segments.is_empty() {
        return Err(ElfError::Unsupported);
    }
    if info.phdr_vaddr.is_none() {
        // No PT_PHDR: the headers are mapped if a segment covers their file offset.
        info.phdr_vaddr = info
            .segments
            .iter()
            .find(|s| s.offset <= phoff && phoff < s.offset + s.filesz as u64)
            .map(|s| s.vaddr + (phoff - s.offset) as usize);
    }
    Ok(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal ELF64 image: header, two program headers, an interp string.
    fn image(e_type: u16, machine: u16) -> Vec<u8> {
        let mut b = alloc::vec![0u8; 0x200];
        b[..4].copy_from_slice(b"\x7fELF");
        b[4] = 2;
        b[5] = 1;
        b[16..18].copy_from_slice(&e_type.to_le_bytes());
        b[18..20].copy_from_slice(&machine.to_le_bytes());
        b[24..32].copy_from_slice(&0x401000u64.to_le_bytes());
        b[32..40].copy_from_slice(&64u64.to_le_bytes());
        b[54..56].copy_from_slice(&56u16.to_le_bytes());
        b[56..58].copy_from_slice(&2u16.to_le_bytes());
        let ph =
            |b: &mut Vec<u8>, at: usize, t: u32, f: u32, off: u64, va: u64, fs: u64, ms: u64| {
                b[at..at + 4].copy_from_slice(&t.to_le_bytes());
                b[at + 4..at + 8].copy_from_slice(&f.to_le_bytes());
                b[at + 8..at + 16].copy_from_slice(&off.to_le_bytes());
                b[at + 16..at + 24].copy_from_slice(&va.to_le_bytes());
                b[at + 32..at + 40].copy_from_slice(&fs.to_le_bytes());
                b[at + 40..at + 48].copy_from_slice(&ms.to_le_bytes());
            };
        ph(&mut b, 64, PT_LOAD, PF_R | PF_X, 0, 0x400000, 0x200, 0x3000);
        ph(&mut b, 120, PT_INTERP, PF_R, 0x180, 0, 12, 12);
        b[0x180..0x18c].copy_from_slice(b"/lib/ld.so\0\0");
        b
    }

    fn reader(img: &[u8]) -> impl FnMut(u64, &mut [u8]) -> usize + '_ {
        move |off, buf| {
            let off = off as usize;
            if off >= img.len() {
                return 0;
            }
            let n = buf.len().min(img.len() - off);
            buf[..n].copy_from_slice(&img[off..off + n]);
            n
        }
    }

    #[test]
    fn parses_segments_interp_and_phdr() {
        let img = image(2, 62);
        let info = parse(62, reader(&img)).unwrap();
        assert_eq!(info.entry, 0x401000);
        assert!(!info.relocatable);
        assert_eq!(info.interp.as_deref(), Some("/lib/ld.so"));
        assert_eq!(info.segments.len(), 1);
        assert!(info.segments[0].executable && !info.segments[0].writable);
        assert_eq!(info.phdr_vaddr, Some(0x400040));
        assert_eq!(info.span(), (0x400000, 0x403000));
    }

    #[test]
    fn rejects_wrong_machine_and_non_elf() {
        let img = image(3, 62);
        assert_eq!(parse(243, reader(&img)).unwrap_err(), ElfError::Unsupported);
        assert_eq!(
            parse(62, reader(b"#!/bin/sh\n")).unwrap_err(),
            ElfError::NotElf
        );
        assert!(parse(62, reader(&img)).unwrap().relocatable);
    }
}
