#!/usr/bin/env python3
"""HTTP load figures with wrk (Debian's `wrk`): the release server pinned to one core, wrk on the other.

For each endpoint: the most requests/s wrk can get (closed loop, 32 connections), then a paced run at half that
rate, with p50/p99 latency of both. Endpoints: GET /api/vehicles/ and GET /api/maintenances/ (authenticated, page
of 20 full rows, an owner with 50 vehicles and 1,000 records), POST /api/maintenances/, POST /api/auth/login (argon2id-bound,
so its figure is the hashing rate of one core). Also idle RSS before and peak RSS after the load.

Usage: bench/load.py [path/to/autotrack] [seconds per run]   (default: target/release/autotrack, 10 s)
Prints a table and writes bench/results/load.json. Needs wrk and taskset (util-linux); bench/run installs wrk.

Pacing: wrk has no fixed-rate mode, so each connection waits (interval - measured latency) between requests
(bench/wrk/paced.lua), the latency being measured by a short run first; the achieved rate is what the table reports. Like any closed-loop tool, wrk does not
correct for coordinated omission: a stall delays the following requests instead of queueing them.
"""
import json
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
PASSWORD = "Bench-Password-1"
CONNECTIONS = 32


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def seed(db_path, email):
    """50 vehicles (so that a page holds 20) and 1,000 maintenances for the bench owner, straight into SQLite (the
    server is not running). Optional fields are filled or left empty the way real fleets are."""
    conn = sqlite3.connect(db_path)
    rng = random.Random(7)
    t = "2026-01-01T00:00:00.000000Z"
    uid = conn.execute("SELECT id FROM users WHERE email = ?", (email,)).fetchone()[0]
    makes = [("Peugeot", "308"), ("Renault", "Clio"), ("Citroën", "C3 Aircross"), ("Volkswagen", "Golf VII"),
             ("Tesla", "Model 3"), ("Dacia", "Sandero Stepway"), ("Toyota", "Yaris Hybrid")]
    conn.executemany(
        "INSERT INTO vehicles (owner_id, make, model, year, license_plate, vin, color, fuel_type, transmission, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ((uid, *makes[i % len(makes)], 2005 + i % 20, f"{chr(65 + i % 26)}B-{i:03d}-CD",
          f"VF1RFB00{i:09d}" if i % 3 else None, rng.choice(["Gris Platine", "Blanc", None, "Bleu Iron"]),
          rng.choice(["diesel", "gasoline", "electric", "hybrid", None]), rng.choice(["manual", "automatic", None]), t, t)
         for i in range(50)),
    )
    vids = [r[0] for r in conn.execute("SELECT id FROM vehicles WHERE owner_id = ?", (uid,))]
    conn.executemany(
        "INSERT INTO maintenances (vehicle_id, owner_id, created_by_id, service_date, service_type, mileage, cost_cents, status, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ((vids[i % len(vids)], uid, uid, f"20{15 + rng.randrange(11)}-{1 + rng.randrange(12):02d}-{1 + rng.randrange(28):02d}T09:00:00.000000Z",
          rng.choice(["Vidange", "Freins", "Pneus", "Révision"]), rng.randrange(200_000), rng.randrange(3_000, 90_000), "COMPLETED", t, t)
         for i in range(1000)),
    )
    # The bench creates thousands of records: lift the monthly record limit of the plan it runs on.
    conn.execute("UPDATE plans SET limit_maintenances_per_month = -1 WHERE code = 'premium'")
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    return vids[0]


def wrk(url, seconds, script, env_extra, connections=CONNECTIONS):
    """One wrk run on core 1; returns the JSON its Lua `done` prints."""
    env = dict(os.environ, **env_extra)
    out = subprocess.run(
        ["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s", script, url],
        env=env, capture_output=True, text=True, check=True,
    ).stdout
    line = next(l for l in out.splitlines() if l.startswith("{"))
    return json.loads(line)


