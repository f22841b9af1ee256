#!/usr/bin/env python3
"""List latency against data size: three owners with 1k, 100k and 1M maintenances (10, 1k and 10k vehicles),
served by the release binary on a real SQLite file. Prints p50/p95 per list and writes bench/results/lists.json.

Usage: bench/lists.py [path/to/autotrack] [requests per case]   (default: target/release/autotrack, 50)
Only the Python standard library is used. Generating the 1.1M rows takes about a minute on 2 cores.
"""
import http.client
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

PASSWORD = "Bench-Password-1"
SIZES = [("small", 10, 100), ("medium", 1_000, 100), ("large", 10_000, 100)]  # (name, vehicles, maintenances per vehicle)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(binary, env, *args, stdin=None):
    subprocess.run([binary, *args], env=env, input=stdin, text=True, check=True, stdout=subprocess.DEVNULL)


def seed(db_path):
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    rng = random.Random(42)
    middle = {}  # owner name -> one of the owner's vehicle ids
    types = ["Vidange moteur", "Pneumatiques", "Freins", "Contrôle technique", "Climatisation", "Révision"]
    statuses = ["COMPLETED", "COMPLETED", "COMPLETED", "SCHEDULED", "CANCELLED"]
    t = "2026-01-01T00:00:00.000000Z"
    for name, vehicles, per in SIZES:
        uid = conn.execute("SELECT id FROM users WHERE email = ?", (f"{name}@bench.example",)).fetchone()[0]
        conn.executemany(
            "INSERT INTO vehicles (owner_id, make, model, year, license_plate, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            ((uid, "Renault", f"Clio {i}", 2000 + i % 25, f"AB-{i:03d}-CD", f"2025-{1 + i % 12:02d}-01T00:00:00.{i:06d}Z", t) for i in range(vehicles)),
        )
        ids = [r[0] for r in conn.execute("SELECT id FROM vehicles WHERE owner_id = ?", (uid,))]
        rows = (
            (vid, uid, uid, f"20{10 + rng.randrange(16)}-{1 + rng.randrange(12):02d}-{1 + rng.randrange(28):02d}T09:00:00.000000Z",
             rng.choice(types), rng.randrange(300_000), rng.randrange(5_000, 80_000), rng.choice(statuses), t, t)
            for vid in ids for _ in range(per)
        )
        conn.executemany(
            "INSERT INTO maintenances (vehicle_id, owner_id, created_by_id, service_date, service_type, mileage, cost_cents, status, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.commit()
        middle[name] = ids[len(ids) // 2]
        print(f"seeded {name}: {vehicles} vehicles, {vehicles * per} maintenances", flush=True)
    conn.execute("ANALYZE")
    conn.close()
    return middle


def timed(conn, path, token, n):
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        res = conn.getresponse()
        body = res.read()
        samples.append((time.perf_counter() - t0) * 1000)
        if res.status != 200:
            raise SystemExit(f"{path}: {res.status} {body[:200]!r}")
    samples.sort()
    return round(statistics.median(samples), 2), round(samples[int(len(samples) * 0.95) - 1], 2)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/autotrack"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    with tempfile.TemporaryDirectory() as d:
        port = free_port()
        env = dict(os.environ, AUTOTRACK_DATA_DIR=d, AUTOTRACK_LISTEN=f"127.0.0.1:{port}", AUTOTRACK_OTP_POLICY="off",
                   AUTOTRACK_RATE_LIMITS="off", AUTOTRACK_DEFAULT_PLAN="premium", AUTOTRACK_LOG="warn", AUTOTRACK_DB_SYNCHRONOUS="normal")
        run(binary, env, "migrate")
        for name, _, _ in SIZES:
            run(binary, env, "create-user", "--email", f"{name}@bench.example", "--password-stdin", stdin=PASSWORD + "\n")
        middle = seed(os.path.join(d, "autotrack.db"))
        server = subprocess.Popen([binary, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(300):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.05)
            conn = http.client.HTTPConnection("127.0.0.1", port)
            results = []
            for name, vehicles, per in SIZES:
                conn.request("POST", "/api/auth/login", json.dumps({"email": f"{name}@bench.example", "password": PASSWORD}),
                             {"Content-Type": "application/json"})
                token = json.loads(conn.getresponse().read())["tokens"]["access"]
                for label, path in [("vehicles p1", "/api/vehicles/"), ("maintenances p1", "/api/maintenances/"),
                                    ("maintenances p10 by cost", "/api/maintenances/?ordering=-cost&page=10"),
                                    ("maintenances vehicle filter", f"/api/maintenances/?vehicle={middle[name]}"),
                                    ("maintenances completed p1", "/api/maintenances/?status=COMPLETED"),
                                    ("maintenances stats", "/api/maintenances/stats/")]:
                    p50, p95 = timed(conn, path, token, n if "stats" not in label else max(5, n // 10))
                    results.append({"owner": name, "vehicles": vehicles, "maintenances": vehicles * per, "list": label, "p50_ms": p50, "p95_ms": p95})
                    print(f"{name:<7} {vehicles * per:>8} rows  {label:<28} p50 {p50:>8} ms  p95 {p95:>8} ms", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=15)
    os.makedirs("bench/results", exist_ok=True)
    with open("bench/results/lists.json", "w") as f:
        json.dump({"cpus": os.cpu_count(), "results": results}, f, indent=2)


if __name__ == "__main__":
    main()
