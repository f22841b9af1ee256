#!/usr/bin/env python3
"""Validate the embedded OBD-II knowledge base (assets/kb/*.tsv) against the
contract in shared/spec/assistant.md section 2. Standard library only.

Usage: python3 bench/kb_check.py [path/to/assets/kb]
Exits non-zero (AssertionError) on the first problem; prints counts on success.
"""
import collections
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
KB = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "assets", "kb")

TEXTS_HEADER = ["key", "en", "fr"]
CODES_HEADER = ["code", "severity", "safe", "cost_min", "cost_max", "causes", "advice", "en", "fr"]
SEVERITIES = {"low", "medium", "high", "critical"}
CODE_RE = re.compile(r"^[PBCU][0-9A-F]{4}$")
KEY_RE = re.compile(r"^(cause|advice)\.[a-z0-9]+(_[a-z0-9]+)*$")
INT_RE = re.compile(r"^[0-9]+$")

# Representative entries of the contract table: code -> (en, fr, severity, safe)
CONTRACT = {
    "P0101": ("Mass air flow sensor range/performance", "Débitmètre d'air : plage/performance", "medium", "yes"),
    "P0128": ("Coolant thermostat below regulating temperature", "Thermostat : température de régulation non atteinte",
              "low", "yes"),
    "P0171": ("System too lean (bank 1)", "Mélange trop pauvre (banc 1)", "medium", "yes"),
    "P0217": ("Engine coolant over-temperature", "Surchauffe du liquide de refroidissement", "critical", "no"),
    "P0300": ("Random/multiple cylinder misfire detected", "Ratés d'allumage aléatoires/multiples détectés", "high", "no"),
    "P0301": ("Cylinder 1 misfire detected", "Ratés d'allumage cylindre 1", "high", "no"),
    "P0335": ("Crankshaft position sensor A circuit", "Capteur de position vilebrequin A : circuit", "high", "no"),
    "P0380": ("Glow plug/heater circuit A", "Bougies de préchauffage : circuit A", "medium", "yes"),
    "P0401": ("Exhaust gas recirculation flow insufficient", "Débit de recirculation des gaz (EGR) insuffisant",
              "medium", "yes"),
    "P0420": ("Catalyst system efficiency below threshold (bank 1)", "Efficacité du catalyseur sous le seuil (banc 1)",
              "medium", "yes"),
    "P0455": ("Evaporative emission system leak detected (large leak)", "Fuite importante du système d'évaporation",
              "low", "yes"),
    "P0500": ("Vehicle speed sensor A", "Capteur de vitesse du véhicule A", "medium", "yes"),
    "P0524": ("Engine oil pressure too low", "Pression d'huile moteur trop basse", "critical", "no"),
    "P0562": ("System voltage low", "Tension du système basse", "medium", "yes"),
    "P0606": ("Control module processor fault", "Défaut du processeur du calculateur", "high", "no"),
    "P0700": ("Transmission control system malfunction", "Dysfonctionnement du système de commande de transmission",
              "medium", "yes"),
    "P2002": ("Particulate filter efficiency below threshold (bank 1)",
              "Efficacité du filtre à particules sous le seuil (banc 1)", "medium", "yes"),
    "C0035": ("Left front wheel speed sensor circuit", "Capteur de vitesse de roue avant gauche : circuit", "medium", "yes"),
    "B0001": ("Driver frontal stage 1 deployment control", "Commande de déploiement frontal conducteur, étage 1", "high",
              "yes"),
    "U0100": ("Lost communication with ECM/PCM A", "Perte de communication avec le calculateur moteur A", "high", "no"),
}
MISFIRE_ADVICE_EN = "Avoid long trips and heavy loads until the misfire is fixed."


def read_tsv(name, header):
    path = os.path.join(KB, name)
    with open(path, "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8")  # must be valid UTF-8
    assert not text.startswith("\ufeff"), f"{name}: BOM not allowed"
    assert "\r" not in text, f"{name}: CR characters found (LF line endings only)"
    assert text.endswith("\n"), f"{name}: missing final newline"
    lines = text[:-1].split("\n")
    got = lines[0].split("\t")
    assert got == header, f"{name}: header {got!r} != {header!r}"
    rows = []
    for n, line in enumerate(lines[1:], start=2):
        assert line, f"{name}:{n}: empty line"
        fields = line.split("\t")
        assert len(fields) == len(header), f"{name}:{n}: {len(fields)} fields, expected {len(header)}"
        for v in fields:
            assert v == v.strip(), f"{name}:{n}: leading/trailing spaces in {v!r}"
        rows.append((n, dict(zip(header, fields))))
    return rows


def generic_only(code):
    """True when the code is in a generic (SAE/ISO) range: P0xxx, P2xxx, P34xx, B0xxx, C0xxx, U0xxx."""
    letter, d2 = code[0], code[1]
    if letter == "P":
        return d2 in ("0", "2") or code.startswith("P34")
    return d2 == "0"


