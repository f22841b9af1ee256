#!/usr/bin/env python3
"""Billing figures on the release binary and a real SQLite file (synchronous=full, the default):

1. Webhook acknowledgement latency: 1,000 users, then 3,000 signed deliveries in Stripe's usual order
   (customer.subscription.created, invoice.paid, customer.subscription.updated per user), plus 500 redeliveries
   of events already processed, one client, keep-alive. p50/p95/p99/max per kind.
2. The expiry sweep: 100,000 users, each on a locally managed subscription whose period ended an hour ago, then
   `autotrack run-jobs --job expire_subscriptions` as a process: wall time, subscriptions ended per second, and
   a second run (nothing left: the cost of finding nothing).

Usage: bench/billing.py [path/to/autotrack]   (default: target/release/autotrack)
Only the Python standard library is used; it signs events as Stripe does (HMAC-SHA256 over "t.body").
Writes bench/results/billing.json.
"""
import hashlib
import hmac
import http.client
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

SECRET = "whsec_bench"
USERS = int(os.environ.get("BENCH_BILLING_USERS", 1_000))
SWEEP = int(os.environ.get("BENCH_BILLING_SWEEP", 100_000))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(data_dir, port):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOTRACK_")}
    env.update({
        "AUTOTRACK_DATA_DIR": data_dir, "AUTOTRACK_LISTEN": f"127.0.0.1:{port}", "AUTOTRACK_LOG": "warn",
        "AUTOTRACK_LOG_FORMAT": "json", "AUTOTRACK_OTP_POLICY": "off", "AUTOTRACK_RATE_LIMITS": "off",
        "AUTOTRACK_STRIPE_WEBHOOK_SECRET": SECRET, "AUTOTRACK_STRIPE_SECRET_KEY": "sk_test_bench",
    })
    # The jobs stay off: the sweep is run on purpose, once, below.
    for job in ["DELIVER_MAIL", "ANALYZE_DOCUMENTS", "MAINTENANCE_REMINDERS", "EXPIRE_SUBSCRIPTIONS",
                "RENEWAL_REMINDERS", "CLEANUP_AUTH", "CLEANUP_NOTIFICATIONS", "CLEANUP_FILES", "PRUNE_LOGS",
                "HEALTH_PROBE"]:
        env[f"AUTOTRACK_JOB_{job}"] = ""
    return env


def add_users(db_path, count, with_subscription_ending=None):
    """Users (and their settings), straight into the database; optionally each on a local paid subscription."""
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    t = "2026-01-01T00:00:00.000000Z"
    conn.executemany(
        "INSERT INTO users (email, password_hash, first_name, last_name, email_verified, created_at, updated_at) "
        "VALUES (?, 'x', 'Bench', 'User', 1, ?, ?)",
        ((f"user{i}@bench.example", t, t) for i in range(count)),
    )
    conn.execute(
        "INSERT INTO user_settings (user_id, created_at, updated_at) SELECT id, created_at, created_at FROM users "
        "WHERE id NOT IN (SELECT user_id FROM user_settings)"
    )
    if with_subscription_ending:
        conn.execute(
            "INSERT INTO subscriptions (user_id, plan_code, status, current_period_start, current_period_end, "
            "created_at, updated_at) SELECT id, 'standard', 'active', ?, ?, ?, ? FROM users",
            (t, with_subscription_ending, t, t),
        )
    conn.commit()
    ids = [r[0] for r in conn.execute("SELECT id FROM users ORDER BY id")]
    conn.close()
    return ids


def event(eid, kind, created, obj):
    return {"id": eid, "object": "event", "type": kind, "created": created, "livemode": False,
            "pending_webhooks": 1, "request": {"id": None}, "data": {"object": obj}}


def sub_object(uid, status, start, cancel=False):
    return {"id": f"sub_{uid}", "object": "subscription", "customer": f"cus_{uid}", "status": status,
            "cancel_at_period_end": cancel, "canceled_at": None, "metadata": {"user_id": str(uid)},
            "items": {"data": [{"id": f"si_{uid}", "price": {"id": "price_std"},
                                "current_period_start": start, "current_period_end": start + 30 * 86400}]}}


def percentiles(xs):
    xs = sorted(xs)
    pick = lambda q: xs[min(len(xs) - 1, int(q * len(xs)))]
    return {"n": len(xs), "p50_ms": round(statistics.median(xs), 2), "p95_ms": round(pick(0.95), 2),
            "p99_ms": round(pick(0.99), 2), "max_ms": round(xs[-1], 2)}


