#!/usr/bin/env python3
"""The offline assistant's question set: answers checked against a seeded account, and reply latency.

Two accounts with the same records (one set to English, one to French; the user's setting picks the answer's
language), three vehicles (diesel Clio with a plate, petrol 208 with a plate, an electric Tesla), 18 maintenance
records over two years in every status, some without a cost, insurance certificates uploaded as text PDFs and
read by the document analysis (one ending in 45 days, one in 200), and five garages in three cities.

Questions live in bench/assistant/: tune.json (looked at while improving the assistant) and heldout.json (written
before the first run and never tuned on). Each has the expected intent and a check whose figures this script
computes from the seed, independently of the server:
  costs      total, count and the exact set of records over the period, for the vehicles named
  history    the vehicle's last 10 records (ids) and the newest one's date and cost in the text
  due        the scheduled records overdue or within 60 days (ids) and their service types in the text
  expiry     the certificate ending within 90 days (id and date), not the later one
  code       the code in the records and the text; known codes show their severity, unknown ones say so
  garages    the garages of the city or postal code (ids)
  vehicles   every vehicle (ids)
A question is correct when the intent is the expected one and its check passes. A "wrong figure" is a right
intent whose figures or records disagree with the seed. "I don't know" is the share of questions the assistant
answered with `unknown`, among the out-of-scope ones (wanted) and the in-scope ones (a miss, not a guess).

Usage: bench/assistant.py [path/to/autotrack]   (default: $CARGO_TARGET_DIR or target, release build)
Writes bench/results/assistant.json. Only the Python standard library is used.
"""
import datetime as dt
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
PASSWORD = "bench-password-1234"
REPEATS = int(os.environ.get("BENCH_ASSISTANT_REPEATS", 10))
TODAY = dt.datetime.now(dt.timezone.utc).date()

