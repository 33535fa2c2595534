#!/usr/bin/env python3
"""Summarise the serial logs of `make bench` (scripts/bench/bench.sh).

    summarize.py LOG_DIR OUT_DIR RUNS

LOG_DIR holds linux-runN.log and ours-runN.log: serial console lines, each prefixed with the
host's time in seconds, the first one being "T HOST-QEMU-START". Writes to OUT_DIR:
  raw.tsv      kernel, run, metric, value, unit: every value of every boot
  results.tsv  per metric: medians over the boots, ratio ours/Linux, min-max of each side
  results.md   the same as a Markdown table, with the setup (OUT_DIR/info.txt) and notes
  ratios.png   the ratios as bars, log scale, a line at 1.0
A metric without a value on a side (the benchmark failed, e.g. fio on our kernel) is "n/a".
"""
import math
import re
import statistics
import sys
from pathlib import Path

SIDES = ("linux", "ours")
TIME_UNITS = {"ns", "us", "ms", "s"}  # lower is better: a ratio above 1 means ours is slower
RATE_UNITS = {"MB/s", "IOPS"}  # higher is better: a ratio below 1 means ours is slower
METRIC_LINE = re.compile(r"^([A-Za-z0-9_]+) ([0-9.eE+-]+|nan|-?inf) (\S+)$")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # our kernel's log lines are coloured


def parse_log(path):
    """Metrics of one boot: {name: (value or None, unit)}, failure notes, busy processes."""
    metrics, notes, busy = {}, [], set()
    t0 = None
    in_block = done = False
    for raw in path.read_text(errors="replace").splitlines():
        stamp, _, line = raw.partition(" ")
        try:
            ts = float(stamp)
        except ValueError:
            continue
        line = ANSI.sub("", line).strip()
        if line.startswith("HOST-QEMU-START"):
            t0 = ts
            m = re.search(r"busy=(\S+)", line)
            busy.update(m.group(1).split(",") if m else [])
        elif line.startswith("BENCH-INIT first line") and "boot_to_init" not in metrics:
            if t0 is not None:
                metrics["boot_to_init"] = ((ts - t0) * 1000, "ms")
        elif re.match(r"===BENCH-(MICRO|FIO)-START===", line):
            in_block = True
        elif re.match(r"===BENCH-(MICRO|FIO)-END", line):
            in_block = False
        elif line == "===BENCH-DONE===":
            done = True
        elif in_block and (m := METRIC_LINE.match(line)):
            value = float(m.group(2))
            metrics[m.group(1)] = (value if math.isfinite(value) else None, m.group(3))
        # why a benchmark failed: microbench's messages and the guest script's fio failures
        if line.startswith("microbench: ") or (line.startswith("# fio ") and "failed" in line):
            notes.append(line)
    if not done:
        notes.append(f"{path.name}: incomplete (no ===BENCH-DONE===)")
    # other QEMUs or compilers seen on the host during the boot (bench.sh samples every 10 s)
    busy_file = path.with_suffix(".busy")
    if busy_file.exists():
        busy.update(w.split()[1] for w in busy_file.read_text().splitlines() if len(w.split()) == 2)
    return metrics, notes, busy


def fmt(v):
    if v is None:
        return "n/a"
    if v == 0:
        return "0"
    digits = max(0, 3 - int(math.floor(math.log10(abs(v)))) - 1)  # 3 significant digits
    return f"{v:.{min(digits, 3)}f}"


def worse_if(unit):
    return "higher" if unit in TIME_UNITS else "lower" if unit in RATE_UNITS else "?"


def summarise(log_dir, runs):
    order, units, values, notes = [], {}, {}, {s: [] for s in SIDES}
    raw, disturbed = [], {}
    for run in range(1, runs + 1):
        for side in SIDES:
            path = log_dir / f"{side}-run{run}.log"
            if not path.exists():
                notes[side].append(f"{path.name}: missing")
                continue
            metrics, n, busy = parse_log(path)
            notes[side] += n
            if busy:
                disturbed[path.stem] = sorted(busy)
            for name, (value, unit) in metrics.items():
                if name not in units:
                    order.append(name)
                    units[name] = unit
                values.setdefault((side, name), []).append(value)
                raw.append((side, run, name, value, unit))
    rows = []
    for name in order:
        row = {"metric": name, "unit": units[name], "worse_if": worse_if(units[name])}
        for side in SIDES:
            got = [v for v in values.get((side, name), []) if v is not None]
            row[side] = statistics.median(got) if got else None
            row[side + "_n"] = len(got)
            row[side + "_spread"] = (min(got), max(got)) if got else None
        lin, ours = row["linux"], row["ours"]
        row["ratio"] = ours / lin if lin and ours is not None else None
        rows.append(row)
    return rows, raw, notes, disturbed


