#!/usr/bin/env python3
"""Generates the OCR benchmark corpus: invoices, French registration certificates (carte grise) and insurance
certificates with known field values, rendered with several fonts and layouts, then degraded (noise, slight
rotation, JPEG compression) and also saved as scanned PDFs. Writes the files and `truth.json` into the output
folder (default bench/corpus/out). Needs Pillow and the DejaVu fonts (Debian fonts-dejavu-core).

Usage: bench/corpus/generate.py [--out DIR] [--count N] [--seed S]
"""
import argparse
import json
import os
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
]
GARAGES = ["Garage du Centre", "Auto Service Martin", "Garage Dupont & Fils", "Atelier Mécanique Lebrun", "Carrosserie des Alpes"]
CITIES = ["75011 Paris", "69003 Lyon", "13006 Marseille", "33000 Bordeaux", "59000 Lille"]
SERVICES = [("Vidange moteur 5W30", 6490), ("Filtre à huile", 1290), ("Plaquettes de frein avant", 8900), ("Main d'oeuvre", 12000),
            ("Pneu 205/55 R16", 7450), ("Liquide de refroidissement", 1890), ("Filtre à air", 2150)]
MAKES = [("RENAULT", "CLIO", "RJA1"), ("PEUGEOT", "308", "LPBHZ"), ("CITROEN", "C3", "SXHMZ"), ("VOLKSWAGEN", "GOLF", "AUCJX"), ("TOYOTA", "YARIS", "KSP210")]
FUELS = [("GO", "diesel"), ("ES", "gasoline"), ("EL", "electric"), ("EH", "hybrid")]
INSURERS = ["AXA", "MAAF", "MACIF", "Allianz", "Groupama", "Matmut"]
HOLDERS = ["MARTIN CAMILLE", "DUBOIS LEA", "BERNARD HUGO", "PETIT CHLOE", "ROUX NATHAN"]
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def euro(cents):
    s = f"{cents // 100:,}".replace(",", " ")
    return f"{s},{cents % 100:02d}"


def luhn_siret(rng):
    digits = [rng.randrange(10) for _ in range(13)]
    for last in range(10):
        d = digits + [last]
        total = 0
        for i, x in enumerate(reversed(d)):
            if i % 2 == 1:
                x *= 2
                if x > 9:
                    x -= 9
            total += x
        if total % 10 == 0:
            return "".join(map(str, d))
    return None


def date(rng, year_from=2021, year_to=2026):
    return f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(year_from, year_to)}"


def iso(d):
    dd, mm, yy = d.split("/")
    return f"{yy}-{mm}-{dd}"


def plate(rng):
    L = "ABCDEFGHJKLMNPQRSTVWXYZ"
    return f"{rng.choice(L)}{rng.choice(L)}-{rng.randint(100, 999)}-{rng.choice(L)}{rng.choice(L)}"


def invoice(rng):
    lines = rng.sample(SERVICES, rng.randint(2, 4))
    ht = sum(c for _, c in lines)
    tva = round(ht * 0.2)
    ttc = ht + tva
    num = f"F-{rng.randint(2021, 2026)}-{rng.randint(1, 9999):04d}"
    d = date(rng)
    siret = luhn_siret(rng)
    garage = rng.choice(GARAGES)
    km = rng.randint(5, 240) * 1000 + rng.randint(0, 999)
    text = [garage, f"12 rue de la République, {rng.choice(CITIES)}", f"SIRET : {siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}", "",
            f"FACTURE N° {num}", f"Date : {d}", f"Kilométrage : {km:,} km".replace(",", " "), ""]
    for label, c in lines:
        text.append(f"{label:<32} {euro(c):>10} €")
    text += ["", f"Total HT {euro(ht):>24} €", f"TVA 20 % {euro(tva):>24} €", f"Total TTC {euro(ttc):>23} €", "", "Net à payer à réception."]
    truth = {"invoice_number": num, "invoice_date": iso(d), "siret": siret, "total_excl_tax": f"{ht // 100}.{ht % 100:02d}",
             "vat_amount": f"{tva // 100}.{tva % 100:02d}", "total_incl_tax": f"{ttc // 100}.{ttc % 100:02d}", "currency": "EUR", "mileage": km,
             "garage_name": garage}
    return "invoice", text, truth