VEHICLES = {
    "clio": {"make": "Renault", "model": "Clio", "year": 2018, "fuel_type": "diesel", "license_plate": "AB-123-CD"},
    "208": {"make": "Peugeot", "model": "208", "year": 2020, "fuel_type": "gasoline", "license_plate": "EF-456-GH"},
    "tesla": {"make": "Tesla", "model": "Model 3", "year": 2022, "fuel_type": "electric"},
}
# (vehicle, days ago (negative: ahead), service type, km, cost, status)
RECORDS = [
    ("clio", 5, "Vidange + filtre à huile", 98_400, "189.90", "COMPLETED"),
    ("clio", 30, "Carrosserie", 96_000, "350.00", "CANCELLED"),
    ("clio", 60, "Plaquettes de frein avant", 97_100, "245.00", "COMPLETED"),
    ("clio", 150, "Pneus hiver", 95_000, "412.60", "COMPLETED"),
    ("clio", 290, "Contrôle technique", 92_300, "78.00", "COMPLETED"),
    ("clio", 380, "Vidange", 90_100, "159.00", "COMPLETED"),
    ("clio", 520, "Courroie de distribution", 85_000, "890.00", "COMPLETED"),
    ("clio", 700, "Révision", 79_000, None, "COMPLETED"),
    ("clio", -20, "Géométrie", None, "90.00", "SCHEDULED"),
    ("208", 12, "Révision 60 000 km", 60_200, "329.00", "COMPLETED"),
    ("208", 95, "Remplacement batterie", 58_000, "149.99", "COMPLETED"),
    ("208", 400, "Pneus", 50_500, "380.00", "COMPLETED"),
    ("208", 800, "Vidange", 40_000, "120.00", "COMPLETED"),
    ("208", -45, "Bougies d'allumage", None, "110.00", "SCHEDULED"),
    ("208", 10, "Filtre habitacle", None, None, "SCHEDULED"),
    ("tesla", 40, "Permutation des pneus", 30_000, "60.00", "COMPLETED"),
    ("tesla", 220, "Filtre habitacle", 25_000, "45.50", "COMPLETED"),
    ("tesla", 600, "Liquide de frein", 15_000, "95.00", "COMPLETED"),
]
# (vehicle, insurer, days until the end)
INSURANCE = [("clio", "MAAF", 45), ("208", "MACIF", 200)]
GARAGES = [
    ("Garage du Rhône", "12 quai Augagneur", "Lyon", "69003"),
    ("Atelier Part-Dieu", "4 rue Garibaldi", "Lyon", "69003"),
    ("Garage Saint-Michel", "8 boulevard Saint-Michel", "Paris", "75005"),
    ("Auto Bastille", "21 rue de la Roquette", "Paris", "75011"),
    ("Garage des Alpes", "3 avenue Alsace-Lorraine", "Grenoble", "38000"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    def __init__(self, base):
        self.base = base

    def call(self, method, path, token=None, body=None, raw=None, content_type="application/json"):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", content_type)
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def ok(self, method, path, token=None, body=None, **kw):
        status, out = self.call(method, path, token, body, **kw)
        if status >= 300:
            raise SystemExit(f"{method} {path}: {status} {out}")
        return out


def text_pdf(lines):
    """A one-page PDF whose text layer holds `lines` (Helvetica, WinAnsi: Latin-1 text)."""
    ops = ["BT", "/F1 12 Tf", "14 TL", "50 780 Td"]
    for line in lines:
        esc = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({esc}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objects):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def multipart(fields, filename, data):
    boundary = "benchboundary7MA4YWxkTrZu0gW"
    body = bytearray()
    for k, v in fields.items():
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
    body += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
             f"Content-Type: application/pdf\r\n\r\n").encode() + data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return bytes(body), f"multipart/form-data; boundary={boundary}"


def day(days_ago):
    return (TODAY - dt.timedelta(days=days_ago)).isoformat()


def seed(api, token):
    """The same records for one account; returns the ids by name."""
    ids = {"vehicles": {}, "records": [], "insurance": []}
    for key, v in VEHICLES.items():
        ids["vehicles"][key] = api.ok("POST", "/api/vehicles/", token, v)["id"]
    for vkey, ago, kind, km, cost, status in RECORDS:
        body = {"vehicle": ids["vehicles"][vkey], "service_date": day(ago), "service_type": kind, "status": status}
        if km is not None:
            body["mileage"] = km
        if cost is not None:
            body["cost"] = cost
        rid = api.ok("POST", "/api/maintenances/", token, body)["id"]
        ids["records"].append({"id": rid, "vehicle": vkey, "date": day(ago), "type": kind, "km": km,
                               "cents": round(float(cost) * 100) if cost else None, "status": status})
    for vkey, insurer, ahead in INSURANCE:
        start, end = TODAY - dt.timedelta(days=365 - ahead), TODAY + dt.timedelta(days=ahead)
        v = VEHICLES[vkey]
        pdf = text_pdf([
            "ATTESTATION D'ASSURANCE", f"Assureur : {insurer}", "Contrat n° 4471-20931-B",
            f"Vehicule : {v['make'].upper()} {v['model'].upper()} {v.get('license_plate', '')}",
            f"Valable du {start:%d/%m/%Y} au {end:%d/%m/%Y}",
        ])
        body, ctype = multipart({"title": f"Assurance {v['model']}", "document_type": "insurance",
                                 "vehicle": ids["vehicles"][vkey]}, f"assurance-{vkey}.pdf", pdf)
        doc = api.ok("POST", "/api/documents/", token, raw=body, content_type=ctype)
        ids["insurance"].append({"id": doc["id"], "vehicle": vkey, "end": end.isoformat()})
    return ids


def wait_analysed(api, token, docs):
    for _ in range(600):
        states = [api.ok("GET", f"/api/documents/{d['id']}/", token) for d in docs]
        if all(s["analysis_status"] in ("done", "failed") for s in states):
            for s in states:
                end = (s.get("analysis_data") or {}).get("fields", {}).get("end_date", {}).get("value")
                if s["analysis_status"] != "done" or end is None:
                    raise SystemExit(f"insurance certificate {s['id']} not read: {s.get('analysis_error')}")
            return
        time.sleep(0.2)
    raise SystemExit("the document analysis did not finish")


# ---- what the answers must hold, computed from the seed ----

def money(cents, lang):
    s = f"{cents // 100}.{cents % 100:02d}"
    return f"€{s}" if lang == "en" else s.replace(".", ",") + " €"


def date_text(iso, lang):
    d = dt.date.fromisoformat(iso)
    return d.isoformat() if lang == "en" else d.strftime("%d/%m/%Y")


def months_back(n):
    y, m = TODAY.year, TODAY.month - n
    while m <= 0:
        m += 12
        y -= 1
    last = [31, 29 if y % 4 == 0 and (y % 100 or y % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return dt.date(y, m, min(TODAY.day, last)) + dt.timedelta(days=1)


def period(spec):
    if spec == "this_year":
        return dt.date(TODAY.year, 1, 1), TODAY
    if spec == "last_year":
        return dt.date(TODAY.year - 1, 1, 1), dt.date(TODAY.year - 1, 12, 31)
    if spec == "this_month":
        return TODAY.replace(day=1), TODAY
    if spec.startswith("months:"):
        return months_back(int(spec[7:])), TODAY
    if spec.startswith("year:"):
        y = int(spec[5:])
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    return months_back(12), TODAY


def expected(check, ids, lang):
    """(record refs that must be listed exactly (or None), refs that must be among them, texts that must appear,
    texts that must not)."""
    vid = ids["vehicles"]
    recs = ids["records"]
    if "costs" in check:
        c = check["costs"]
        lo, hi = period(c["period"])
        rows = [r for r in recs if r["vehicle"] in c["vehicles"] and r["status"] == "COMPLETED"
                and lo <= dt.date.fromisoformat(r["date"]) <= hi]
        if not rows:
            return [], [], ["Aucun entretien" if lang == "fr" else "No maintenance recorded"], []
        total = sum(r["cents"] or 0 for r in rows)
        word = "entretiens" if lang == "fr" else "maintenance records"
        return ([("maintenance", r["id"]) for r in rows], [], [money(total, lang), f"{len(rows)} {word}"], [])
    if "history" in check:
        v = check["history"]
        rows = sorted((r for r in recs if r["vehicle"] == v), key=lambda r: r["date"], reverse=True)[:10]
        newest = rows[0]
        texts = [date_text(newest["date"], lang)] + ([money(newest["cents"], lang)] if newest["cents"] else [])
        return None, [("maintenance", r["id"]) for r in rows] + [("vehicle", vid[v])], texts, []
    if "due" in check:
        names = list(VEHICLES) if check["due"] == "all" else [check["due"]]
        horizon = (TODAY + dt.timedelta(days=60)).isoformat()
        rows = [r for r in recs if r["vehicle"] in names and r["status"] == "SCHEDULED" and r["date"] <= horizon]
        return (None, [("maintenance", r["id"]) for r in rows] + [("vehicle", vid[n]) for n in names],
                [r["type"] for r in rows], [])
    if "expiry" in check:
        limit = (TODAY + dt.timedelta(days=90)).isoformat()
        soon = [d for d in ids["insurance"] if d["vehicle"] in check["expiry"] and d["end"] <= limit]
        later = [d for d in ids["insurance"] if d["end"] > limit]
        return (None, [("document", d["id"]) for d in soon], [date_text(d["end"], lang) for d in soon],
                [date_text(d["end"], lang) for d in later])
    if "code" in check:
        code = check["code"]
        if check.get("known", True):
            return None, [("trouble_code", code)], [code], ["inconnu", "unknown code"]
        return None, [("trouble_code", code)], [code, "inconnu" if lang == "fr" else "unknown code"], []
    if "garages" in check:
        place = check["garages"]
        return ([("garage", g) for g in ids["garages"][place]], [], [], [])
    if "vehicles" in check:
        return [("vehicle", i) for i in vid.values()], [], [], []
    return None, [], [], []


def judge(q, answer, ids):
    if answer["intent"] != q["intent"]:
        return "intent", f"intent {answer['intent']}"
    exact, among, texts, absent = expected(q["check"], ids, q["lang"])
    got = {(r["type"], r["id"]) for r in answer["records"]}
    problems = []
    if exact is not None and got != set(exact):
        problems.append(f"records {sorted(got, key=str)} != {sorted(set(exact), key=str)}")
    missing = [r for r in among if r not in got]
    if missing:
        problems.append(f"records missing {missing}")
    content = answer["content"]
    problems += [f"text lacks {t!r}" for t in texts if t not in content]
    problems += [f"text has {t!r}" for t in absent if t in content]
    return ("figures", "; ".join(problems)) if problems else ("ok", "")


def fill(q):
    q = dict(q)
    subst = {"{year_before}": str(TODAY.year - 2), "{last_year_n}": str(TODAY.year - 1)}
    for k, v in subst.items():
        q["q"] = q["q"].replace(k, v)
        q["check"] = json.loads(json.dumps(q["check"]).replace(k, v))
    return q


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    target = os.environ.get("CARGO_TARGET_DIR", "target")
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(target, "release", "autotrack"))
    parts = {name: [fill(q) for q in json.load(open(os.path.join(HERE, "assistant", f"{name}.json")))]
             for name in ("tune", "heldout", "heldout2")}
    port = free_port()
    with tempfile.TemporaryDirectory() as d:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOTRACK_")}
        env.update(AUTOTRACK_DATA_DIR=d, AUTOTRACK_LISTEN=f"127.0.0.1:{port}", AUTOTRACK_OTP_POLICY="off",
                   AUTOTRACK_RATE_LIMITS="off", AUTOTRACK_DEFAULT_PLAN="premium", AUTOTRACK_LOG="warn")
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        subprocess.run([binary, "migrate"], env=env, check=True, **quiet)
        for email, admin in (("admin@bench.example", True), ("en@bench.example", False),
                             ("fr@bench.example", False)):
            subprocess.run([binary, "create-user", "--email", email, "--password-stdin"] + (["--admin"] if admin else []),
                           env=env, input=PASSWORD + "\n", text=True, check=True, **quiet)
        server = subprocess.Popen([binary, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        api = Api(f"http://127.0.0.1:{port}")
        try:
            for _ in range(400):
                try:
                    urllib.request.urlopen(api.base + "/api/health/live", timeout=0.5).read()
                    break
                except OSError:
                    time.sleep(0.05)
            token = {who: api.ok("POST", "/api/auth/login", body={"email": f"{who}@bench.example",
                                                                     "password": PASSWORD})["tokens"]["access"]
                     for who in ("admin", "en", "fr")}
            api.ok("PUT", "/api/settings/update_me", token["fr"], {"language": "fr"})
            api.ok("PUT", "/api/settings/update_me", token["en"], {"language": "en"})
            garages = {}
            for name, address, city, postal in GARAGES:
                g = api.ok("POST", "/api/garages/", token["admin"],
                           {"name": name, "email": f"contact{len(garages)}@garage.example", "address": address,
                            "city": city, "postal_code": postal})
                garages.setdefault(city, []).append(g["id"])
                garages.setdefault(postal, []).append(g["id"])
            ids = {}
            for lang in ("en", "fr"):
                ids[lang] = seed(api, token[lang])
                ids[lang]["garages"] = garages
            for lang in ("en", "fr"):
                wait_analysed(api, token[lang], ids[lang]["insurance"])

            report = {"date": TODAY.isoformat(), "repeats": REPEATS, "parts": {}}
            all_ms = []
            for name, questions in parts.items():
                rows, ms = [], []
                for q in questions:
                    times = []
                    for _ in range(REPEATS):
                        t0 = time.perf_counter()
                        status, a = api.call("POST", "/api/assistant/chat/", token[q["lang"]], {"message": q["q"]})
                        times.append((time.perf_counter() - t0) * 1000)
                        if status != 200:
                            raise SystemExit(f"{q['q']!r}: {status} {a}")
                    verdict, why = judge(q, a, ids[q["lang"]])
                    rows.append({"lang": q["lang"], "q": q["q"], "expected": q["intent"], "intent": a["intent"],
                                 "verdict": verdict, "why": why, "answer": a["content"]})
                    ms += times
                in_scope = [r for r in rows if r["expected"] != "unknown"]
                out_scope = [r for r in rows if r["expected"] == "unknown"]
                summary = {
                    "questions": len(rows),
                    "in_scope": len(in_scope),
                    "in_scope_correct": sum(r["verdict"] == "ok" for r in in_scope),
                    "wrong_figures": sum(r["verdict"] == "figures" for r in in_scope),
                    "in_scope_said_unknown": sum(r["intent"] == "unknown" for r in in_scope),
                    "out_of_scope": len(out_scope),
                    "out_of_scope_said_unknown": sum(r["intent"] == "unknown" for r in out_scope),
                    "by_language": {lang: f"{sum(r['verdict'] == 'ok' for r in rows if r['lang'] == lang)}/"
                                          f"{sum(r['lang'] == lang for r in rows)}" for lang in ("en", "fr")},
                    "p50_ms": round(statistics.median(ms), 2),
                    "p99_ms": round(pct(ms, 99), 2),
                    "max_ms": round(max(ms), 2),
                }
                report["parts"][name] = {"summary": summary, "rows": rows}
                all_ms += ms
                print(f"== {name}: {summary['in_scope_correct']}/{summary['in_scope']} in-scope correct "
                      f"({100 * summary['in_scope_correct'] / max(1, summary['in_scope']):.1f} %), "
                      f"{summary['wrong_figures']} wrong figures, {summary['in_scope_said_unknown']} in-scope "
                      f"answered 'I don't know', out of scope: {summary['out_of_scope_said_unknown']}/"
                      f"{summary['out_of_scope']} 'I don't know'; by language {summary['by_language']}; "
                      f"latency p50 {summary['p50_ms']} ms, p99 {summary['p99_ms']} ms, max {summary['max_ms']} ms")
                for r in rows:
                    if r["verdict"] != "ok":
                        print(f"   MISS [{r['lang']}] {r['q']!r}: expected {r['expected']}, {r['why']}")
            report["all"] = {"p50_ms": round(statistics.median(all_ms), 2), "p99_ms": round(pct(all_ms, 99), 2),
                             "samples": len(all_ms)}
            print(f"== all replies: {len(all_ms)} samples, p50 {report['all']['p50_ms']} ms, "
                  f"p99 {report['all']['p99_ms']} ms")
            os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
            with open(os.path.join(HERE, "results", "assistant.json"), "w") as f:
                json.dump(report, f, ensure_ascii=False, indent=1)
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