def webhook_latency(binary):
    work = tempfile.mkdtemp(prefix="autotrack-bench-billing-")
    port = free_port()
    env = env_for(os.path.join(work, "data"), port)
    subprocess.run([binary, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    db = os.path.join(work, "data", "autotrack.db")
    conn = sqlite3.connect(db)
    conn.execute("UPDATE plans SET stripe_price_id = 'price_std' WHERE code = 'standard'")
    conn.commit()
    conn.close()
    ids = add_users(db, USERS)
    server = subprocess.Popen([binary, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        times = {}
        sent = []

        def deliver(e, label):
            body = json.dumps(e, separators=(",", ":")).encode()
            t = int(time.time())
            sig = hmac.new(SECRET.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
            start = time.perf_counter()
            client.request("POST", "/api/stripe/", body=body,
                           headers={"Content-Type": "application/json", "Stripe-Signature": f"t={t},v1={sig}"})
            r = client.getresponse()
            answer = r.read()
            times.setdefault(label, []).append((time.perf_counter() - start) * 1000)
            if r.status != 200:
                sys.exit(f"{label}: {r.status} {answer[:200]!r}")
            return json.loads(answer)["status"]

        now = int(time.time()) - 3600
        for n, uid in enumerate(ids):
            for step, (kind, obj) in enumerate([
                ("customer.subscription.created", sub_object(uid, "incomplete", now)),
                ("invoice.paid", {"id": f"in_{uid}", "object": "invoice", "customer": f"cus_{uid}",
                                  "subscription": f"sub_{uid}", "amount_paid": 999, "currency": "eur"}),
                ("customer.subscription.updated", sub_object(uid, "active", now, cancel=n % 2 == 0)),
            ]):
                e = event(f"evt_{uid}_{step}", kind, now + step, obj)
                status = deliver(e, kind)
                if status != "success":
                    sys.exit(f"{kind} for user {uid}: {status}")
                sent.append(e)
        for e in sent[: 500]:
            if deliver(e, "redelivery (duplicate)") != "duplicate":
                sys.exit("a redelivery was applied again")
        everything = [x for xs in times.values() for x in xs]
        return {"deliveries": len(everything), **{k: percentiles(v) for k, v in times.items()},
                "all": percentiles(everything)}
    finally:
        server.terminate()
        server.wait()


def sweep(binary):
    work = tempfile.mkdtemp(prefix="autotrack-bench-sweep-")
    env = env_for(os.path.join(work, "data"), free_port())
    subprocess.run([binary, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    db = os.path.join(work, "data", "autotrack.db")
    ended = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime(time.time() - 3600))
    add_users(db, SWEEP, with_subscription_ending=ended)
    runs = []
    for _ in range(2):
        start = time.perf_counter()
        out = subprocess.run([binary, "run-jobs", "--job", "expire_subscriptions"], env=env, check=True,
                             capture_output=True, text=True)
        wall = time.perf_counter() - start
        report = json.loads(out.stdout.strip().splitlines()[-1])
        runs.append({"wall_s": round(wall, 2), "items": report["items"], "job_ms": report["duration_ms"],
                     "per_second": round(report["items"] / wall) if report["items"] else 0})
    conn = sqlite3.connect(db)
    left = conn.execute("SELECT count(*) FROM subscriptions WHERE status = 'active' AND plan_code = 'standard'").fetchone()[0]
    mails = conn.execute("SELECT count(*) FROM mail_outbox WHERE template = 'subscription_expired'").fetchone()[0]
    conn.close()
    if left or mails != SWEEP:
        sys.exit(f"sweep incomplete: {left} still active, {mails} mails queued")
    return {"subscriptions": SWEEP, "first_run": runs[0], "second_run": runs[1], "mails_queued": mails}


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/autotrack"
    results = {"webhook": webhook_latency(binary)}
    w = results["webhook"]
    print(f"webhook acknowledgement, {w['deliveries']} deliveries, 1 client:")
    for label, p in w.items():
        if isinstance(p, dict):
            print(f"  {label:<32} n={p['n']:<5} p50 {p['p50_ms']:>7} ms  p95 {p['p95_ms']:>7} ms  "
                  f"p99 {p['p99_ms']:>7} ms  max {p['max_ms']:>7} ms")
    results["sweep"] = sweep(binary)
    s = results["sweep"]
    print(f"expire_subscriptions over {s['subscriptions']:,} ended subscriptions: {s['first_run']['wall_s']} s "
          f"({s['first_run']['per_second']:,}/s, {s['mails_queued']:,} mails queued); "
          f"second run (nothing due): {s['second_run']['wall_s']} s")
    os.makedirs("bench/results", exist_ok=True)
    with open("bench/results/billing.json", "w") as f:
        json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