def measure(name, url, seconds, base_env, connections=CONNECTIONS, half=True):
    script = os.path.join(HERE, "wrk", "paced.lua")
    closed = wrk(url, seconds, script, dict(base_env, WRK_DELAY_MS="0"), connections)
    row = {"endpoint": name, "max_rps": closed["rps"], "max_p50_ms": closed["p50_ms"], "max_p99_ms": closed["p99_ms"],
           "errors": closed["errors"]}
    if half:
        target = closed["rps"] / 2
        interval = connections * 1000.0 / target
        # A connection sends every `interval` ms: it waits the interval less the latency, which a short first run
        # with the whole interval as its wait measures.
        probe = wrk(url, 3, script, dict(base_env, WRK_DELAY_MS=f"{interval:.3f}"), connections)
        latency = max(0.0, connections * 1000.0 / probe["rps"] - interval)
        paced = wrk(url, seconds, script, dict(base_env, WRK_DELAY_MS=f"{max(0.0, interval - latency):.3f}"), connections)
        row.update({"half_target_rps": round(target), "half_rps": paced["rps"], "half_p50_ms": paced["p50_ms"],
                    "half_p99_ms": paced["p99_ms"]})
        row["errors"] += paced["errors"]
    return row


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/autotrack"
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    for tool in ("wrk", "taskset"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing (apt-get install wrk util-linux, or run bench/run)")
    email = "load@bench.example"
    with tempfile.TemporaryDirectory() as d:
        port = free_port()
        env = dict(os.environ, AUTOTRACK_DATA_DIR=d, AUTOTRACK_LISTEN=f"127.0.0.1:{port}", AUTOTRACK_OTP_POLICY="off",
                   AUTOTRACK_RATE_LIMITS="off", AUTOTRACK_DEFAULT_PLAN="premium", AUTOTRACK_LOG="warn",
                   AUTOTRACK_OCR="off")
        subprocess.run([binary, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run([binary, "create-user", "--email", email, "--password-stdin"], env=env, input=PASSWORD + "\n",
                       text=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        vehicle = seed(os.path.join(d, "autotrack.db"), email)
        server = subprocess.Popen(["taskset", "-c", "0", binary, "serve"], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(400):
                try:
                    urllib.request.urlopen(base + "/api/health/live", timeout=0.5).read()
                    break
                except OSError:
                    time.sleep(0.05)
            time.sleep(2)
            idle_rss = proc_kib(server.pid, "VmRSS")
            req = urllib.request.Request(base + "/api/auth/login", json.dumps({"email": email, "password": PASSWORD}).encode(),
                                         {"Content-Type": "application/json"})
            token = json.loads(urllib.request.urlopen(req).read())["tokens"]["access"]
            auth = {"WRK_TOKEN": token}
            rows = [
                measure("GET /api/vehicles/", base + "/api/vehicles/", seconds, auth),
                measure("GET /api/maintenances/", base + "/api/maintenances/", seconds, auth),
                measure("POST /api/maintenances/", base + "/api/maintenances/", seconds, dict(auth, WRK_METHOD="POST", WRK_BODY=json.dumps(
                    {"vehicle": vehicle, "service_date": "2026-05-04", "service_type": "Vidange", "cost": "89.90", "mileage": 120000}))),
                measure("POST /api/auth/login", base + "/api/auth/login", seconds, {"WRK_METHOD": "POST", "WRK_BODY": json.dumps(
                    {"email": email, "password": PASSWORD})}, connections=4),
            ]
            loaded_rss = proc_kib(server.pid, "VmHWM")
        finally:
            server.terminate()
            server.wait(timeout=15)
    print(f"{'endpoint':<26} {'max req/s':>10} {'p50':>8} {'p99':>8} | {'half req/s':>10} {'p50':>8} {'p99':>8} {'errors':>6}")
    for r in rows:
        print(f"{r['endpoint']:<26} {r['max_rps']:>10.0f} {r['max_p50_ms']:>6.2f}ms {r['max_p99_ms']:>6.2f}ms | "
              f"{r.get('half_rps', 0):>10.0f} {r.get('half_p50_ms', 0):>6.2f}ms {r.get('half_p99_ms', 0):>6.2f}ms {r['errors']:>6}")
    print("POST /api/billing/webhook/  not measured: the billing module is not built yet")
    print(f"RSS idle {idle_rss / 1024:.1f} MiB, peak after the load {loaded_rss / 1024:.1f} MiB")
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "load.json"), "w") as f:
        json.dump({"cpus": os.cpu_count(), "server_cores": 1, "seconds": seconds, "connections": CONNECTIONS,
                   "results": rows, "idle_rss_kib": idle_rss, "peak_rss_kib": loaded_rss}, f, indent=2)


if __name__ == "__main__":
    main()
