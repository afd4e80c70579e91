"""What /proc says about a process and the machine, for scripts/bench.py (psutil is not a project dependency)."""

import os
import threading
from pathlib import Path
from typing import Dict, List, Optional, Tuple

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def status_kb(pid: int, field: str) -> Optional[int]:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def _stat_fields(pid: int) -> Optional[List[str]]:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from 3 (state) on; the name may hold spaces


def cpu_seconds(pid: int) -> Optional[float]:
    """User + system CPU time of one process."""
    fields = _stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS if fields else None


def age_seconds(pid: int) -> Optional[float]:
    """Seconds since the process started (kernel start time, 1/CLK_TCK resolution)."""
    fields = _stat_fields(pid)
    if not fields:
        return None
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    return uptime - int(fields[19]) / CLOCK_TICKS


def children(pid: int) -> List[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields and int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def system_cpu() -> Tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])  # guest time is already counted in user
    return (total - idle) / CLOCK_TICKS, total / CLOCK_TICKS


def loadavg() -> List[float]:
    return [float(v) for v in Path("/proc/loadavg").read_text().split()[:3]]


class RssSampler:
    """Samples VmRSS of some processes in a thread; keeps the peak of each (MB)."""

    def __init__(self, pids: Dict[str, int], interval: float = 0.2) -> None:
        self.pids, self.interval = pids, interval
        self.peak_kb: Dict[str, int] = {name: 0 for name in pids}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, pid in self.pids.items():
                self.peak_kb[name] = max(self.peak_kb[name], status_kb(pid, "VmRSS") or 0)
            self._stop.wait(self.interval)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def peak_mb(self) -> Dict[str, float]:
        return {name: round(kb / 1024, 1) for name, kb in self.peak_kb.items()}
