#!/usr/bin/env python3
"""OCR benchmark: field-level accuracy and CPU time per page of AutoTrack's offline OCR against tesseract (the
engine of the old system), both followed by the same field extraction (`autotrack ocr --from-text` for tesseract's
text), on the generated corpus of bench/corpus/generate.py.

Usage: bench/ocr.py [--binary target/release/autotrack] [--corpus bench/corpus/out]
Needs: a release build, the corpus, and tesseract with French data plus pdftoppm (Debian tesseract-ocr,
tesseract-ocr-fra, poppler-utils) for the comparison. Prints a table and writes bench/results/ocr.json.
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import tempfile
import time


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_autotrack(binary, path, from_text=False):
    args = [binary, "ocr", path, "--json"] + (["--from-text"] if from_text else [])
    out = subprocess.run(args, capture_output=True, text=True, env=dict(os.environ, RAYON_NUM_THREADS="1"))
    if out.returncode != 0:
        return None
    return json.loads(out.stdout)


def tesseract_text(path, tmp):
    if path.endswith(".pdf"):
        base = os.path.join(tmp, "page")
        subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", path, base], check=True)
        image = next(os.path.join(tmp, f) for f in sorted(os.listdir(tmp)) if f.startswith("page"))
    else:
        image = path
    out = subprocess.run(["tesseract", image, "stdout", "-l", "fra+eng"], capture_output=True, text=True,
                         env=dict(os.environ, OMP_THREAD_LIMIT="1"))
    return out.stdout


def same(field, expected, got):
    if got is None:
        return False
    if isinstance(expected, int):
        try:
            return int(got) == expected
        except (TypeError, ValueError):
            return False
    norm = lambda s: " ".join(str(s).upper().split())
    return norm(expected) == norm(got)


def score(truth, result):
    fields = (result or {}).get("analysis_data", {}).get("fields", {})
    ok = sum(1 for k, v in truth["fields"].items() if same(k, v, fields.get(k, {}).get("value")))
    return ok, len(truth["fields"]), (result or {}).get("document_type") == truth["type"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/release/autotrack")
    ap.add_argument("--corpus", default=os.path.join(os.path.dirname(__file__), "corpus", "out"))
    a = ap.parse_args()
    truth = json.load(open(os.path.join(a.corpus, "truth.json")))
    have_tesseract = shutil.which("tesseract") and shutil.which("pdftoppm")
    rows, totals = [], {"autotrack": [0, 0, 0, 0.0], "tesseract": [0, 0, 0, 0.0]}
    for name, t in sorted(truth.items()):
        path = os.path.join(a.corpus, name)
        c0 = cpu_children()
        res = run_autotrack(a.binary, path)
        cpu = cpu_children() - c0
        ok, n, typed = score(t, res)
        totals["autotrack"][0] += ok
        totals["autotrack"][1] += n
        totals["autotrack"][2] += typed
        totals["autotrack"][3] += cpu
        row = {"file": name, "autotrack_fields": f"{ok}/{n}", "autotrack_cpu_s": round(cpu, 2)}
        if have_tesseract:
            with tempfile.TemporaryDirectory() as tmp:
                c0 = cpu_children()
                text = tesseract_text(path, tmp)
                cpu = cpu_children() - c0
                txt = os.path.join(tmp, "text.txt")
                open(txt, "w").write(text)
                tres = run_autotrack(a.binary, txt, from_text=True)
            ok, n, typed = score(t, tres)
            totals["tesseract"][0] += ok
            totals["tesseract"][1] += n
            totals["tesseract"][2] += typed
            totals["tesseract"][3] += cpu
            row.update({"tesseract_fields": f"{ok}/{n}", "tesseract_cpu_s": round(cpu, 2)})
        rows.append(row)
        print("  ".join(f"{k}={v}" for k, v in row.items()), flush=True)
    docs = len(truth)
    summary = {}
    for engine, (ok, n, typed, cpu) in totals.items():
        if n:
            summary[engine] = {"field_accuracy": round(ok / n, 3), "type_accuracy": round(typed / docs, 3), "cpu_s_per_page": round(cpu / docs, 2)}
    print(json.dumps(summary, indent=2))
    os.makedirs("bench/results", exist_ok=True)
    json.dump({"summary": summary, "documents": rows}, open("bench/results/ocr.json", "w"), indent=2)


if __name__ == "__main__":
    main()
