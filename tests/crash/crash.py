#!/usr/bin/env python3
"""Crash safety: the server under write load through the HTTP API, killed with SIGKILL at random moments.

Each cycle starts `autotrack serve` on the same data directory (real SMTP server: aiosmtpd on loopback), runs
writers for a random 0.3-2 s, then kills the server with SIGKILL. Writers create, change and delete maintenance
records, upload documents, register users (each registration queues mail) and deliver signed Stripe webhook events
(each event that activates or ends a subscription queues a notification and a mail). A write counts as acknowledged
when its answer arrived; a write cut by the kill is "in doubt" and may or may not have happened (a writer stops at
its first cut request: the server is gone).

After the last cycle the server is started once more and the script checks:
  - every acknowledged write is there (records with their fields and last acknowledged status; deleted ones are
    gone; documents download with their bytes; registered users exist, and a sample of them logs in);
  - PRAGMA integrity_check is ok and PRAGMA foreign_key_check finds nothing; the per-owner record counters agree
    with the records;
  - every Stripe event is stored once and processed: after a last redelivery of the events whose answer a kill
    cut (as Stripe retries), none is left `received` or `failed`; each processed `invoice.paid` is one
    `payment_succeeded` history row (applied once, however often delivered); each subscription shows the state
    of the newest event applied to it;
  - every outbox mail is delivered: each row reaches `sent` and its Message-ID is in the mailbox; a Message-ID
    arrives twice only for a row that a kill left `sending` (sent, but not yet marked) - counted and reported;
  - no answer was a 5xx.

Usage: tests/crash/crash.py --binary target/debug/autotrack [--cycles 100] [--python PY] [--seed N]
Needs aiosmtpd in the Python given by --python (scripts/test.sh installs it). Exit status 0 when every check holds.
"""
import argparse
import email
import glob
import hashlib
import hmac
import http.client
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

PASSWORD = "Crash-Test-Pass-1"
WEBHOOK_SECRET = "whsec_crash_test"
# A 1x1 PNG: uploads are checked by content, so it must be a real image.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201e2216bc60000000049454e44ae426082"
)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"process exited at start with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    raise SystemExit(f"nothing listens on {port}")


class Api:
    """One keep-alive connection; `call` returns (status, json) or None when the connection was cut."""

    def __init__(self, port, token=None):
        self.port, self.token, self.conn = port, token, None

    def call(self, method, path, body=None, raw=None, content_type="application/json"):
        headers = {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body), "application/json"
        elif raw is not None:
            data, headers["Content-Type"] = raw, content_type
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.conn.request(method, path, data, headers)
            res = self.conn.getresponse()
            payload = res.read()
        except (OSError, http.client.HTTPException):
            self.conn = None
            return None
        try:
            parsed = json.loads(payload) if payload and res.getheader("Content-Type", "").find("json") >= 0 else payload
        except ValueError:
            parsed = payload
        return res.status, parsed