def registration(rng):
    make, model, vtype = rng.choice(MAKES)
    code, fuel = rng.choice(FUELS)
    vin = "VF1" + "".join(rng.choice(VIN_CHARS) for _ in range(14))
    p, b, i = plate(rng), date(rng, 2012, 2024), date(rng, 2024, 2026)
    cv = rng.randint(3, 11)
    holder = rng.choice(HOLDERS)
    text = ["CERTIFICAT D'IMMATRICULATION", "", f"A {p}", f"B {b}", f"C.1 {holder}", f"D.1 {make}", f"D.2 {vtype}", f"D.3 {model}",
            f"E {vin}", f"I {i}", f"P.3 {code}", f"P.6 {cv}"]
    truth = {"license_plate": p, "first_registration_date": iso(b), "holder_name": holder, "make": make, "vehicle_type": vtype,
             "model": model, "vin": vin, "certificate_date": iso(i), "fuel_type": fuel, "fiscal_power": cv}
    return "registration", text, truth


def insurance(rng):
    insurer = rng.choice(INSURERS)
    num = f"{rng.randint(100, 999)}{rng.randint(1000000, 9999999)}"
    start = date(rng, 2024, 2025)
    dd, mm, yy = start.split("/")
    end = f"{dd}/{mm}/{int(yy) + 1}"
    text = ["ATTESTATION D'ASSURANCE", "Mémo véhicule assuré", "", f"Assureur : {insurer}", f"Contrat n° {num}",
            f"Valable du {start} au {end}", f"Véhicule : {rng.choice(MAKES)[0]} {plate(rng)}"]
    truth = {"insurer": insurer, "contract_number": num, "start_date": iso(start), "end_date": iso(end)}
    return "insurance", text, truth


def render(lines, rng, font_path, size):
    w, h = 1240, 1754  # A4 at 150 dpi
    img = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(font_path, size)
    x, y = rng.randint(80, 160), rng.randint(90, 200)
    for line in lines:
        draw.text((x, y), line, fill=(20, 20, 20), font=font)
        y += int(size * rng.uniform(1.5, 1.9))
    return img


def degrade(img, rng, level):
    if level == 0:
        return img
    img = img.rotate(rng.uniform(-1.5, 1.5), resample=Image.BICUBIC, fillcolor="white", expand=False)
    if level >= 2:
        px = img.load()
        for _ in range(12000):
            x, y = rng.randrange(img.width), rng.randrange(img.height)
            g = rng.randrange(120, 255)
            px[x, y] = (g, g, g)
        img = img.filter(ImageFilter.GaussianBlur(0.6))
    return img


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "out"))
    ap.add_argument("--count", type=int, default=8, help="documents per type")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = random.Random(a.seed)
    truth = {}
    for make in (invoice, registration, insurance):
        for n in range(a.count):
            kind, lines, fields = make(rng)
            font = FONTS[n % len(FONTS)]
            img = degrade(render(lines, rng, font, rng.choice([22, 24, 26, 28])), rng, n % 3)
            name = f"{kind}-{n:02d}"
            if n % 4 == 3:
                path = f"{name}.pdf"  # a scanned PDF: the page is an embedded JPEG image
                img.save(os.path.join(a.out, path), "PDF", resolution=150.0, quality=80)
            else:
                path = f"{name}.jpg"
                img.save(os.path.join(a.out, path), "JPEG", quality=rng.choice([70, 80, 90]))
            truth[path] = {"type": kind, "fields": fields, "font": os.path.basename(font), "degradation": n % 3}
    with open(os.path.join(a.out, "truth.json"), "w") as f:
        json.dump(truth, f, indent=2, ensure_ascii=False)
    print(f"{len(truth)} documents in {a.out}")


if __name__ == "__main__":
    main()