def spread_text(row, side, runs):
    s = row[side + "_spread"]
    if s is None:
        return "n/a"
    text = fmt(s[0]) if fmt(s[0]) == fmt(s[1]) else f"{fmt(s[0])}–{fmt(s[1])}"
    if row[side + "_n"] < runs:
        text += f" ({row[side + '_n']} of {runs})"
    return text


NOISE = (0.8, 1.25)  # ratios in this band are within boot-to-boot noise on this host


def verdict(row):
    """'worse'/'better' for ours, 'same' within the noise band, None without a ratio."""
    r = row["ratio"]
    if r is None or row["worse_if"] == "?":
        return None
    if NOISE[0] <= r <= NOISE[1]:
        return "same"
    return "worse" if (r > 1) == (row["worse_if"] == "higher") else "better"


def write_tsv(rows, runs, out):
    lines = ["metric\tunit\tlinux_median\tours_median\tratio_ours_over_linux\tworse_if_ratio\t"
             "linux_min–max\tours_min–max"]
    for r in rows:
        lines.append("\t".join([
            r["metric"], r["unit"], fmt(r["linux"]), fmt(r["ours"]),
            "n/a" if r["ratio"] is None else f"{r['ratio']:.3f}", r["worse_if"],
            spread_text(r, "linux", runs), spread_text(r, "ours", runs)]))
    (out / "results.tsv").write_text("\n".join(lines) + "\n")


def short_notes(notes):
    """Unique failure messages, without the per-job prefix, for the summary."""
    seen = []
    for n in notes:
        n = re.sub(r"^# fio (\S+ failed \(rc=\d+\)|layout failed): ", "fio: ", n)
        n = re.sub(r"\s+", " ", n).strip()[:200]
        if n not in seen:
            seen.append(n)
    return seen


def write_md(rows, runs, notes, disturbed, out):
    info = (out / "info.txt").read_text() if (out / "info.txt").exists() else ""
    md = ["# `make bench`: our kernel vs Linux 6.1, same QEMU (TCG)", ""]
    md += [f"- {line}" for line in info.splitlines() if not line.startswith("qemu ")]
    md += ["",
           f"Medians over {runs} boot(s) of each kernel. **ratio = ours / Linux**: for times "
           "(ns, us, ms) higher is worse, for throughput (MB/s, IOPS) lower is worse; the "
           "\"worse if\" column says which. Boot-to-boot noise on this host is up to about "
           f"±25%, so ratios within {NOISE[0]}–{NOISE[1]} are not a signal (`cpu_spin` never enters the "
           "kernel: its ratio shows how comparable the host was).", ""]
    md.append("| metric | unit | Linux median | ours median | ratio (ours/Linux) | worse if "
              "| Linux min–max | ours min–max |")
    md.append("|---|---|--:|--:|--:|---|---|---|")
    for r in rows:
        ratio = "n/a" if r["ratio"] is None else f"{r['ratio']:.2f}"
        md.append(f"| {r['metric']} | {r['unit']} | {fmt(r['linux'])} | {fmt(r['ours'])} | "
                  f"{ratio} | {r['worse_if']} | {spread_text(r, 'linux', runs)} | "
                  f"{spread_text(r, 'ours', runs)} |")
    # summary: what is missing and why, and the overall picture
    md += ["", "## Summary", ""]
    missing = {s: [r["metric"] for r in rows if r[s] is None] for s in SIDES}
    judged = [r for r in rows if verdict(r)]
    worse = [r for r in judged if verdict(r) == "worse"]
    better = [r for r in judged if verdict(r) == "better"]
    md.append(f"- {len(judged)} metrics with values on both kernels: ours is clearly worse "
              f"(ratio outside {NOISE[0]}–{NOISE[1]}) on {len(worse)}, clearly better on "
              f"{len(better)}, within the noise band on {len(judged) - len(worse) - len(better)}.")
    for what, group in (("worse", worse), ("better", better)):
        if group:
            g = sorted(group, key=lambda r: -abs(math.log(r["ratio"])))[:6]
            md.append(f"- Largest gaps, ours {what}: " + ", ".join(
                f"{r['metric']} (ratio {r['ratio']:.2f})" for r in g) + ".")
    for side, label in (("ours", "our kernel"), ("linux", "Linux")):
        if not missing[side]:
            continue
        fio = [m for m in missing[side] if m.startswith("fio_")]
        other = [m for m in missing[side] if not m.startswith("fio_")]
        if fio:
            why = [m for m in short_notes(notes[side]) if m.startswith("fio: ")]
            md.append(f"- **fio: no results on {label}** ({len(fio)} rows n/a)" +
                      (f": fio fails with `{why[0][5:]}`." if why else "."))
        if other:
            md.append(f"- **No result on {label}** for: {', '.join(other)}.")
    for side, label in (("ours", "our kernel"), ("linux", "Linux")):
        msgs = short_notes(notes[side])
        if msgs:
            md.append(f"- Messages on {label} (serial logs in `logs/`):")
            md += [f"  - `{m}`" for m in msgs[:8]]
    if disturbed:
        md.append("- Host not quiet (other processes competed for its 2 cores during these "
                  "boots; their numbers are noisier): " + "; ".join(
                      f"{b}: {', '.join(p)}" for b, p in disturbed.items()) + ".")
    md += ["", "Files: `results.tsv` (this table), `raw.tsv` (every boot's values), `ratios.png`, "
           "`logs/` (serial consoles with host timestamps), `info.txt` (QEMU commands).", ""]
    (out / "results.md").write_text("\n".join(md))


