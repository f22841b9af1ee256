#!/usr/bin/env python3
"""OCR benchmark: field-level accuracy, CPU time and peak memory per document of AutoTrack's offline OCR against
tesseract (the engine of the old system), both followed by the same field extraction (`autotrack ocr --from-text`
for tesseract's text).

Corpora: bench/corpus/hard.py (default; real layouts as text PDFs, scans and phone photos, with a `tune` split the
extraction was improved on and a `heldout` split it never was) or the older bench/corpus/generate.py.

Usage: bench/ocr.py [--binary target/release/autotrack] [--corpus bench/corpus/hard-out] [--split heldout]
       [--no-tesseract]
Needs: a release build, the corpus, and for the comparison tesseract with French data and pdftoppm (Debian
tesseract-ocr, tesseract-ocr-fra, poppler-utils). Each AutoTrack run is one `autotrack ocr` process (model loading
included) on one core, with the allocator setting the analysis worker runs with. Prints tables and writes
bench/results/ocr.json.
"""
import argparse
import collections
import json
import os
import shutil
import subprocess
import tempfile
import time

# The fields the issue sets a target for; the other fields are reported beside them.
TARGET = {"total_incl_tax", "total_excl_tax", "vat_amount", "invoice_date", "invoice_number", "garage_name", "siret",
          "siren", "vat_number", "license_plate", "vin", "first_registration_date"}


def measured(args, env=None):
    """Runs a command on core 0; returns (stdout, CPU seconds, wall seconds, peak RSS in MiB) of that process."""
    started = time.monotonic()
    proc = subprocess.Popen(["taskset", "-c", "0"] + args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, env=env)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    return (out if proc.returncode == 0 else None), usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024


def run_autotrack(binary, path, from_text=False):
    env = dict(os.environ, MIMALLOC_PURGE_DELAY="0")
    out, cpu, wall, rss = measured([binary, "ocr", path, "--json"] + (["--from-text"] if from_text else []), env)
    try:
        return json.loads(out), cpu, wall, rss
    except (TypeError, json.JSONDecodeError):
        return None, cpu, wall, rss


def tesseract(binary, path):
    """Tesseract on every page rasterised at 150 dpi, then AutoTrack's extraction on its text."""
    cpu = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        if path.endswith(".pdf"):
            subprocess.run(["pdftoppm", "-r", "150", "-png", path, os.path.join(tmp, "page")], check=True)
            images = sorted(os.path.join(tmp, f) for f in os.listdir(tmp) if f.startswith("page"))
        else:
            images = [path]
        texts = []
        for image in images:
            out, c, _, _ = measured(["tesseract", image, "stdout", "-l", "fra+eng"],
                                    dict(os.environ, OMP_THREAD_LIMIT="1"))
            cpu += c
            texts.append(out or "")
        txt = os.path.join(tmp, "text.txt")
        with open(txt, "w") as f:
            f.write("\n\n".join(texts))
        result, _, _, _ = run_autotrack(binary, txt, from_text=True)
    return result, cpu


def same(expected, got):
    if got is None:
        return False
    if isinstance(expected, int):
        try:
            return int(got) == expected
        except (TypeError, ValueError):
            return False
    norm = lambda s: " ".join(str(s).upper().split())
    return norm(expected) == norm(got)


class Score:
    def __init__(self):
        self.counts = collections.defaultdict(lambda: [0, 0])

    def add(self, key, ok):
        self.counts[key][0] += int(ok)
        self.counts[key][1] += 1

    def share(self, key):
        ok, n = self.counts.get(key, (0, 0))
        return f"{ok}/{n} ({100 * ok / n:.1f} %)" if n else "–"

    def ratio(self, key):
        ok, n = self.counts.get(key, (0, 0))
        return round(ok / n, 4) if n else None


def score(score, truth, result, misses, name):
    fields = (result or {}).get("analysis_data", {}).get("fields", {})
    for k, v in truth["fields"].items():
        ok = same(v, fields.get(k, {}).get("value"))
        score.add("all", ok)
        score.add(("field", k), ok)
        if k in TARGET:
            score.add("target", ok)
            score.add(("variant", truth.get("variant", "-")), ok)
            score.add(("type", truth["type"]), ok)
        if not ok:
            misses.append({"file": name, "field": k, "expected": v, "got": fields.get(k, {}).get("value")})


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if xs else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/release/autotrack")
    ap.add_argument("--corpus", default=os.path.join(os.path.dirname(__file__), "corpus", "hard-out"))
    ap.add_argument("--split", default=None, help="tune or heldout (default: both, reported apart)")
    ap.add_argument("--no-tesseract", action="store_true")
    a = ap.parse_args()
    with open(os.path.join(a.corpus, "truth.json")) as f:
        truth = json.load(f)
    have_tesseract = not a.no_tesseract and shutil.which("tesseract") and shutil.which("pdftoppm")
    splits = sorted({t.get("split", "all") for t in truth.values()})
    if a.split:
        splits = [a.split]
    report = {}
    for split in splits:
        docs = {n: t for n, t in sorted(truth.items()) if t.get("split", "all") == split}
        engines = {"autotrack": Score(), "tesseract": Score()}
        misses = {"autotrack": [], "tesseract": []}
        cost = collections.defaultdict(list)
        for name, t in docs.items():
            path = os.path.join(a.corpus, name)
            result, cpu, wall, rss = run_autotrack(a.binary, path)
            score(engines["autotrack"], t, result, misses["autotrack"], name)
            pages = (result or {}).get("pages", 1) or 1
            variant = t.get("variant", "-")
            cost[variant].append((cpu / pages, wall / pages, rss))
            row = f"{name}: {variant} cpu/page {cpu / pages:.2f} s rss {rss:.0f} MiB"
            if have_tesseract:
                tresult, tcpu = tesseract(a.binary, path)
                score(engines["tesseract"], t, tresult, misses["tesseract"], name)
                cost["tesseract " + variant].append((tcpu / pages, 0, 0))
                row += f" | tesseract cpu/page {tcpu / pages:.2f} s"
            print(row, flush=True)
        print(f"\n== split {split}: {len(docs)} documents")
        keys = ["target", "all"] + sorted({k for k in engines["autotrack"].counts if isinstance(k, tuple)})
        print(f"{'':34} {'AutoTrack':>22} {'tesseract':>22}")
        for k in keys:
            label = k if isinstance(k, str) else f"{k[0]} {k[1]}"
            print(f"{label:34} {engines['autotrack'].share(k):>22} {engines['tesseract'].share(k):>22}")
        costs = {}
        for variant, xs in sorted(cost.items()):
            cpu = [x[0] for x in xs]
            costs[variant] = {"documents": len(xs), "cpu_s_per_page_median": round(median(cpu), 3),
                              "cpu_s_per_page_max": round(max(cpu), 3),
                              "wall_s_per_page_median": round(median([x[1] for x in xs]), 3),
                              "peak_rss_mib_median": round(median([x[2] for x in xs]), 1),
                              "peak_rss_mib_max": round(max(x[2] for x in xs), 1)}
            print(f"cost {variant:20} {json.dumps(costs[variant])}")
        report[split] = {
            "documents": len(docs),
            "accuracy": {e: {("+".join(k) if isinstance(k, tuple) else k): s.ratio(k) for k in s.counts}
                         for e, s in engines.items() if s.counts},
            "cost": costs,
            "misses": misses,
        }
    os.makedirs("bench/results", exist_ok=True)
    with open("bench/results/ocr.json", "w") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)


if __name__ == "__main__":
    main()
