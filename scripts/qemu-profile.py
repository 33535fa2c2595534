#!/usr/bin/env python3
"""Poor man's sampling profiler for a kernel running in QEMU (TCG or KVM).

Samples every vCPU's program counter through the QEMU monitor and prints
where the guest spends its time: user mode vs. kernel, then the kernel
functions and source lines (symbolised from the kernel ELF's debug info).

  QEMU_EXTRA="-monitor unix:/tmp/mon.sock,server,nowait" scripts/qemu.sh ... &
  scripts/qemu-profile.py --socket /tmp/mon.sock --elf KERNEL_ELF \\
      [--seconds 10] [--delay 0] [--hz 200] [--lines] [--stacks DEPTH]

--stacks walks each kernel sample's frame-pointer chain (the kernel is built
with frame pointers) and adds an inclusive table: the share of samples
each function was on the stack for, which names the callers of a hot leaf.

Each sample stops the emulation for a moment, so keep the rate modest; the
result is a statistical picture (a few thousand samples), not exact counts.
"""
import argparse
import collections
import re
import socket
import subprocess
import sys
import time


def monitor(sock_path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock_path)
    s.settimeout(5)
    buf = b""
    while not buf.endswith(b"(qemu) "):  # banner and first prompt
        buf += s.recv(4096)
    return s


def command(s, cmd):
    s.sendall(cmd.encode() + b"\n")
    buf = b""
    while not buf.endswith(b"(qemu) "):
        chunk = s.recv(65536)
        if not chunk:
            raise EOFError("monitor closed")
        buf += chunk
    return buf.decode(errors="replace")


# x86_64: "RIP=ffff... RFL=... [...] CPL=0"; riscv64: " pc       ffffffc0..." and
# "priv: S" style lines differ by version, so user mode is told by the address.
PC_RE = re.compile(r"\b(?:RIP=|pc\s+)([0-9a-fA-F]{8,16})")
# The frame pointer: x86_64's RBP, riscv64's s0 (x8).
FP_RE = re.compile(r"\b(?:RBP=|s0\s+)([0-9a-fA-F]{8,16})")
KERNEL_BASE = 0xffff_8000_0000_0000


def is_kernel(addr):
    return addr >= KERNEL_BASE


def sample_cpus(text):
    """(pc, frame pointer) of each vCPU, in CPU order."""
    pcs = [int(m.group(1), 16) for m in PC_RE.finditer(text)]
    fps = [int(m.group(1), 16) for m in FP_RE.finditer(text)]
    return list(zip(pcs, fps + [0] * (len(pcs) - len(fps))))


def read_words(mon, addr):
    """Two 64-bit words of guest virtual memory at `addr` (current CPU)."""
    out = command(mon, f"x /2gx {addr:#x}")
    words = re.findall(r"0x([0-9a-fA-F]{16})", out.split(":", 1)[-1])
    return [int(w, 16) for w in words[:2]]


def walk(mon, cpu, fp, depth, riscv):
    """Return addresses up the frame-pointer chain of `cpu`."""
    command(mon, f"cpu {cpu}")
    chain = []
    for _ in range(depth):
        if not is_kernel(fp) or fp % 8:
            break
        # x86_64: [fp] = caller's fp, [fp+8] = return address;
        # riscv64: [fp-16] = caller's fp, [fp-8] = return address.
        words = read_words(mon, fp - 16 if riscv else fp)
        if len(words) < 2:
            break
        prev, ret = words if not riscv else (words[0], words[1])
        if not is_kernel(ret):
            break
        chain.append(ret - 1)  # inside the call instruction
        if prev <= fp:
            break
        fp = prev
    return chain


def symbolise(elf, addrs, lines):
    """Maps each kernel address to 'function' or 'function (file:line)'."""
    if not addrs:
        return {}
    tool = "llvm-addr2line-22"
    args = [tool, "-f", "-C", "-e", elf]
    try:
        out = subprocess.run(args, input="\n".join(hex(a) for a in addrs),
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        args[0] = "addr2line"
        out = subprocess.run(args, input="\n".join(hex(a) for a in addrs),
                             capture_output=True, text=True, check=True).stdout
    res = out.splitlines()
    names = {}
    for i, a in enumerate(addrs):
        func, loc = res[2 * i], res[2 * i + 1]
        # Drop the hash suffix of Rust symbols; keep the path to the function.
        func = re.sub(r"::h[0-9a-f]{16}$", "", func)
        if lines:
            loc = re.sub(r"^.*/(src/)", r"\1", loc)
            func = f"{func} ({loc})"
        names[a] = func
    return names


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--socket", required=True, help="QEMU monitor unix socket")
    ap.add_argument("--elf", required=True, help="kernel ELF with symbols")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--delay", type=float, default=0, help="wait before sampling")
    ap.add_argument("--hz", type=float, default=200)
    ap.add_argument("--lines", action="store_true", help="per source line, not per function")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--stacks", type=int, default=0, metavar="DEPTH",
                    help="also walk DEPTH frames of each kernel sample (inclusive table)")
    a = ap.parse_args()

    for _ in range(100):  # QEMU may not have made the socket yet
        try:
            mon = monitor(a.socket)
            break
        except OSError:
            time.sleep(0.1)
    else:
        sys.exit(f"qemu-profile: cannot connect to {a.socket}")
    time.sleep(a.delay)
    pcs = []
    chains = []  # per kernel sample with --stacks: its return addresses
    end = time.time() + a.seconds
    while time.time() < end:
        try:
            text = command(mon, "info registers -a")
            riscv = "RIP=" not in text
            for cpu, (pc, fp) in enumerate(sample_cpus(text)):
                pcs.append(pc)
                if a.stacks and is_kernel(pc):
                    chains.append([pc] + walk(mon, cpu, fp, a.stacks, riscv))
        except (EOFError, OSError):
            break  # the guest powered off
        time.sleep(1 / a.hz)
    if not pcs:
        sys.exit("qemu-profile: no samples")
    kernel = [pc for pc in pcs if is_kernel(pc)]
    user = len(pcs) - len(kernel)
    names = symbolise(a.elf, sorted(set(kernel) | {r for c in chains for r in c}), a.lines)
    funcs = collections.Counter(names[pc] for pc in kernel)
    print(f"{len(pcs)} samples: user {100 * user / len(pcs):.1f}%, "
          f"kernel {100 * len(kernel) / len(pcs):.1f}%")
    for func, n in funcs.most_common(a.top):
        print(f"{100 * n / len(pcs):6.2f}%  {func}")
    if chains:
        inclusive = collections.Counter()
        for chain in chains:
            inclusive.update({names[r] for r in chain})
        print(f"\ninclusive (on the stack in % of {len(pcs)} samples):")
        for func, n in inclusive.most_common(a.top):
            print(f"{100 * n / len(pcs):6.2f}%  {func}")


if __name__ == "__main__":
    main()