def plot(rows, runs, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    n = len(rows)
    fig, ax = plt.subplots(figsize=(11.5, 1.4 + 0.32 * n))
    ys = list(range(n))[::-1]  # first metric on top
    ratios = [r["ratio"] for r in rows]
    present = [x for x in ratios if x is not None] or [1.0]
    lo = min(min(present), 0.5) / 1.6
    hi = max(max(present), 2.0) * 2.2
    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    ax.axvspan(*NOISE, color="0.92", zorder=0)
    colors = {"worse": "#d62728", "better": "#2ca02c", "same": "0.55", None: "0.55"}
    for y, r in zip(ys, rows):
        if r["ratio"] is None:
            ax.text(1.0, y, "  n/a (no result on " +
                    ("either" if r["linux"] is None and r["ours"] is None else
                     "ours" if r["ours"] is None else "Linux") + ")",
                    va="center", ha="left", fontsize=8, color="0.35")
            continue
        # bars grow from 1.0: right for ratios above 1, left for ratios below
        ax.barh(y, r["ratio"] - 1, left=1, height=0.7, color=colors[verdict(r)], zorder=2)
        right = r["ratio"] >= 1
        ax.text(r["ratio"] * (1.04 if right else 1 / 1.04), y, f"{r['ratio']:.2f}", va="center",
                ha="left" if right else "right", fontsize=8, zorder=3)
    ax.axvline(1.0, color="black", linewidth=1.2, zorder=3)
    ax.set_yticks(ys)
    ax.set_yticklabels([f"{r['metric']} ({r['unit']}, {'higher' if r['worse_if'] == 'higher' else 'lower'} = worse)"
                        for r in rows], fontsize=8)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlabel("ratio ours / Linux (log scale; median of %d boot(s) of each kernel)" % runs)
    ax.set_title("Our kernel vs Linux 6.1, same QEMU TCG machine\n"
                 "red: ours worse, green: ours better, grey: within noise "
                 "(times: ratio > 1 is worse; MB/s, IOPS: ratio < 1 is worse)", fontsize=10)
    ticks = [t for t in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100) if lo <= t <= hi]
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.grid(axis="x", which="both", color="0.85", linewidth=0.5, zorder=1)
    from matplotlib.patches import Patch
    ax.legend(handles=[Patch(color=colors["worse"], label="ours worse"),
                       Patch(color=colors["better"], label="ours better"),
                       Patch(color=colors["same"], label="within host noise"),
                       Patch(color="0.92", label=f"noise band {NOISE[0]}–{NOISE[1]}")],
              loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(out / "ratios.png", dpi=110)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    log_dir, out, runs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    rows, raw, notes, disturbed = summarise(log_dir, runs)
    with open(out / "raw.tsv", "w") as f:
        f.write("kernel\trun\tmetric\tvalue\tunit\n")
        for side, run, name, value, unit in raw:
            f.write(f"{side}\t{run}\t{name}\t{'nan' if value is None else value}\t{unit}\n")
    write_tsv(rows, runs, out)
    write_md(rows, runs, notes, disturbed, out)
    plot(rows, runs, out)


if __name__ == "__main__":
    main()
