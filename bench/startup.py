#!/usr/bin/env python3
"""Start-up and memory figures of the release binary: cold start (new data dir: migrations, generated keys) and
warm start (existing data dir) to the first answered /api/health/, idle RSS, and binary size.

Usage: bench/startup.py [path/to/autotrack] [runs]   (default: target/release/autotrack, 10 runs)
Prints a table and writes bench/results/startup.json. Uses only the Python standard library.
"""
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def health_ok(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"GET /api/health/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return s.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def start_once(binary, data_dir):
    port = free_port()
    env = dict(os.environ, AUTOTRACK_DATA_DIR=data_dir, AUTOTRACK_LISTEN=f"127.0.0.1:{port}", AUTOTRACK_LOG="warn")
    t0 = time.perf_counter()
    proc = subprocess.Popen([binary, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not health_ok(port):
        if proc.poll() is not None:
            raise SystemExit("the server exited during start-up")
        if time.perf_counter() - t0 > 30:
            raise SystemExit("no health answer within 30 s")
        time.sleep(0.001)
    elapsed_ms = (time.perf_counter() - t0) * 1000
    return proc, elapsed_ms


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/autotrack"
    if not os.path.exists(binary) and os.environ.get("CARGO_TARGET_DIR"):
        binary = os.path.join(os.environ["CARGO_TARGET_DIR"], "release", "autotrack")
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    cold, warm, idle = [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as d:
            proc, ms = start_once(binary, d)
            cold.append(ms)
            proc.terminate()
            proc.wait(timeout=15)
            proc, ms = start_once(binary, d)
            warm.append(ms)
            time.sleep(2)
            idle.append(rss_kib(proc.pid) / 1024)
            proc.terminate()
            proc.wait(timeout=15)
    result = {
        "binary": binary,
        "binary_mib": round(os.path.getsize(binary) / 1024 / 1024, 1),
        "runs": runs,
        "cold_start_ms_median": round(statistics.median(cold), 1),
        "cold_start_ms_max": round(max(cold), 1),
        "warm_start_ms_median": round(statistics.median(warm), 1),
        "warm_start_ms_max": round(max(warm), 1),
        "idle_rss_mib_median": round(statistics.median(idle), 1),
        "cpus": os.cpu_count(),
    }
    print(f"{'measure':<28} value")
    for k, v in result.items():
        print(f"{k:<28} {v}")
    os.makedirs("bench/results", exist_ok=True)
    with open("bench/results/startup.json", "w") as f:
        json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
