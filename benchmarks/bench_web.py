"""Benchmark: `nianbao serve` under load, on 127.0.0.1 only.

    python benchmarks/bench_web.py

Starts a real server (uvicorn, the default worker pool), then sends POST /api/check with one workbook
(inputs/seed-as-printed.xlsx): 200 requests one after another on one keep-alive connection, then 50 at
once (50 threads, 50 connections). Prints p50/p95/max latency of each phase, failures, and the resident
memory of the server and its workers at the start, after each quarter of the sequential run and at the end
(flat means nothing piles up). The plain way for comparison: `nianbao check --json` as a new process per file.
Every loop is bounded in count and time; nothing leaves this machine.
"""

from __future__ import annotations

import http.client
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from web_demo import serve  # noqa: E402

WORKBOOK = ROOT / "inputs" / "seed-as-printed.xlsx"
SEQUENTIAL, CONCURRENT, WARM_UP = 200, 50, 10
TIMEOUT = 60.0


def multipart(path: Path) -> tuple[bytes, str]:
    """The body and content type of a form with the file in field `file`."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return head + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


BODY, CONTENT_TYPE = multipart(WORKBOOK)


def check(connection: http.client.HTTPConnection) -> tuple[float, bool]:
    """One POST /api/check: its latency in seconds, and whether it answered 200 with the check's JSON."""
    start = time.perf_counter()
    connection.request("POST", "/api/check", BODY, {"Content-Type": CONTENT_TYPE})
    answer = connection.getresponse()
    data = answer.read()
    return time.perf_counter() - start, answer.status == 200 and data.startswith(b'{\n  "ok": false')


def rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc), in KiB."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def report(name: str, latencies: list[float], failures: int, wall: float) -> None:
    """One line of figures."""
    ms = [t * 1000 for t in latencies]
    print(
        f"{name:<28} n={len(ms):<4} failures={failures:<3} p50={statistics.median(ms):6.1f} ms  "
        f"p95={percentile(ms, 0.95):6.1f} ms  max={max(ms):6.1f} ms  {len(ms) / wall:6.1f} req/s"
    )


def main() -> None:
    """Run the load and print the figures."""
    with serve() as running:
        host, port = running.base.removeprefix("http://").split(":")
        pid = running.process.pid
        connection = http.client.HTTPConnection(host, int(port), timeout=TIMEOUT)
        for _ in range(WARM_UP):
            check(connection)
        memory = [("start", rss_kib(pid))]

        latencies, failures = [], 0
        started = time.perf_counter()
        for number in range(1, SEQUENTIAL + 1):
            seconds, ok = check(connection)
            latencies.append(seconds)
            failures += not ok
            if number % (SEQUENTIAL // 4) == 0:
                memory.append((f"after {number} sequential", rss_kib(pid)))
        report(f"{SEQUENTIAL} sequential", latencies, failures, time.perf_counter() - started)
        connection.close()

        results: list[tuple[float, bool]] = []
        lock = threading.Lock()
        gate = threading.Barrier(CONCURRENT)

        def one() -> None:
            link = http.client.HTTPConnection(host, int(port), timeout=TIMEOUT)
            gate.wait()
            try:
                outcome = check(link)
            except OSError:
                outcome = (TIMEOUT, False)
            finally:
                link.close()
            with lock:
                results.append(outcome)

        threads = [threading.Thread(target=one) for _ in range(CONCURRENT)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(TIMEOUT)
        wall = time.perf_counter() - started
        report(f"{CONCURRENT} concurrent", [t for t, _ in results], sum(not ok for _, ok in results), wall)
        memory.append(("end", rss_kib(pid)))

    print("memory of server + workers (RSS): " + ", ".join(f"{label} {kib / 1024:.0f} MiB" for label, kib in memory))
    plain = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "generator", "check", "--json", str(WORKBOOK)], capture_output=True, cwd=ROOT
        )
        plain.append(time.perf_counter() - start)
    print(f"plain way: nianbao check --json as a new process: median {statistics.median(plain) * 1000:.0f} ms per file")


if __name__ == "__main__":
    main()
