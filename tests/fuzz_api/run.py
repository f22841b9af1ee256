#!/usr/bin/env python3
"""API fuzzing with schemathesis against the running server's own /api/openapi.json.

Starts `autotrack serve` on a new data directory, registers three users and gives each a vehicle, a maintenance
record and a document. carol is seeded first (her objects get the smallest ids) and never fuzzes; schemathesis runs
as alice and bob (WFC auth file, the two users as peers) with these checks:
  not_a_server_error            no 5xx, whatever the input;
  response_schema_conformance   every documented answer matches its schema;
  content_type_conformance      answers carry the documented content type;
  object_level_authorization    an object one user reads, the other cannot.
Afterwards carol's objects are read back: whatever ids alice and bob tried, they must be there and unchanged; and
alice and bob ask for each of them by id (GET, PATCH, DELETE) and in their lists: 404 and absent. (A server with a
planted read leak on vehicles passed schemathesis's own object_level_authorization check here; these two did not.)

Usage: tests/fuzz_api/run.py --binary target/debug/autotrack [--max-examples N] [--seed N]
Needs schemathesis in the running Python (scripts/test.sh installs it). Exit status 0 when every check holds.
"""
import argparse
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

PASSWORD = "Fuzz-Test-Pass-1"
FUZZERS = ["alice", "bob"]
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201e2216bc60000000049454e44ae426082"
)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, method, path, body=None, token=None, raw=None, content_type="application/json"):
    headers = {"Content-Type": content_type}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else raw
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            payload = res.read()
            return res.status, json.loads(payload) if payload else None
    except urllib.error.HTTPError as e:
        return e.code, e.read()[:300]


def seed_user(base, name):
    """A user with one object of each owned kind; returns what the user owns, to read back later."""
    email = f"{name}@fuzz.example"
    status, _ = call(base, "POST", "/api/users/register", {"email": email, "password": PASSWORD, "password_confirm": PASSWORD,
                                                          "first_name": name.title(), "last_name": "Fuzz"})
    assert status == 201, status
    status, body = call(base, "POST", "/api/auth/login", {"email": email, "password": PASSWORD})
    assert status == 200, (status, body)
    token = body["tokens"]["access"]
    status, vehicle = call(base, "POST", "/api/vehicles/", {"make": "Renault", "model": "Clio", "year": 2019,
                                                           "license_plate": "AB-123-CD"}, token)
    assert status == 201, (status, vehicle)
    status, record = call(base, "POST", "/api/maintenances/", {"vehicle": vehicle["id"], "service_date": "2026-03-01",
                                                              "service_type": "Vidange", "cost": "80.00"}, token)
    assert status == 201, (status, record)
    boundary = "fuzzseed"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nscan\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.png\"\r\n"
            f"Content-Type: image/png\r\n\r\n").encode() + PNG + f"\r\n--{boundary}--\r\n".encode()
    status, document = call(base, "POST", "/api/documents/", raw=body, token=token,
                            content_type=f"multipart/form-data; boundary={boundary}")
    assert status == 201, (status, document)
    return email, {"vehicles": vehicle, "maintenances": record, "documents": document}