class Ledger:
    """What the clients were told. Each record maps to the set of states it may be in (None = deleted)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.records = {}     # id -> (owner email, fields dict, set of acceptable statuses or None)
        self.documents = {}   # id -> (owner email, bytes, set of {True (present), False (deleted)})
        self.users = set()    # acknowledged registrations
        self.doubt_users = set()
        self.events = {}      # Stripe event id -> (body bytes, acknowledged: bool)
        self.event_seq = {}   # payer user id -> next event number
        self.server_errors = []
        self.acks = 0
        self.doubts = 0

    def error(self, what, status, body):
        if status >= 500:
            with self.lock:
                self.server_errors.append(f"{what}: {status} {str(body)[:200]}")


def record_writer(port, owner, token, vehicle, ledger, stop, rng):
    api = Api(port, token)
    mine = []
    while not stop.is_set():
        roll = rng.random()
        if roll < 0.6 or not mine:
            fields = {"vehicle": vehicle, "service_date": f"20{rng.randrange(10, 27)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
                      "service_type": rng.choice(["Vidange", "Freins", "Pneus", "Révision"]),
                      "mileage": rng.randrange(300_000), "cost": f"{rng.randrange(10_000)}.{rng.randrange(100):02d}",
                      "status": rng.choice(["SCHEDULED", "COMPLETED"])}
            r = api.call("POST", "/api/maintenances/", fields)
            if r is None:
                ledger.doubts += 1  # created or not: unknown id, nothing to check
                return
            ledger.error("create", *r)
            if r[0] == 201:
                with ledger.lock:
                    ledger.records[r[1]["id"]] = (owner, fields, {fields["status"]})
                    ledger.acks += 1
                mine.append(r[1]["id"])
        elif roll < 0.85:
            rid = rng.choice(mine)
            status = rng.choice(["SCHEDULED", "IN_PROGRESS", "COMPLETED", "CANCELLED"])
            with ledger.lock:
                o, f, before = ledger.records[rid]
                ledger.records[rid] = (o, f, before | {status})  # in doubt until answered
            r = api.call("PATCH", f"/api/maintenances/{rid}/", {"status": status})
            if r is None:
                ledger.doubts += 1
                return
            ledger.error("update", *r)
            if r[0] == 200:
                with ledger.lock:
                    ledger.records[rid] = (o, f, {status})
                    ledger.acks += 1
        else:
            rid = mine.pop(rng.randrange(len(mine)))
            with ledger.lock:
                o, f, before = ledger.records[rid]
                ledger.records[rid] = (o, f, before | {None})
            r = api.call("DELETE", f"/api/maintenances/{rid}/")
            if r is None:
                ledger.doubts += 1
                return
            ledger.error("delete", *r)
            if r[0] == 204:
                with ledger.lock:
                    ledger.records[rid] = (o, f, {None})
                    ledger.acks += 1


def document_writer(port, owner, token, ledger, stop, rng):
    api = Api(port, token)
    while not stop.is_set():
        # Same image, different trailing bytes after IEND: every upload is its own file.
        blob = PNG + os.urandom(16)
        boundary = f"crash{rng.randrange(1 << 30)}"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nscan\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"document_type\"\r\n\r\nother\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.png\"\r\n"
                f"Content-Type: image/png\r\n\r\n").encode() + blob + f"\r\n--{boundary}--\r\n".encode()
        r = api.call("POST", "/api/documents/", raw=body, content_type=f"multipart/form-data; boundary={boundary}")
        if r is None:
            ledger.doubts += 1
            return
        ledger.error("upload", *r)
        if r[0] == 201:
            with ledger.lock:
                ledger.documents[r[1]["id"]] = (owner, blob)
                ledger.acks += 1
        time.sleep(0.05)


def deliver(api, body):
    """One signed delivery, as Stripe sends it; the answer's status member, or None when the kill cut it."""
    t = int(time.time())
    sig = hmac.new(WEBHOOK_SECRET.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    api.token = None
    try:
        if api.conn is None:
            api.conn = http.client.HTTPConnection("127.0.0.1", api.port, timeout=30)
        api.conn.request("POST", "/api/stripe/", body, {"Content-Type": "application/json",
                                                         "Stripe-Signature": f"t={t},v1={sig}"})
        res = api.conn.getresponse()
        payload = res.read()
    except (OSError, http.client.HTTPException):
        api.conn = None
        return None
    try:
        return res.status, json.loads(payload)
    except ValueError:
        return res.status, payload


def webhook_writer(port, payers, ledger, stop, rng):
    """Stripe's side: per payer, a subscription's events with rising times (created, paid, updated with the
    cancellation flag toggled, a failed payment now and then), and redeliveries of earlier events."""
    api = Api(port)
    base = 1_800_000_000
    while not stop.is_set():
        with ledger.lock:
            earlier = list(ledger.events)
        if earlier and rng.random() < 0.2:
            eid = rng.choice(earlier)
            body = ledger.events[eid][0]
        else:
            uid = rng.choice(payers)
            with ledger.lock:
                k = ledger.event_seq.get(uid, 0)
                ledger.event_seq[uid] = k + 1
            kind = ["customer.subscription.created", "invoice.paid", "customer.subscription.updated",
                    "invoice.payment_failed", "invoice.paid"][min(k, 1) if k < 2 else 2 + (k % 3)]
            sub = {"id": f"sub_crash_{uid}", "object": "subscription", "customer": f"cus_crash_{uid}",
                   "status": "active", "cancel_at_period_end": k % 2 == 1, "metadata": {"user_id": str(uid)},
                   "items": {"data": [{"id": f"si_{uid}", "price": {"id": "price_crash"},
                                       "current_period_start": base, "current_period_end": base + 30 * 86400}]}}
            invoice = {"id": f"in_crash_{uid}_{k}", "object": "invoice", "customer": f"cus_crash_{uid}",
                       "subscription": f"sub_crash_{uid}", "amount_paid": 999, "amount_due": 999, "currency": "eur",
                       "attempt_count": 1}
            obj = sub if kind.startswith("customer.") else invoice
            eid = f"evt_crash_{uid}_{k}"
            body = json.dumps({"id": eid, "object": "event", "type": kind, "created": base + k, "livemode": False,
                               "data": {"object": obj}}).encode()
            with ledger.lock:
                ledger.events[eid] = (body, False)
        r = deliver(api, body)
        if r is None:
            ledger.doubts += 1
            return
        ledger.error(f"webhook {eid}", *r)
        if r[0] == 200:
            with ledger.lock:
                ledger.events[eid] = (body, True)
                ledger.acks += 1


def registrar(port, cycle, ledger, stop, rng):
    api = Api(port)
    n = 0
    while not stop.is_set():
        n += 1
        addr = f"c{cycle}-{n}-{rng.randrange(1 << 20)}@crash.example"
        with ledger.lock:
            ledger.doubt_users.add(addr)
        r = api.call("POST", "/api/users/register", {"email": addr, "password": PASSWORD, "password_confirm": PASSWORD,
                                                      "first_name": "Crash", "last_name": "Test"})
        if r is None:
            ledger.doubts += 1
            return
        ledger.error("register", *r)
        if r[0] == 201:
            with ledger.lock:
                ledger.users.add(addr)
                ledger.doubt_users.discard(addr)
                ledger.acks += 1


def login(port, addr):
    r = Api(port).call("POST", "/api/auth/login", {"email": addr, "password": PASSWORD})
    if r is None or r[0] != 200:
        raise SystemExit(f"login of {addr} failed: {r}")
    return r[1]["tokens"]["access"]


def sending_ids(db):
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return {row[0] for row in conn.execute("SELECT id FROM mail_outbox WHERE status = 'sending'")}
    finally:
        conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/debug/autotrack")
    ap.add_argument("--cycles", type=int, default=100)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    print(f"crash test: {args.cycles} cycles, seed {args.seed}", flush=True)

    work = tempfile.mkdtemp(prefix="autotrack-crash-")
    data, maildir = os.path.join(work, "data"), os.path.join(work, "maildir")
    smtp_port, port = free_port(), free_port()
    smtp = subprocess.Popen([args.python, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{smtp_port}", "-c",
                             "aiosmtpd.handlers.Mailbox", maildir], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = dict(os.environ, AUTOTRACK_DATA_DIR=data, AUTOTRACK_LISTEN=f"127.0.0.1:{port}", AUTOTRACK_OTP_POLICY="off",
               AUTOTRACK_RATE_LIMITS="off", AUTOTRACK_DEFAULT_PLAN="premium", AUTOTRACK_LOG="warn", AUTOTRACK_OCR="off",
               AUTOTRACK_SMTP_HOST="127.0.0.1", AUTOTRACK_SMTP_PORT=str(smtp_port), AUTOTRACK_SMTP_SECURITY="none",
               AUTOTRACK_STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET)
    db = os.path.join(data, "autotrack.db")
    log = open(os.path.join(work, "server.log"), "ab")
    ledger = Ledger()
    in_doubt_mail = set()
    server = None
    try:
        wait_port(smtp_port, smtp)

        def start():
            p = subprocess.Popen([args.binary, "serve"], env=env, stdout=log, stderr=log)
            wait_port(port, p)
            return p

        # Owners of the records and documents, made before the first kill.
        server = start()
        owners = []
        for i in range(3):
            addr = f"owner{i}@crash.example"
            r = Api(port).call("POST", "/api/users/register", {"email": addr, "password": PASSWORD, "password_confirm": PASSWORD,
                                                                "first_name": "Owner", "last_name": str(i)})
            assert r and r[0] == 201, r
            ledger.users.add(addr)
            token = login(port, addr)
            r = Api(port, token).call("POST", "/api/vehicles/", {"make": "Renault", "model": "Clio", "year": 2019,
                                                                  "license_plate": f"AB-{i:03d}-CD"})
            assert r and r[0] == 201, r
            owners.append((addr, r[1]["id"]))
        # Payers: users whose Stripe subscription the webhook writer changes.
        payers = []
        for i in range(3):
            addr = f"payer{i}@crash.example"
            r = Api(port).call("POST", "/api/users/register", {"email": addr, "password": PASSWORD, "password_confirm": PASSWORD,
                                                                "first_name": "Payer", "last_name": str(i)})
            assert r and r[0] == 201, r
            ledger.users.add(addr)
            payers.append(r[1]["user"]["id"])
        # The owners' plan must not stop the writers (premium allows 200 records a month).
        server.kill()
        server.wait()
        conn = sqlite3.connect(db)
        conn.execute("UPDATE plans SET limit_maintenances_per_month = -1, limit_documents = -1 WHERE code = 'premium'")
        conn.execute("UPDATE plans SET stripe_price_id = 'price_crash' WHERE code = 'standard'")
        conn.commit()
        conn.close()

        started = time.time()
        for cycle in range(args.cycles):
            server = start()
            stop = threading.Event()
            threads = []
            for addr, vehicle in owners:
                token = login(port, addr)
                threads.append(threading.Thread(target=record_writer, args=(port, addr, token, vehicle, ledger, stop, random.Random(rng.random()))))
            threads.append(threading.Thread(target=document_writer, args=(port, owners[0][0], login(port, owners[0][0]), ledger, stop, random.Random(rng.random()))))
            threads.append(threading.Thread(target=registrar, args=(port, cycle, ledger, stop, random.Random(rng.random()))))
            threads.append(threading.Thread(target=webhook_writer, args=(port, payers, ledger, stop, random.Random(rng.random()))))
            for t in threads:
                t.start()
            time.sleep(rng.uniform(0.3, 2.0))
            server.send_signal(signal.SIGKILL)
            server.wait()
            stop.set()
            for t in threads:
                t.join()
            # Rows the kill left `sending` may have reached the SMTP server already: a second copy is allowed.
            in_doubt_mail |= sending_ids(db)
            if (cycle + 1) % 10 == 0 or cycle + 1 == args.cycles:
                print(f"  cycle {cycle + 1}/{args.cycles}: {ledger.acks} acknowledged writes, {ledger.doubts} in doubt, "
                      f"{time.time() - started:.0f} s", flush=True)

        # Final start: Stripe redelivers what was never acknowledged; everything must be there, the outbox drains.
        server = start()
        api = Api(port)
        for eid, (body, acked) in sorted(ledger.events.items()):
            if not acked:
                r = deliver(api, body)
                if r is None or r[0] != 200:
                    ledger.server_errors.append(f"redelivery of {eid}: {r}")
        failures = check(port, db, maildir, ledger, in_doubt_mail)
    finally:
        if server and server.poll() is None:
            server.terminate()
            server.wait(timeout=20)
        smtp.terminate()
        smtp.wait()
    if failures:
        print(f"FAILED ({len(failures)}); server log: {os.path.join(work, 'server.log')}")
        for f in failures[:40]:
            print("  -", f)
        sys.exit(1)
    print("crash test passed")


def check(port, db, maildir, ledger, in_doubt_mail):
    failures = list(ledger.server_errors)
    # Acknowledged records, by owner.
    tokens = {}
    for rid, (owner, fields, states) in sorted(ledger.records.items()):
        token = tokens.get(owner) or tokens.setdefault(owner, login(port, owner))
        r = Api(port, token).call("GET", f"/api/maintenances/{rid}/")
        if r is None:
            failures.append(f"record {rid}: no answer")
        elif r[0] == 404:
            if None not in states:
                failures.append(f"record {rid}: acknowledged, now missing")
        elif r[0] == 200:
            got = r[1]
            if got["status"] not in states:
                failures.append(f"record {rid}: status {got['status']}, expected one of {states}")
            if (got["service_type"], got["mileage"], got["cost"], got["vehicle"]) != (
                    fields["service_type"], fields["mileage"], f"{float(fields['cost']):.2f}", fields["vehicle"]):
                failures.append(f"record {rid}: fields changed: {got}")
        else:
            failures.append(f"record {rid}: {r[0]}")
    for did, (owner, blob) in sorted(ledger.documents.items()):
        token = tokens.get(owner) or tokens.setdefault(owner, login(port, owner))
        r = Api(port, token).call("GET", f"/api/documents/{did}/download/")
        if r is None or r[0] != 200 or r[1] != blob:
            failures.append(f"document {did}: acknowledged upload not downloadable intact ({r and r[0]})")
    # Every acknowledged registration is a user; a sample logs in (a login costs an argon2 hash).
    for addr in random.Random(1).sample(sorted(ledger.users), min(20, len(ledger.users))):
        r = Api(port).call("POST", "/api/auth/login", {"email": addr, "password": PASSWORD})
        if r is None or r[0] != 200:
            failures.append(f"user {addr}: acknowledged registration cannot log in ({r and r[0]})")

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    integrity = conn.execute("PRAGMA integrity_check").fetchall()
    if integrity != [("ok",)]:
        failures.append(f"integrity_check: {integrity[:5]}")
    fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    if fk:
        failures.append(f"foreign_key_check: {fk[:5]}")
    drift = conn.execute(
        "SELECT a.owner_id, a.status, a.n, coalesce(c.n, 0) FROM "
        "(SELECT owner_id, status, count(*) AS n FROM maintenances GROUP BY owner_id, status) a "
        "LEFT JOIN maintenance_counts c ON c.owner_id = a.owner_id AND c.status = a.status WHERE a.n != coalesce(c.n, 0)").fetchall()
    if drift:
        failures.append(f"record counters differ from the records: {drift[:5]}")
    missing_users = [u for u in ledger.users if not conn.execute("SELECT 1 FROM users WHERE email = ?", (u,)).fetchone()]
    if missing_users:
        failures.append(f"acknowledged registrations missing: {missing_users[:5]}")
    missing_rows = [u for u in ledger.users
                    if not conn.execute("SELECT 1 FROM mail_outbox WHERE to_email = ? AND template = 'welcome'", (u,)).fetchone()]
    if missing_rows:
        failures.append(f"acknowledged registrations without their welcome mail queued: {missing_rows[:5]}")
    failures += check_events(conn, ledger)
    conn.close()

    # The outbox drains: a killed run holds the deliver_mail lease for up to 30 s.
    deadline = time.time() + 300
    while True:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
        left = conn.execute("SELECT count(*) FROM mail_outbox WHERE status IN ('pending', 'sending')").fetchone()[0]
        rows = conn.execute("SELECT id, status, created_at FROM mail_outbox").fetchall()
        conn.close()
        if left == 0 or time.time() > deadline:
            break
        time.sleep(1)
    not_sent = [r for r in rows if r[1] != "sent"]
    if not_sent:
        failures.append(f"{len(not_sent)} outbox rows not sent: {not_sent[:5]}")
    delivered = {}
    for path in glob.glob(os.path.join(maildir, "new", "*")) + glob.glob(os.path.join(maildir, "cur", "*")):
        with open(path, "rb") as f:
            mid = email.message_from_binary_file(f).get("Message-ID", "").strip("<> \n")
        delivered[mid] = delivered.get(mid, 0) + 1
    twice = 0
    for rid, _, created in rows:
        stamp = "".join(ch for ch in created if ch.isdigit())
        key = f"autotrack.outbox.{rid}.{stamp}@"
        n = sum(count for mid, count in delivered.items() if mid.startswith(key))
        if n == 0:
            failures.append(f"outbox row {rid}: never delivered")
        elif n > 1:
            twice += 1
            if rid not in in_doubt_mail:
                failures.append(f"outbox row {rid}: delivered {n} times without a kill in its sending window")
    print(f"  checked {len(ledger.records)} records, {len(ledger.documents)} documents, {len(ledger.users)} users, "
          f"{len(rows)} outbox mails ({twice} delivered twice after a kill in their sending window, "
          f"{len(in_doubt_mail)} rows were in that window at a kill)", flush=True)
    return failures


def check_events(conn, ledger):
    """Each event stored once and processed; each processed invoice.paid applied once; each subscription in the
    state of the newest event applied to it."""
    failures = []
    rows = {r[0]: r[1:] for r in conn.execute("SELECT stripe_event_id, status, error_message FROM stripe_events")}
    for eid in ledger.events:
        if eid not in rows:
            failures.append(f"Stripe event {eid}: delivered and acknowledged, not stored")
        elif rows[eid][0] not in ("processed", "ignored"):
            failures.append(f"Stripe event {eid}: left {rows[eid][0]} ({rows[eid][1]})")
    for sid, sub_id, flag, created in conn.execute(
            "SELECT stripe_subscription_id, id, cancel_at_period_end, stripe_event_created FROM subscriptions "
            "WHERE stripe_subscription_id IS NOT NULL"):
        paid = conn.execute(
            "SELECT count(*) FROM stripe_events WHERE event_type = 'invoice.paid' AND status = 'processed' "
            "AND json_extract(payload, '$.data.object.subscription') = ?", (sid,)).fetchone()[0]
        rows_paid = conn.execute("SELECT count(*) FROM subscription_history WHERE subscription_id = ? "
                                 "AND event_type = 'payment_succeeded'", (sub_id,)).fetchone()[0]
        if paid != rows_paid:
            failures.append(f"{sid}: {paid} invoice.paid events processed, {rows_paid} payment_succeeded rows")
        newest = conn.execute(
            "SELECT max(stripe_created) FROM stripe_events WHERE status = 'processed' "
            "AND (json_extract(payload, '$.data.object.id') = ? OR json_extract(payload, '$.data.object.subscription') = ?)",
            (sid, sid)).fetchone()[0]
        if newest is not None and created != newest:
            failures.append(f"{sid}: last applied event time {created}, newest processed event {newest}")
        last_sub_event = conn.execute(
            "SELECT payload FROM stripe_events WHERE status = 'processed' AND json_extract(payload, '$.data.object.id') = ? "
            "AND event_type LIKE 'customer.subscription.%' ORDER BY stripe_created DESC LIMIT 1", (sid,)).fetchone()
        if last_sub_event:
            want = json.loads(last_sub_event[0])["data"]["object"]["cancel_at_period_end"]
            if bool(flag) != want:
                failures.append(f"{sid}: cancel_at_period_end {bool(flag)}, the newest subscription event says {want}")
    print(f"  checked {len(ledger.events)} Stripe events ({sum(1 for _, a in ledger.events.values() if a)} acknowledged "
          f"before a kill or the end)", flush=True)
    return failures


if __name__ == "__main__":
    main()