def main():
    texts = read_tsv("texts.tsv", TEXTS_HEADER)
    codes = read_tsv("trouble_codes.tsv", CODES_HEADER)

    # ---- texts ----
    text = {}
    for n, r in texts:
        k = r["key"]
        assert KEY_RE.match(k), f"texts.tsv:{n}: bad key {k!r}"
        assert k not in text, f"texts.tsv:{n}: duplicate key {k}"
        assert r["en"] and r["fr"], f"texts.tsv:{n}: empty text for {k}"
        if k.startswith("advice."):
            assert r["en"].endswith(".") and r["fr"].endswith("."), f"texts.tsv:{n}: advice {k} must end with a period"
        else:
            assert not r["en"].endswith("."), f"texts.tsv:{n}: cause {k} should be a noun phrase (no final period)"
        text[k] = (r["en"], r["fr"])

    # ---- codes ----
    seen = {}
    used = set()
    prev = ""
    for n, r in codes:
        c = r["code"]
        assert CODE_RE.match(c), f"trouble_codes.tsv:{n}: bad code {c!r}"
        assert c not in seen, f"trouble_codes.tsv:{n}: duplicate code {c}"
        assert c > prev, f"trouble_codes.tsv:{n}: not sorted ({prev} then {c})"
        prev = c
        assert generic_only(c), f"trouble_codes.tsv:{n}: {c} is not a generic (SAE/ISO) code"
        assert r["severity"] in SEVERITIES, f"{c}: bad severity {r['severity']!r}"
        assert r["safe"] in ("yes", "no"), f"{c}: bad safe {r['safe']!r}"
        cmin, cmax = r["cost_min"], r["cost_max"]
        if cmin == "" or cmax == "":
            assert cmin == "" and cmax == "", f"{c}: cost_min and cost_max must both be empty or both set"
        else:
            assert INT_RE.match(cmin) and INT_RE.match(cmax), f"{c}: costs must be integers ({cmin}, {cmax})"
            assert int(cmin) <= int(cmax), f"{c}: cost_min > cost_max"
        causes = r["causes"].split(" ") if r["causes"] else []
        advice = r["advice"].split(" ") if r["advice"] else []
        assert 1 <= len(causes) <= 5, f"{c}: {len(causes)} causes (1 to 5 required)"
        assert len(advice) <= 3, f"{c}: {len(advice)} advice keys (0 to 3 allowed)"
        assert len(set(causes)) == len(causes) and len(set(advice)) == len(advice), f"{c}: repeated key"
        for k in causes:
            assert k.startswith("cause.") and k in text, f"{c}: unknown cause key {k!r}"
        for k in advice:
            assert k.startswith("advice.") and k in text, f"{c}: unknown advice key {k!r}"
        used.update(causes)
        used.update(advice)
        assert r["en"] and r["fr"], f"{c}: empty en/fr"
        seen[c] = dict(r, causes=causes, advice=advice)

    unused = sorted(set(text) - used)
    assert not unused, f"texts.tsv keys not used by any code: {unused}"

    # ---- contract table ----
    for c, (en, fr, sev, safe) in CONTRACT.items():
        assert c in seen, f"contract code {c} missing"
        r = seen[c]
        assert r["en"] == en, f"{c}: en {r['en']!r} != {en!r}"
        assert r["fr"] == fr, f"{c}: fr {r['fr']!r} != {fr!r}"
        assert r["severity"] == sev, f"{c}: severity {r['severity']} != {sev}"
        assert r["safe"] == safe, f"{c}: safe {r['safe']} != {safe}"
    for cyl in range(0, 13):
        c = f"P03{cyl:02d}"
        r = seen.get(c)
        assert r, f"misfire code {c} missing"
        assert r["causes"][:2] == ["cause.worn_spark_plug", "cause.faulty_ignition_coil"], f"{c}: first causes {r['causes'][:2]}"
        assert any(text[a][0] == MISFIRE_ADVICE_EN for a in r["advice"]), f"{c}: misfire advice missing"
        assert (r["severity"], r["safe"]) == ("high", "no"), f"{c}: misfire must be high/no"
    assert text["cause.worn_spark_plug"][0] == "Worn spark plug"
    assert text["cause.faulty_ignition_coil"][0] == "Faulty ignition coil"

    # ---- coverage ----
    total = len(seen)
    assert total >= 1100, f"only {total} codes (at least 1100 required)"
    p0_decimal = [c for c in seen if c.startswith("P0") and c[2:].isdigit()]
    assert len(p0_decimal) >= 850, f"only {len(p0_decimal)} P0000-P0999 codes (850+ expected)"

    # ---- report ----
    by_letter = collections.Counter(c[0] for c in seen)
    by_hundred = collections.Counter(c[:3] for c in seen if c.startswith("P0"))
    p2 = sum(1 for c in seen if c.startswith("P2"))
    p34 = sum(1 for c in seen if c.startswith("P34"))
    by_sev = collections.Counter(r["severity"] for r in seen.values())
    print("kb_check: OK")
    print(f"text keys: {len(text)} ({sum(k.startswith('cause.') for k in text)} causes, "
          f"{sum(k.startswith('advice.') for k in text)} advice)")
    print("codes per letter: " + ", ".join(f"{k}={by_letter[k]}" for k in "PBCU"))
    print("P0 codes per hundred: " + ", ".join(f"{k}xx={v}" for k, v in sorted(by_hundred.items())))
    print(f"P0000-P0999 (decimal): {len(p0_decimal)}; P2xxx: {p2}; P34xx: {p34}")
    print("severity: " + ", ".join(f"{k}={by_sev[k]}" for k in ("low", "medium", "high", "critical")))
    print(f"total: {total}")


if __name__ == "__main__":
    main()