def seed_garages(binary, env, base):
    """Two garages (created by an admin through the API) for the review operations to name."""
    admin = "admin@fuzz.example"
    subprocess.run([binary, "create-user", "--email", admin, "--admin", "--password-stdin"], env=env, input=PASSWORD + "\n",
                   text=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    status, body = call(base, "POST", "/api/auth/login", {"email": admin, "password": PASSWORD})
    assert status == 200, (status, body)
    token = body["tokens"]["access"]
    for name, city in (("Garage du Centre", "Lyon"), ("Auto Service Martin", "Villeurbanne")):
        status, garage = call(base, "POST", "/api/garages/", {"name": name, "email": "contact@garage.example",
                                                              "address": "12 rue de la République", "city": city,
                                                              "latitude": 45.76, "longitude": 4.83}, token)
        assert status == 201, (status, garage)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/debug/autotrack")
    ap.add_argument("--max-examples", type=int, default=15)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--workers", default="2")
    args = ap.parse_args()
    st = os.path.join(os.path.dirname(sys.executable), "st")

    work = tempfile.mkdtemp(prefix="autotrack-fuzz-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, AUTOTRACK_DATA_DIR=os.path.join(work, "data"), AUTOTRACK_LISTEN=f"127.0.0.1:{port}",
               AUTOTRACK_OTP_POLICY="off", AUTOTRACK_RATE_LIMITS="off", AUTOTRACK_LOG="warn", AUTOTRACK_OCR="off",
               AUTOTRACK_PUBLIC_URL=base,
               # The premium plan's limits (unlimited vehicles, maintenances…) leave creations to the schema's
               # rules; the limits have their own black-box tests.
               AUTOTRACK_DEFAULT_PLAN="premium",
               # A webhook secret, as a billing installation has: unsigned deliveries then answer 400, not 503.
               AUTOTRACK_STRIPE_WEBHOOK_SECRET="whsec_fuzz_unknown_to_the_fuzzer")
    # Stripe as a paying installation has it: localstripe behind the test double (tests/stripe/), the paid plans
    # priced there, so that checkout, the portal and the Stripe health check answer as they would in production.
    stripe_port, stripe_inner = free_port(), free_port()
    bindir = os.path.dirname(sys.executable)
    stripe_procs = [
        subprocess.Popen([os.path.join(bindir, "localstripe"), "--port", str(stripe_inner), "--from-scratch"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        subprocess.Popen([sys.executable, os.path.join(os.path.dirname(__file__), "..", "stripe", "fake_stripe.py"),
                          "--port", str(stripe_port), "--localstripe", f"http://127.0.0.1:{stripe_inner}",
                          "--compat-subscriptions"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
    ]
    stripe_base = f"http://127.0.0.1:{stripe_port}"
    env.update(AUTOTRACK_STRIPE_SECRET_KEY="sk_test_fuzz", AUTOTRACK_STRIPE_API_BASE=stripe_base)
    for _ in range(300):
        try:
            urllib.request.urlopen(urllib.request.Request(stripe_base + "/v1/balance",
                                   headers={"Authorization": "Bearer sk_test_fuzz"}), timeout=1).read()
            break
        except OSError:
            time.sleep(0.05)
    subprocess.run([args.binary, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    for code, cents in [("standard", 999), ("premium", 1999)]:
        data = urllib.parse.urlencode({"currency": "eur", "unit_amount": cents, "recurring[interval]": "month",
                                       "product_data[name]": code}).encode()
        req = urllib.request.Request(stripe_base + "/v1/prices", data=data,
                                     headers={"Authorization": "Bearer sk_test_fuzz"})
        price = json.loads(urllib.request.urlopen(req, timeout=10).read())["id"]
        subprocess.run([args.binary, "plans", "set-price", code, price], env=env, check=True, stdout=subprocess.DEVNULL)
    log = open(os.path.join(work, "server.log"), "wb")
    server = subprocess.Popen([args.binary, "serve"], env=env, stdout=log, stderr=log)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/api/health/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.05)
        seed_garages(args.binary, env, base)
        bystander = seed_user(base, "carol")
        owned = {name: seed_user(base, name) for name in FUZZERS}
        bystander = (bystander[0], snapshot(base, *bystander))
        auth = {"auth": [
            {"name": name, "loginEndpointAuth": {
                "verb": "POST", "endpoint": "/api/auth/login", "contentType": "application/json",
                "payloadRaw": json.dumps({"email": email, "password": PASSWORD}),
                "token": {"extractFrom": "body", "extractSelector": "/tokens/access", "sendIn": "header",
                          "sendName": "Authorization", "sendTemplate": "Bearer {token}"}}}
            for name, (email, _) in owned.items()]}
        with open(os.path.join(work, "users.json"), "w") as f:
            json.dump(auth, f)
        with open(os.path.join(work, "schemathesis.toml"), "w") as f:
            f.write(CONFIG.format(users=os.path.join(work, "users.json")))
        cmd = [st, "--config-file", os.path.join(work, "schemathesis.toml"), "run", base + "/api/openapi.json",
               "--checks", "not_a_server_error,response_schema_conformance,content_type_conformance,object_level_authorization",
               "--max-examples", str(args.max_examples), "--workers", args.workers, "--request-timeout", "30",
               "--report", "junit", "--report-dir", os.path.join(work, "report"), "--no-color",
               "--suppress-health-check", "all", "--generation-database", "none"]
        if args.seed is not None:
            cmd += ["--seed", str(args.seed)]
        print("$", " ".join(cmd), flush=True)
        result = subprocess.run(cmd, cwd=work)
        if result.returncode != 0 and only_interpreter_bug(os.path.join(work, "report")):
            # CPython 3.11's spurious "AST constructor recursion depth mismatch" (python/cpython#106905) can hit
            # hypothesis while it generates a case: no request was judged, so the run is made again, once.
            print("schemathesis stopped on the interpreter's AST bug alone; running it again", flush=True)
            shutil.rmtree(os.path.join(work, "report"), ignore_errors=True)
            result = subprocess.run(cmd, cwd=work)
        failures = readback(base, *bystander) + probe(base, owned, bystander[1])
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        for p in stripe_procs:
            p.kill()
            p.wait()
    with open(os.path.join(work, "server.log"), "rb") as f:
        panics = [l for l in f.read().decode(errors="replace").splitlines() if "panicked" in l]
    failures += [f"server panic: {p[:300]}" for p in panics]
    if result.returncode != 0:
        failures.append(f"schemathesis exited with {result.returncode} (see its report above)")
    if failures:
        print(f"API fuzzing FAILED; work dir {work}")
        for f in failures:
            print("  -", f)
        sys.exit(1)
    print("API fuzzing passed")


def only_interpreter_bug(report_dir):
    """Whether the run's report holds errors and no failed check, every error being CPython's AST depth bug."""
    errors = []
    for path in glob.glob(os.path.join(report_dir, "junit-*.xml")):
        for case in ET.parse(path).getroot().iter("testcase"):
            for outcome in case:
                if outcome.tag == "failure":
                    return False
                if outcome.tag == "error":
                    errors.append((outcome.get("message") or "") + (outcome.text or ""))
    return bool(errors) and all("AST constructor recursion depth mismatch" in e for e in errors)


def snapshot(base, email, objects):
    """carol's objects as she reads them once seeding has settled (the upload's analysis has run)."""
    status, body = call(base, "POST", "/api/auth/login", {"email": email, "password": PASSWORD})
    assert status == 200, status
    token = body["tokens"]["access"]
    deadline = time.time() + 30
    while True:
        current = {kind: call(base, "GET", f"/api/{kind}/{obj['id']}/", token=token)[1] for kind, obj in objects.items()}
        if current["documents"].get("analysis_status") not in ("pending", "processing") or time.time() > deadline:
            return current
        time.sleep(0.2)


def readback(base, email, objects):
    """carol's objects are exactly as seeded: no request of alice or bob reached them."""
    failures = []
    status, body = call(base, "POST", "/api/auth/login", {"email": email, "password": PASSWORD})
    if status != 200:
        return [f"carol cannot log in after fuzzing: {status}"]
    token = body["tokens"]["access"]
    for kind, seeded in objects.items():
        status, now = call(base, "GET", f"/api/{kind}/{seeded['id']}/", token=token)
        if status != 200:
            failures.append(f"carol's {kind} {seeded['id']}: {status} after fuzzing")
            continue
        changed = sorted(k for k in seeded if now.get(k) != seeded[k] and k not in VOLATILE)
        if changed:
            failures.append(f"carol's {kind} {seeded['id']} changed: {changed}")
    print(f"  carol's {len(objects)} objects checked after fuzzing", flush=True)
    return failures


def probe(base, fuzzers, objects):
    """alice and bob ask for carol's objects by id, and look for them in their own lists: never there."""
    failures = []
    for name, (email, _) in fuzzers.items():
        status, body = call(base, "POST", "/api/auth/login", {"email": email, "password": PASSWORD})
        if status != 200:
            print(f"  {name}: cannot log in any more ({status}); probe skipped")
            continue
        token = body["tokens"]["access"]
        for kind, obj in objects.items():
            for method in ("GET", "PATCH", "DELETE"):
                status, _ = call(base, method, f"/api/{kind}/{obj['id']}/", {} if method == "PATCH" else None, token)
                if status != 404:
                    failures.append(f"{name} {method} carol's {kind} {obj['id']}: {status}, expected 404")
            status, listing = call(base, "GET", f"/api/{kind}/?page_size=100", token=token)
            if status == 200 and any(item.get("id") == obj["id"] for item in listing["results"]):
                failures.append(f"{name} lists carol's {kind} {obj['id']}")
    return failures


# Fields computed at read time rather than stored.
VOLATILE = {"days_until", "is_overdue", "age"}


CONFIG = """
[auth.wfc]
path = "{users}"
peers = ["alice", "bob"]
refresh_interval = 30
"""

if __name__ == "__main__":
    main()
