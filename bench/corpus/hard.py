#!/usr/bin/env python3
"""Generates the *hard* OCR benchmark corpus: garage invoices, French registration certificates (carte grise) and
insurance certificates laid out like real documents (tables, two-column headers, label-above-value grids, totals
boxes, legal footers, multi-page invoices, credit notes, English invoices), each rendered as up to three variants
of the same document:

  text_pdf  a PDF written by the small PDF writer below (Helvetica / Helvetica-Bold, WinAnsiEncoding), whose
            content streams are deliberately NOT in reading order (labels before values, totals before the
            table, one BT..ET per table cell, TJ arrays, FlateDecode, two content streams per page...);
  scan      the page rasterised at 150 dpi with the Liberation fonts (metric-compatible with Helvetica), then
            a flatbed look (paper tone, skew, blur, noise, JPEG), saved as JPEG or as an image-only PDF;
  photo     the page at ~200 dpi photographed on a desk: perspective warp, rotation, shadow gradient,
            vignette, defocus/motion blur, sensor noise, strong JPEG.

Two splits, `tune` and `heldout`, use disjoint pools of companies, people, cities, streets and number
patterns, different seeds, and the held-out split has a template the tune split never sees (`vatrecap`).

Writes the files and `truth.json` ({file: {type, split, template, variant, fields}}) into the output folder
(default bench/corpus/hard-out). `fields` only holds values printed on the rendered pages. Needs Pillow, numpy
and the Liberation fonts (Debian fonts-liberation).

Usage: bench/corpus/hard.py [--out DIR] [--seed S]
"""
import argparse
import datetime as dt
import json
import math
import os
import random
import unicodedata
import zlib
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

PAGE_W, PAGE_H = 595, 842
LIB = "/usr/share/fonts/truetype/liberation/"
FONT_FILES = {False: LIB + "LiberationSans-Regular.ttf", True: LIB + "LiberationSans-Bold.ttf"}

# ----------------------------------------------------------------------------------------------------------------
# Split pools: nothing below is shared between `tune` and `heldout` except vehicles and parts.

POOLS = {
    "tune": {
        "garages": ["Garage Dupont & Fils", "Auto Service Martin", "Garage du Centre", "Carrosserie des Alpes",
                    "Atelier Mécanique Lebrun", "Garage Saint-Éloi", "Garage de la Gare", "Méca Pneus Services",
                    "Auto Réparation Ferrand"],
        "cities": [("69003", "Lyon"), ("38000", "Grenoble"), ("42000", "Saint-Étienne"), ("73000", "Chambéry"),
                   ("21000", "Dijon"), ("63000", "Clermont-Ferrand"), ("01000", "Bourg-en-Bresse"),
                   ("26000", "Valence")],
        "streets": ["rue de la République", "avenue Jean Jaurès", "boulevard des Belges", "rue Garibaldi",
                    "chemin des Vignes", "route de Vienne", "rue du Stade", "ZA Les Échets", "quai Perrache"],
        "people": [("M.", "Jean", "Morel"), ("Mme", "Sophie", "Lambert"), ("M.", "Karim", "Benali"),
                   ("Mme", "Élodie", "Fournier"), ("M.", "Thomas", "Girard"), ("Mme", "Nathalie", "Roussel"),
                   ("M.", "Lucas", "Chevalier"), ("Mme", "Agnès", "Perrin")],
        "companies": ["Transports Vidal SARL", "Boulangerie Charvet", "SCI Les Tilleuls", "Ambulances du Rhône",
                      "Plomberie Gauthier", "Taxi Lyon Confluence", "Fleurs & Jardins Bonnet"],
        "invoice_numbers": [lambda r, d: f"F-{d.year}-{r.randint(12, 2400):04d}",
                            lambda r, d: f"FA{d.year % 100:02d}{d.month:02d}-{r.randint(1, 999):04d}",
                            lambda r, d: f"{d.year}{r.randint(100, 9999):05d}",
                            lambda r, d: f"FAC{r.randint(1200, 99999):06d}"],
        "credit_numbers": [lambda r, d: f"AV-{d.year}-{r.randint(1, 300):04d}",
                           lambda r, d: f"AV{d.year % 100:02d}{r.randint(1, 999):04d}"],
        "en_numbers": [lambda r, d: f"INV-{r.randint(10000, 19999)}", lambda r, d: f"INV{d.year}-{r.randint(100, 999)}"],
        "en_issuers": [("Kingsway Auto Repairs Ltd", "GBP", ["Unit 4, Kingsway Trading Estate", "Leeds LS11 5QT"]),
                       ("Redline Garage Ltd", "GBP", ["27 Feeder Road", "Bristol BS2 0SB"]),
                       ("Bay Area Auto Works Inc.", "USD", ["2150 Harrison Street", "San Francisco, CA 94110"]),
                       ("Garage Lefort Automobiles", "EUR", ["18 avenue Félix Faure", "69007 Lyon, France"])],
        "en_clients": {"GBP": [("Northgate Logistics Ltd", ["Northgate House, 3 Wellington St", "Leeds LS1 4DL"]),
                               ("Pennine Couriers Ltd", ["88 Canal Road", "Bradford BD1 4SJ"])],
                       "USD": [("Golden Gate Deliveries LLC", ["455 Market Street, Suite 210", "San Francisco, CA 94105"]),
                               ("Mission Bay Catering Inc.", ["1250 Fourth Street", "San Francisco, CA 94158"])],
                       "EUR": [("Alpine Travel Services", ["12 Chemin des Crêts", "1201 Genève, Switzerland"]),
                               ("Rhein Spedition GmbH", ["Hafenstraße 18", "68159 Mannheim, Germany"])]},
        "insurers": [("AXA", "AXA France IARD – SA au capital de 214 799 030 € – 722 057 460 R.C.S. Nanterre",
                      ["313 Terrasses de l'Arche", "92727 Nanterre Cedex"]),
                     ("MAAF", "MAAF Assurances SA – SA au capital de 160 000 000 € – RCS Niort 542 073 580",
                      ["Chaban de Chauray", "79036 Niort Cedex 9"]),
                     ("Groupama", "Groupama Rhône-Alpes Auvergne – Caisse régionale d'assurances mutuelles agricoles",
                      ["50 rue de Saint-Cyr", "69251 Lyon Cedex 09"]),
                     ("Matmut", "Matmut – Société d'assurance mutuelle à cotisations variables – Entreprise régie par le Code des assurances",
                      ["66 rue de Sotteville", "76100 Rouen"])],
        "contract_numbers": [lambda r: f"{r.randint(1000000000, 9999999999)}",
                             lambda r: f"{r.randint(100, 999)}{r.randint(1000000, 9999999)}A",
                             lambda r: f"AU-{r.randint(100000, 999999)}-{r.randint(10, 99)}"],
    },
    "heldout": {
        "garages": ["Garage Moreau Automobiles", "Carrosserie Bellevue", "Atelier Auto Rivière",
                    "Garage des Trois Chênes", "Auto Diffusion Perrin", "Garage Côte d'Émeraude",
                    "Ouest Motors Réparation", "Garage Lemaire Frères", "Centre Auto Kerlann"],
        "cities": [("35000", "Rennes"), ("44000", "Nantes"), ("29200", "Brest"), ("49100", "Angers"),
                   ("14000", "Caen"), ("76600", "Le Havre"), ("37000", "Tours"), ("56100", "Lorient")],
        "streets": ["rue de Brest", "boulevard de la Liberté", "rue Saint-Hélier", "avenue du Général Leclerc",
                    "impasse des Tilleuls", "route de Vannes", "ZI de la Haie Fouassière", "rue Nationale",
                    "allée des Mouettes"],
        "people": [("M.", "Yann", "Le Goff"), ("Mme", "Maëlle", "Guillou"), ("M.", "Antoine", "Marchand"),
                   ("Mme", "Isabelle", "Hervé"), ("M.", "Pierre-Yves", "Tanguy"), ("Mme", "Chantal", "Lemoine"),
                   ("M.", "Mehdi", "Haddad"), ("Mme", "Gwenaëlle", "Riou")],
        "companies": ["Transports Le Bihan", "Menuiserie Caradec SAS", "Ambulances de l'Erdre", "Ets Jaouen Frères",
                      "Paysages d'Armor", "Taxis Nantais", "Crêperie du Port"],
        "invoice_numbers": [lambda r, d: f"F{d.year % 100:02d}/{r.randint(1, 9999):05d}",
                            lambda r, d: f"VT-{d.year}-{d.month:02d}-{r.randint(1, 999):03d}",
                            lambda r, d: f"{r.randint(100000, 9999999):07d}",
                            lambda r, d: f"G{d.year}.{r.randint(1, 9999):04d}"],
        "credit_numbers": [lambda r, d: f"AVR{d.year % 100:02d}{r.randint(1, 9999):05d}",
                           lambda r, d: f"A-{d.year}-{r.randint(1, 999):03d}"],
        "en_numbers": [lambda r, d: f"{d.year % 100:02d}-INV{r.randint(1000, 9999)}", lambda r, d: f"A{r.randint(10000, 99999)}"],
        "en_issuers": [("Harbour Road Motors Ltd", "GBP", ["Harbour Road", "Southampton SO14 3FT"]),
                       ("Oakfield Vehicle Services Ltd", "GBP", ["5 Oakfield Park", "Norwich NR6 6XA"]),
                       ("Lone Star Fleet Repair LLC", "USD", ["7600 Burnet Road", "Austin, TX 78757"]),
                       ("Atelier Marchand Automobiles", "EUR", ["4 route des Creusettes", "74330 Poisy, France"])],
        "en_clients": {"GBP": [("Solent Freight Services", ["Dock Gate 4, Western Docks", "Southampton SO15 1AW"]),
                               ("Broadland Taxis Ltd", ["21 Prince of Wales Road", "Norwich NR1 1BD"])],
                       "USD": [("Capitol Courier Co.", ["1100 Congress Avenue", "Austin, TX 78701"]),
                               ("Hill Country Landscaping LLC", ["3400 Bee Caves Road", "Austin, TX 78746"])],
                       "EUR": [("Lakeside Coaches GmbH", ["Seestrasse 41", "8002 Zürich, Switzerland"]),
                               ("Dublin Bay Rentals Ltd", ["14 Sir John Rogerson's Quay", "Dublin D02 XK52, Ireland"])]},
        "insurers": [("MACIF", "MACIF – Mutuelle Assurance des Commerçants et Industriels de France – Société d'assurance mutuelle",
                      ["2-4 rue Pied de Fond", "79037 Niort Cedex 9"]),
                     ("Allianz", "Allianz IARD – Entreprise régie par le Code des assurances – 542 110 291 RCS Nanterre",
                      ["1 cours Michelet – CS 30051", "92076 Paris La Défense Cedex"]),
                     ("Thélem", "Thélem assurances – Société d'assurance mutuelle à cotisations variables",
                      ["Le Croquet", "45430 Chécy"]),
                     ("GMF", "GMF Assurances – SA au capital de 181 385 440 € – RCS Nanterre 398 972 901",
                      ["148 rue Anatole France", "92597 Levallois-Perret Cedex"])],
        "contract_numbers": [lambda r: f"{r.randint(10, 99)} {r.randint(100000, 999999)} {r.randint(10, 99)}".replace(" ", ""),
                             lambda r: f"P{r.randint(10000000, 99999999)}",
                             lambda r: f"{r.randint(2019, 2025)}/VAM/{r.randint(10000, 99999)}"],
    },
}

# Vehicles: make, model, D.2 type-variant-version, D.2.1 CNIT, J.3 body, WMI, fuels, P.1, P.2 (kW), P.6, masses
VEHICLES = [
    ("RENAULT", "CLIO", "BH0L2", "M10RENVP472E768", "CI", "VF1", ["ES", "GO", "EH"], 999, 67, 5, 1130),
    ("PEUGEOT", "308", "LPBHZ", "M10PGTVP0039584", "CI", "VF3", ["GO", "ES", "EH"], 1499, 96, 6, 1320),
    ("CITROEN", "C3", "SXHMZ", "M10CTNVP1244K56", "CI", "VF7", ["ES", "GO"], 1199, 61, 4, 1090),
    ("VOLKSWAGEN", "GOLF", "AUCJXX", "M10VWGVP325R451", "CI", "WVW", ["ES", "GO"], 1498, 96, 7, 1280),
    ("TOYOTA", "YARIS", "KSP210", "M10TYTVP521C883", "CI", "VNK", ["EH", "ES"], 1490, 68, 5, 1100),
    ("DACIA", "SANDERO", "DJFSB", "M10DCAVP004T213", "CI", "UU1", ["ES", "GO"], 999, 67, 5, 1080),
    ("RENAULT", "ZOE", "AG1R135", "M10RENVP931E112", "CI", "VF1", ["EL"], 0, 100, 1, 1502),
    ("FORD", "TRANSIT CUSTOM", "FAC6", "M10FRDVP0012K07", "CAMIONNETTE", "WF0", ["GO"], 1995, 96, 8, 2050),
    ("PEUGEOT", "3008", "MCBHZ", "M10PGTVP0081922", "BREAK", "VF3", ["GO", "EH"], 1499, 96, 7, 1480),
]
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTVWXYZ"
FUEL_NAMES = {"GO": "diesel", "ES": "gasoline", "EL": "electric", "EH": "hybrid"}

# Parts: ref prefix, designation, unit price HT in cents, possible quantities
PARTS = [
    ("HM", "Huile moteur 5W30 (L)", 1290, ["4,5", "5", "4"]), ("FH", "Filtre à huile", 1290, ["1"]),
    ("FA", "Filtre à air", 2150, ["1"]), ("FC", "Filtre habitacle charbon actif", 2890, ["1"]),
    ("PL", "Plaquettes de frein AV", 6890, ["1"]), ("DF", "Disques de frein AV (paire)", 11990, ["1"]),
    ("PN", "Pneu 205/55 R16 91V", 8450, ["2", "4"]), ("BE", "Balais essuie-glace AV", 2490, ["1"]),
    ("BA", "Batterie 70Ah 640A", 13900, ["1"]), ("BG", "Bougie d'allumage", 890, ["4", "3"]),
    ("KD", "Kit distribution + pompe à eau", 38900, ["1"]), ("LR", "Liquide de refroidissement (L)", 590, ["2", "3", "5"]),
    ("AH", "Ampoule H7 12V 55W", 790, ["1", "2"]), ("AM", "Amortisseur AV", 8900, ["2"]),
    ("RD", "Rotule de direction", 4590, ["1", "2"]), ("VA", "Valve pneu", 300, ["2", "4"]),
    ("CR", "Courroie accessoires", 3490, ["1"]), ("EM", "Kit embrayage", 42900, ["1"]),
    ("FG", "Filtre à gazole", 3290, ["1"]), ("AD", "AdBlue (L)", 190, ["10", "5"]),
]
LABOUR = ["Main d'oeuvre vidange + contrôle", "Main d'oeuvre remplacement plaquettes", "Main d'oeuvre diagnostic électronique",
          "Main d'oeuvre montage / équilibrage", "Main d'oeuvre remplacement distribution", "Main d'oeuvre remplacement embrayage",
          "Main d'oeuvre géométrie", "Main d'oeuvre recharge climatisation"]
EN_ITEMS = [("Full service (oil + filters)", 14900), ("Front brake pads", 6400), ("Brake discs (pair)", 11200),
            ("Tyre 225/45 R17", 9800), ("Wheel alignment", 5500), ("Diagnostic check", 4500), ("Wiper blades", 1800),
            ("Battery replacement", 12900), ("Air-con regas", 6900), ("Labour (hours)", 7200)]
MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
        "novembre", "décembre"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]

# ----------------------------------------------------------------------------------------------------------------
# Small helpers: identifiers, dates, amounts.


def luhn_ok(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        x = int(ch)
        if i % 2 == 1:
            x = x * 2 - 9 if x * 2 > 9 else x * 2
        total += x
    return total % 10 == 0


def luhn_complete(payload):
    return next(payload + str(d) for d in range(10) if luhn_ok(payload + str(d)))


def new_siren(r):
    return luhn_complete(str(r.randint(1, 9)) + "".join(str(r.randrange(10)) for _ in range(7)))


def new_siret(r, siren):
    return luhn_complete(siren + f"000{r.randint(1, 9)}")


def vat_of(siren):
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def spaced(s, groups):
    out, i = [], 0
    for g in groups:
        out.append(s[i:i + g])
        i += g
    return " ".join(x for x in out if x)


def fmt_siret(r, s):
    return r.choice([spaced(s, [3, 3, 3, 5]), s, spaced(s, [3, 3, 3, 5]), spaced(s, [9, 5])])


def fmt_siren(r, s):
    return r.choice([spaced(s, [3, 3, 3]), s])


def fmt_vat(r, v):
    return r.choice([v, spaced(v, [2, 2, 3, 3, 3]), spaced(v, [4, 3, 3, 3]), spaced(v, [2, 11])])


def iban(r):
    bban = f"{r.randint(10000, 30004):05d}{r.randint(0, 99999):05d}{r.randint(0, 10 ** 11 - 1):011d}{r.randint(1, 97):02d}"
    check = 98 - int(bban + "152700") % 97
    s = f"FR{check:02d}{bban}"
    return " ".join(s[i:i + 4] for i in range(0, len(s), 4))


def phone(r):
    d = [r.randint(10, 99) for _ in range(4)]
    pre = r.choice(["04", "02", "01", "05", "06"])
    return r.choice([f"{pre} {d[0]} {d[1]} {d[2]} {d[3]}", f"{pre}.{d[0]}.{d[1]}.{d[2]}.{d[3]}",
                     f"+33 {pre[1]} {d[0]} {d[1]} {d[2]} {d[3]}"])


def plate(r):
    L = PLATE_LETTERS
    return f"{r.choice(L)}{r.choice(L)}-{r.randint(1, 999):03d}-{r.choice(L)}{r.choice(L)}"


def rand_date(r, start, end):
    return start + dt.timedelta(days=r.randint(0, (end - start).days))


def fr_date(d, style):
    if style == "slash":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == "dot":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    if style == "short":
        return f"{d.day:02d}/{d.month:02d}/{d.year % 100:02d}"
    if style == "dash":
        return f"{d.day:02d}-{d.month:02d}-{d.year}"
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {MOIS[d.month - 1]} {d.year}"


def en_date(d, style):
    if style == "us":
        return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    if style == "us_short":
        return f"{MONTHS[d.month - 1][:3]} {d.day}, {d.year}"
    if style == "uk":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def fr_num(c, thou=" "):
    sign = "-" if c < 0 else ""
    e, rem = divmod(abs(c), 100)
    return f"{sign}{e:,}".replace(",", thou) + f",{rem:02d}"


def en_num(c):
    sign = "-" if c < 0 else ""
    e, rem = divmod(abs(c), 100)
    return f"{sign}{e:,}.{rem:02d}"


def money(c):
    sign = "-" if c < 0 else ""
    return f"{sign}{abs(c) // 100}.{abs(c) % 100:02d}"


def cents(x):
    return int(Decimal(x).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def qty_dec(q):
    return Decimal(q.replace(",", "."))


def km(n, style):
    if style == 0:
        return f"{n:,} km".replace(",", " ")
    if style == 1:
        return f"{n} km"
    if style == 2:
        return f"{n:,}".replace(",", " ")
    return f"{n:,} km".replace(",", ".")


# ----------------------------------------------------------------------------------------------------------------
# Page model: positioned text (x, baseline y from the top, in points), rules and boxes.

_MEASURE = {}


def text_width(s, size, bold=False):
    f = _MEASURE.get(bold)
    if f is None:
        f = _MEASURE[bold] = ImageFont.truetype(FONT_FILES[bold], 1000)
    return f.getlength(s) * size / 1000.0


class Page:
    def __init__(self, background=None):
        self.items = []
        self.background = background

    def text(self, x, y, s, size=9.0, bold=False, align="l", grp="body", role="text", f=(), gray=0.0):
        s = str(s)
        self.items.append({"k": "t", "x": x, "y": y, "s": s, "size": size, "bold": bold, "align": align,
                           "grp": grp, "role": role, "f": set(f), "gray": gray})
        return text_width(s, size, bold)

    def line(self, x1, y1, x2, y2, w=0.5, gray=0.0, dash=None, grp="rules"):
        self.items.append({"k": "l", "x1": x1, "y1": y1, "x2": x2, "y2": y2, "w": w, "gray": gray, "dash": dash,
                           "grp": grp})

    def rect(self, x, y, w, h, fill=None, stroke=None, lw=0.5, grp="rules"):
        self.items.append({"k": "r", "x": x, "y": y, "w": w, "h": h, "fill": fill, "stroke": stroke, "lw": lw,
                           "grp": grp})

    def fields(self):
        out = set()
        for it in self.items:
            if it["k"] == "t":
                out |= it["f"]
        return out


def left_x(it):
    w = text_width(it["s"], it["size"], it["bold"])
    return it["x"] - (w if it["align"] == "r" else w / 2 if it["align"] == "c" else 0)


def lv(p, x, y, label, value, size=9.0, f=(), vx=None, gap=4, lbold=False, vbold=False, grp="meta"):
    """A label and its value on one line, as two separate text items."""
    w = p.text(x, y, label, size, lbold, grp=grp, role="label")
    p.text(vx if vx is not None else x + w + gap, y, value, size, vbold, grp=grp, role="value", f=f)


def wrap(s, width, size, bold=False):
    lines, cur = [], ""
    for word in s.split(" "):
        trial = (cur + " " + word).strip()
        if cur and text_width(trial, size, bold) > width:
            lines.append(cur)
            cur = word
        else:
            cur = trial
    if cur:
        lines.append(cur)
    return lines


def fit(s, width, size, bold=False):
    while s and text_width(s, size, bold) > width:
        s = s[:-1]
    return s.rstrip()


# ----------------------------------------------------------------------------------------------------------------
# Reusable blocks.


def items_table(p, r, x0, y, cols, rows, size, style=None, head_fill=None):
    """cols: [(title, width, align)]; rows: list of cell lists (or ("section", text)). Returns the bottom y."""
    style = style or r.choice(["grid", "vlines", "zebra", "plain"])
    head_fill = head_fill if head_fill is not None else r.choice([0.85, 0.88, 0.92, None])
    total_w = sum(c[1] for c in cols)
    head_h = size * r.uniform(1.9, 2.3)
    row_h = size * r.uniform(1.65, 1.95)
    if head_fill is not None:
        p.rect(x0, y, total_w, head_h, fill=head_fill, grp="table")
    p.line(x0, y, x0 + total_w, y, 0.7)
    p.line(x0, y + head_h, x0 + total_w, y + head_h, 0.7)
    cx = x0
    base = y + head_h / 2 + size * 0.35
    for title, w, align in cols:
        tx = cx + 4 if align == "l" else cx + w - 4 if align == "r" else cx + w / 2
        p.text(tx, base, title, size, True, align, grp="table", role="label")
        cx += w
    yy = y + head_h
    for i, row in enumerate(rows):
        if style == "zebra" and i % 2 == 1:
            p.rect(x0, yy, total_w, row_h, fill=0.95, grp="table")
        base = yy + row_h / 2 + size * 0.35
        if row and row[0] == "section":
            p.text(x0 + 4, base, row[1], size, True, grp="table")
        else:
            cx = x0
            for (title, w, align), cell in zip(cols, row):
                if cell:
                    cell = fit(cell, w - 7, size)
                    tx = cx + 4 if align == "l" else cx + w - 4 if align == "r" else cx + w / 2
                    p.text(tx, base, cell, size, False, align, grp="table", role="value")
                cx += w
        yy += row_h
        if style == "grid":
            p.line(x0, yy, x0 + total_w, yy, 0.3, gray=0.4)
    p.line(x0, yy, x0 + total_w, yy, 0.7)
    if style in ("grid", "vlines", "zebra"):
        cx = x0
        for _, w, _ in cols:
            p.line(cx, y, cx, yy, 0.4)
            cx += w
        p.line(cx, y, cx, yy, 0.4)
    return yy


def totals_block(p, r, right, y, rows, size, style=None, grp="totals"):
    """rows: [(label, value, fields, bold)]; label column then a right-aligned value column."""
    style = style or r.choice(["box", "box_fill", "plain", "lines"])
    lw = max(text_width(lab, size, b) for lab, _, _, b in rows) + 16
    vw = max(70, max(text_width(v, size, b) for _, v, _, b in rows) + 16)
    x0 = right - lw - vw
    row_h = size * r.uniform(1.8, 2.2)
    for i, (lab, val, f, b) in enumerate(rows):
        top = y + i * row_h
        base = top + row_h / 2 + size * 0.35
        if style == "box_fill" and b:
            p.rect(x0, top, lw + vw, row_h, fill=0.86, grp=grp)
        if style == "plain":
            p.text(x0 + lw - 8, base, lab, size, b, "r", grp=grp, role="label")
        else:
            p.text(x0 + 6, base, lab, size, b, grp=grp, role="label")
        p.text(right - 6, base, val, size, b, "r", grp=grp, role="value", f=f)
        if style in ("box", "box_fill", "lines") and i:
            p.line(x0, top, right, top, 0.3, gray=0.3)
    bottom = y + len(rows) * row_h
    if style in ("box", "box_fill"):
        p.rect(x0, y, lw + vw, bottom - y, stroke=0.0, lw=0.6, grp=grp)
        p.line(x0 + lw, y, x0 + lw, bottom, 0.4)
    elif style == "lines":
        p.line(x0, y, right, y, 0.6)
        p.line(x0, bottom, right, bottom, 0.6)
    return bottom, x0


# ----------------------------------------------------------------------------------------------------------------
# Document context shared by the invoice templates.


class Ctx:
    def __init__(self, r, pool, split):
        self.r, self.pool, self.split = r, pool, split
        self.margin = r.uniform(36, 54)
        name = r.choice(pool["garages"])
        self.issuer = name.upper() if r.random() < 0.25 else name
        self.legal = r.choice(["SARL", "SAS", "EURL", "SAS", "SARL"])
        self.capital = r.choice(["7 500", "8 000", "10 000", "15 000", "30 000", "50 000"])
        self.city = r.choice(pool["cities"])
        self.street = f"{r.randint(1, 180)} {r.choice(pool['streets'])}"
        slug = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
        self.phone = phone(r)
        self.email = r.choice(["contact@", "atelier@", "compta@"]) + "".join(ch for ch in slug if ch.isalnum())[:18] + ".fr"
        self.siren = new_siren(r)
        self.siret = new_siret(r, self.siren)
        self.vat = vat_of(self.siren)
        self.ape = r.choice(["4520A", "4520B", "4532Z", "4511Z"])
        self.iban = iban(r)
        self.bic = r.choice(["CCBPFRPPLYO", "AGRIFRPP878", "CMCIFR2A", "BNPAFRPPXXX", "CEPAFRPP444", "SOGEFRPP"])
        self.date = rand_date(r, dt.date(2025, 1, 6), dt.date(2026, 6, 26))
        self.due = self.date + dt.timedelta(days=r.choice([0, 15, 30, 30, 45]))
        self.work_date = self.date - dt.timedelta(days=r.randint(1, 6))
        self.order_no = f"{r.choice(['BC', 'CDE', 'OR', 'DEV'])}-{r.randint(1000, 99999)}"
        self.client_no = f"{r.choice(['C', 'CL', ''])}{r.randint(100, 99999):05d}"
        self.company_client = r.random() < 0.4
        civ, first, last = r.choice(pool["people"])
        if self.company_client:
            self.client = r.choice(pool["companies"])
        else:
            self.client = r.choice([f"{civ} {first} {last.upper()}", f"{civ} {last.upper()} {first}", f"{civ} {first} {last}"])
        ccity = r.choice(pool["cities"])
        self.client_addr = [f"{r.randint(1, 240)} {r.choice(pool['streets'])}", f"{ccity[0]} {ccity[1].upper() if r.random() < 0.5 else ccity[1]}"]
        v = r.choice(VEHICLES)
        self.vehicle = v
        self.plate = plate(r)
        self.vin = v[5] + "".join(r.choice(VIN_CHARS) for _ in range(14))
        self.mileage = r.randint(4, 260) * 1000 + r.randint(0, 999)
        self.km_style = r.randrange(4)
        self.date_style = r.choice(["slash", "slash", "slash", "dot", "short", "long", "dash"])
        self.thou = r.choice([" ", " ", "\u00a0", ".", ""])
        self.cur = r.choice([" €", " €", "€", " EUR", " €"])
        self.number = r.choice(pool["invoice_numbers"])(r, self.date)
        self.vat_rate = Decimal("0.20")

    def d(self, d):
        return fr_date(d, self.date_style)

    def amt(self, c, cur=True):
        return fr_num(c, self.thou) + (self.cur if cur else "")

    def make_lines(self, n_parts, n_labour, sign=1):
        r = self.r
        lines = []
        for ref, desc, price, qtys in r.sample(PARTS, n_parts):
            q = r.choice(qtys)
            price = int(price * r.uniform(0.85, 1.2))
            disc = r.choice([0, 0, 0, 0, 5, 10, 15])
            total = cents(qty_dec(q) * price * (100 - disc) / 100) * sign
            lines.append({"ref": f"{ref}{r.randint(100, 9999)}", "desc": desc, "qty": q, "unit": price * sign,
                          "disc": disc, "total": total, "labour": False})
        rate = r.choice([5800, 6200, 6500, 6900, 7200, 7800, 8400])
        for desc in r.sample(LABOUR, n_labour):
            h = r.choice(["0,5", "1", "1,5", "2", "2,5", "3,2", "0,8"])
            total = cents(qty_dec(h) * rate) * sign
            lines.append({"ref": "MO", "desc": desc, "qty": h, "unit": rate * sign, "disc": 0, "total": total,
                          "labour": True})
        if r.random() < 0.5:
            r.shuffle(lines)
        return lines

    def totals(self, lines, deposit=0):
        self.ht = sum(l["total"] for l in lines)
        self.tva = cents(Decimal(self.ht) * self.vat_rate)
        self.ttc = self.ht + self.tva
        self.deposit = deposit
        return self.ht, self.tva, self.ttc

    def truth(self):
        return {"invoice_number": self.number, "invoice_date": self.date.isoformat(), "garage_name": self.issuer,
                "siret": self.siret, "siren": self.siren, "vat_number": self.vat, "total_excl_tax": money(self.ht),
                "vat_amount": money(self.tva), "total_incl_tax": money(self.ttc), "currency": "EUR",
                "mileage": self.mileage}


def issuer_block(p, c, x, y, ids="siret", align="l", name_size=None):
    """Issuer name, address, phone, email and (optionally) identifiers. Returns the bottom y."""
    r = c.r
    ns = name_size or r.choice([14, 15, 16, 18])
    p.text(x, y, c.issuer, ns, True, align, grp="issuer", f=["garage_name"])
    y += ns * 0.6 + 10
    s = r.choice([8, 8.5, 9])
    lines = [(c.street, ()), (f"{c.city[0]} {c.city[1]}", ())]
    lines.append((r.choice(["Tél. ", "Tél : ", "Tel. ", ""]) + c.phone, ()))
    if r.random() < 0.7:
        lines.append((c.email, ()))
    if ids in ("siret", "siret+vat"):
        lines.append((r.choice(["SIRET : ", "Siret ", "N° SIRET : "]) + fmt_siret(r, c.siret), ["siret"]))
    if ids in ("siret+vat", "vat"):
        lines.append((r.choice(["N° TVA : ", "TVA intracom. : ", "N° TVA intracommunautaire : "]) + fmt_vat(r, c.vat), ["vat_number"]))
    if ids == "siren+vat":
        lines.append((f"SIREN {fmt_siren(r, c.siren)} – TVA {fmt_vat(r, c.vat)}", ["siren", "vat_number"]))
    for s_, f in lines:
        p.text(x, y, s_, s, False, align, grp="issuer", f=f)
        y += s * 1.35
    return y


def client_block(p, c, x, y, label=None, boxed=False, width=210):
    r = c.r
    s = r.choice([9, 9.5, 10])
    y0 = y
    if label:
        p.text(x, y, label, s - 1, True, grp="client", role="label")
        y += s * 1.5
    p.text(x, y, c.client, s, True, grp="client")
    y += s * 1.35
    for a in c.client_addr:
        p.text(x, y, a, s, False, grp="client")
        y += s * 1.35
    if boxed:
        p.rect(x - 8, y0 - s * 1.4, width, y - y0 + s * 1.2, stroke=0.0, lw=0.5, grp="client")
    return y


def legal_footer(p, c, y, kind="full", size=None):
    """The small legal line at the bottom of a French invoice."""
    r = c.r
    size = size or r.choice([6.5, 7, 7.5])
    capital = f"{c.legal} au capital de {c.capital} €"
    rcs = r.choice([f"RCS {c.city[1]} B {fmt_siren(r, c.siren)}", f"RCS {c.city[1]} {fmt_siren(r, c.siren)}",
                    f"R.C.S. {c.city[1]} {fmt_siren(r, c.siren)}"])
    tva = r.choice(["TVA intracommunautaire ", "N° TVA intracom. ", "TVA "]) + fmt_vat(r, c.vat)
    parts = [(capital, ()), (rcs, ["siren"])]
    if kind == "full":
        parts.append(("SIRET " + fmt_siret(r, c.siret), ["siret"]))
    parts += [(tva, ["vat_number"]), (f"APE {c.ape}", ())]
    sep = r.choice([" – ", " - ", " • ", " | "])
    # Group the parts into lines that fit the page width.
    lines, cur = [], []
    for s, f in parts:
        trial = sep.join([x for x, _ in cur] + [s])
        if cur and text_width(trial, size) > PAGE_W - 2 * c.margin:
            lines.append(cur)
            cur = []
        cur.append((s, f))
    lines.append(cur)
    for i, ln in enumerate(lines):
        tags = set()
        for _, f in ln:
            tags |= set(f)
        p.text(PAGE_W / 2, y + i * size * 1.4, sep.join(s for s, _ in ln), size, False, "c", grp="footer",
               gray=0.2, f=tags)
    return y + len(lines) * size * 1.4


def bank_line(p, c, y, size=7.5, align="l", x=None):
    s = c.r.choice([f"IBAN : {c.iban}  BIC : {c.bic}", f"Règlement par virement – IBAN {c.iban} – BIC {c.bic}",
                    f"Coordonnées bancaires : {c.iban} / {c.bic}"])
    p.text(x if x is not None else c.margin, y, s, size, False, align, grp="footer")


def conditions(p, c, y, size=7):
    r = c.r
    txt = r.choice([
        "Conditions de paiement : à réception de facture. Pas d'escompte pour paiement anticipé. En cas de retard, "
        "pénalités au taux de 3 fois le taux d'intérêt légal et indemnité forfaitaire pour frais de recouvrement de 40 €.",
        "Paiement comptant. Tout retard de paiement entraîne des pénalités égales à 10 % du montant TTC et une "
        "indemnité forfaitaire de 40 € (art. L441-10 du Code de commerce).",
        "Les pièces remplacées sont tenues à la disposition du client pendant 8 jours. Garantie pièces et main "
        "d'oeuvre : 12 mois ou 20 000 km. Escompte pour paiement anticipé : néant."])
    for i, ln in enumerate(wrap(txt, PAGE_W - 2 * c.margin, size)):
        p.text(c.margin, y + i * size * 1.35, ln, size, False, grp="footer", gray=0.15)
    return y + len(wrap(txt, PAGE_W - 2 * c.margin, size)) * size * 1.35


def garage_cols(r, width, labels=None):
    """The parts-and-labour table: Réf. | Désignation | Qté | P.U. HT | Remise | Total HT."""
    t = labels or [r.choice(["Réf.", "Référence", "Code"]), r.choice(["Désignation", "Libellé", "Description"]),
                   r.choice(["Qté", "Quantité", "Qté/h"]), r.choice(["P.U. HT", "Prix unit. HT", "PU HT"]),
                   r.choice(["Remise", "Rem. %", "Remise"]), r.choice(["Total HT", "Montant HT", "Total H.T."])]
    fixed = [62, 0, 40, 62, 44, 70]
    fixed[1] = width - sum(fixed)
    aligns = ["l", "l", "r", "r", "r", "r"]
    return list(zip(t, fixed, aligns))


def garage_row(c, l):
    disc = "" if not l["disc"] else c.r.choice([f"{l['disc']} %", f"-{l['disc']}%", f"{l['disc']},00"])
    qty = l["qty"] + (" h" if l["labour"] and c.r.random() < 0.5 else "")
    return [l["ref"], l["desc"], qty, fr_num(l["unit"], c.thou), disc, fr_num(l["total"], c.thou)]


def vat_label(c):
    return c.r.choice(["TVA 20,00 %", "TVA 20 %", "T.V.A. (20%)", "TVA (20,0%)", "Montant TVA 20 %"])


# ----------------------------------------------------------------------------------------------------------------
# Invoice templates. Each returns (pages, truth fields); fields get filtered by what the rendered pages show.


def t_garage(c, vatrecap=False):
    r, p = c.r, Page()
    L, R = c.margin, PAGE_W - c.margin
    ids = r.choice(["siret", "siret+vat", "siret", "vat"]) if not vatrecap else "siren+vat"
    y = issuer_block(p, c, L, r.uniform(50, 66), ids=ids)
    # Title and meta on the right.
    ty = r.uniform(54, 68)
    p.text(R, ty, r.choice(["FACTURE", "Facture", "FACTURE"]), r.choice([18, 20, 22]), True, "r", grp="title")
    ms = r.choice([8.5, 9])
    meta = [(r.choice(["Facture n°", "N° facture", "Numéro"]), c.number, ["invoice_number"]),
            (r.choice(["Date", "Date facture", "Date de facture"]), c.d(c.date), ["invoice_date"])]
    extra = [(r.choice(["Date d'intervention", "Date de livraison"]), c.d(c.work_date), []),
             ("N° client", c.client_no, []), (r.choice(["N° commande", "N° OR", "Réf. commande"]), c.order_no, [])]
    meta += r.sample(extra, r.randint(1, 3))
    if r.random() < 0.4:
        meta = meta[:1] + r.sample(meta[1:], len(meta) - 1)
    my = ty + 22
    lab_x = R - r.uniform(170, 200)
    for i, (lab, val, f) in enumerate(meta):
        lv(p, lab_x, my + i * ms * 1.6, lab + " :", val, ms, f=f, vx=R, grp="meta")
        p.items[-1]["align"] = "r"
    my += len(meta) * ms * 1.6
    # Customer, boxed, below meta.
    cy = max(my, y) + r.uniform(16, 26)
    client_block(p, c, R - 200, cy, label=r.choice([None, "Client", "Facturé à :"]), boxed=r.random() < 0.6, width=205)
    # Vehicle block: labels above values.
    vy = cy + 80
    vs = r.choice([8, 8.5])
    p.rect(L, vy, R - L, vs * 1.9, fill=r.choice([0.88, 0.9, 0.93]), grp="vehicle")
    p.text(L + 5, vy + vs * 1.35, r.choice(["VÉHICULE", "Véhicule", "Identification du véhicule"]), vs, True, grp="vehicle")
    make, model = c.vehicle[0], c.vehicle[1]
    cols = [("Immatriculation", c.plate, []), ("Marque / Modèle", f"{make} {model}", []), ("N° de série (VIN)", c.vin, []),
            (r.choice(["Kilométrage", "Km compteur", "Kilométrage"]), km(c.mileage, c.km_style), ["mileage"]),
            ("1re mise en circ.", fr_date(c.date.replace(year=c.date.year - r.randint(2, 12)), "slash"), [])]
    widths = [85, 115, 130, 75, 0]
    widths[-1] = R - L - sum(widths)
    x = L
    for (lab, val, f), w in zip(cols, widths):
        p.text(x + 5, vy + vs * 3.3, lab, vs - 1, False, grp="vehicle", role="label", gray=0.3)
        p.text(x + 5, vy + vs * 4.8, val, vs + 0.5, True, grp="vehicle", role="value", f=f)
        x += w
    p.rect(L, vy, R - L, vs * 5.8, stroke=0.0, lw=0.5, grp="vehicle")
    # Table.
    lines = c.make_lines(r.randint(3, 7), r.randint(1, 3))
    c.totals(lines, deposit=r.choice([0, 0, 0, 5000, 10000]))
    ts = r.choice([8, 8.5])
    bottom = items_table(p, r, L, vy + vs * 5.8 + r.uniform(14, 24), garage_cols(r, R - L), [garage_row(c, l) for l in lines], ts)
    # Totals.
    ty = bottom + r.uniform(14, 24)
    ts2 = r.choice([9, 9.5, 10])
    if vatrecap:
        # Held-out only: a VAT recap table on the left, and differently worded totals on the right.
        rc = [("Code", 34, "l"), ("Base HT", 70, "r"), ("Taux", 40, "r"), ("Montant TVA", 70, "r")]
        p.text(L, ty - 4, "Récapitulatif TVA", 8, True, grp="recap")
        items_table(p, r, L, ty, rc, [["T1", fr_num(c.ht, c.thou), "20,00", fr_num(c.tva, c.thou)],
                                      ["T0", "0,00", "0,00", "0,00"]], 8, style="grid", head_fill=0.9)
        rows = [("Montant HT", c.amt(c.ht), ["total_excl_tax", "currency"], False),
                ("Montant TVA", c.amt(c.tva), ["vat_amount"], False),
                ("Montant TTC", c.amt(c.ttc), ["total_incl_tax"], True)]
        if c.deposit:
            rows.append(("Acompte reçu", c.amt(-c.deposit), [], False))
        rows.append((r.choice(["Reste dû", "Solde à régler", "Net à payer"]), c.amt(c.ttc - c.deposit), [], True))
    else:
        rows = [(r.choice(["Total HT", "Total H.T.", "Montant HT"]), c.amt(c.ht), ["total_excl_tax", "currency"], False),
                (vat_label(c), c.amt(c.tva), ["vat_amount"], False),
                (r.choice(["Total TTC", "Total T.T.C.", "Montant TTC"]), c.amt(c.ttc), ["total_incl_tax"], True)]
        if c.deposit:
            rows.append((r.choice(["Acompte versé", "Acompte"]), c.amt(-c.deposit), [], False))
        if c.deposit or r.random() < 0.6:
            rows.append((r.choice(["Net à payer", "Net à payer TTC", "Reste à payer"]), c.amt(c.ttc - c.deposit), [], True))
    tb, _ = totals_block(p, r, R, ty, rows, ts2)
    # Footer.
    fy = max(tb + 30, 700)
    fy = conditions(p, c, fy, 6.5) + 6
    bank_line(p, c, fy + 4, 7)
    if ids == "vat" or r.random() < 0.5:
        legal_footer(p, c, 800, kind="full")
    p.text(R, 826, r.choice(["Page 1/1", "1/1", "Page 1 sur 1"]), 7, False, "r", grp="footer")
    return [p], c.truth()


def t_twocol(c):
    r, p = c.r, Page()
    L, R = c.margin, PAGE_W - c.margin
    y0 = r.uniform(52, 70)
    y = issuer_block(p, c, L, y0, ids=r.choice(["siret", "siret+vat"]))
    # Customer block on the right: "Client :" then name and address.
    cx = R - r.uniform(190, 215)
    cy = y0 + r.uniform(40, 70)
    client_block(p, c, cx, cy, label=r.choice(["Client :", "Adressé à :", "Destinataire :"]), boxed=r.random() < 0.5)
    # Title then the number/date grid: header row, values below.
    ty = max(y, cy + 60) + r.uniform(22, 34)
    p.text(L, ty, r.choice(["FACTURE", "Facture"]), r.choice([16, 18, 20]), True, grp="title")
    gy = ty + 14
    heads = ["N° facture", "Date", "Échéance"] + r.sample(["N° client", "Mode de règlement", "Réf. commande"], r.randint(1, 2))
    vals = {"N° facture": (c.number, ["invoice_number"]), "Date": (c.d(c.date), ["invoice_date"]),
            "Échéance": (c.d(c.due), []), "N° client": (c.client_no, []),
            "Mode de règlement": (r.choice(["Virement", "Chèque", "CB"]), []), "Réf. commande": (c.order_no, [])}
    gs = r.choice([8, 8.5])
    cw = (R - L) / len(heads)
    p.rect(L, gy, R - L, gs * 2, fill=r.choice([0.85, 0.9, None]), grp="grid")
    for i, h in enumerate(heads):
        x = L + i * cw
        p.text(x + cw / 2, gy + gs * 1.35, h, gs, True, "c", grp="grid", role="label")
        v, f = vals[h]
        p.text(x + cw / 2, gy + gs * 3.4, v, gs + 0.5, False, "c", grp="grid", role="value", f=f)
        p.line(x, gy, x, gy + gs * 4.2, 0.4)
    p.rect(L, gy, R - L, gs * 4.2, stroke=0.0, lw=0.5, grp="grid")
    p.line(L, gy + gs * 2, R, gy + gs * 2, 0.4)
    # Vehicle on one line.
    vy = gy + gs * 4.2 + 20
    vs = 8.5
    x = L
    for lab, val, f in [("Véhicule :", f"{c.vehicle[0]} {c.vehicle[1]}", []), ("Immat. :", c.plate, []),
                        (r.choice(["Kilométrage :", "Km :"]), km(c.mileage, c.km_style), ["mileage"])]:
        w = p.text(x, vy, lab, vs, True, grp="vehicle", role="label")
        w2 = p.text(x + w + 4, vy, val, vs, False, grp="vehicle", role="value", f=f)
        x += w + w2 + 24
    # Table (simpler columns).
    lines = c.make_lines(r.randint(2, 6), r.randint(1, 2))
    c.totals(lines)
    cols = [("Désignation", R - L - 230, "l"), ("Qté", 40, "r"), ("P.U. HT", 65, "r"), ("TVA", 45, "r"), ("Montant HT", 80, "r")]
    rows = [[l["desc"], l["qty"], fr_num(l["unit"], c.thou), "20 %", fr_num(l["total"], c.thou)] for l in lines]
    bottom = items_table(p, r, L, vy + 14, cols, rows, r.choice([8, 8.5, 9]))
    rows = [(r.choice(["Total HT", "Total H.T."]), c.amt(c.ht), ["total_excl_tax", "currency"], False),
            (vat_label(c), c.amt(c.tva), ["vat_amount"], False),
            (r.choice(["Total TTC", "TOTAL TTC"]), c.amt(c.ttc), ["total_incl_tax"], True)]
    tb, _ = totals_block(p, r, R, bottom + 16, rows, r.choice([9, 10]))
    p.text(L, bottom + 30, f"Échéance de paiement : {c.d(c.due)}", 8, False, grp="footer")
    bank_line(p, c, bottom + 44, 7.5)
    conditions(p, c, max(tb + 40, 740), 6.5)
    p.text(PAGE_W / 2, 820, f"{c.issuer} – {c.street} – {c.city[0]} {c.city[1]} – Tél. {c.phone}", 6.5, False, "c",
           grp="footer", gray=0.3, f=["garage_name"])
    return [p], c.truth()


def t_row3(c):
    r, p = c.r, Page()
    L, R = c.margin, PAGE_W - c.margin
    # Centered header.
    y = r.uniform(52, 64)
    p.text(PAGE_W / 2, y, c.issuer, r.choice([16, 18]), True, "c", grp="issuer", f=["garage_name"])
    p.text(PAGE_W / 2, y + 16, f"{c.street} – {c.city[0]} {c.city[1]}", 8.5, False, "c", grp="issuer")
    p.text(PAGE_W / 2, y + 28, f"Tél. {c.phone} – {c.email}", 8.5, False, "c", grp="issuer")
    p.text(PAGE_W / 2, y + 40, f"SIRET {fmt_siret(r, c.siret)} – N° TVA {fmt_vat(r, c.vat)}", 8, False, "c",
           grp="issuer", f=["siret", "vat_number"])
    p.line(L, y + 50, R, y + 50, 1.0)
    # One title line holds number and date.
    ty = y + 80
    title = r.choice(["FACTURE N°", "Facture n°", "FACTURE"])
    w = p.text(L, ty, title, 14, True, grp="title", role="label")
    w2 = p.text(L + w + 5, ty, c.number, 14, True, grp="title", role="value", f=["invoice_number"])
    w3 = p.text(L + w + w2 + 12, ty, r.choice(["du", "en date du"]), 11, False, grp="title", role="label")
    p.text(L + w + w2 + w3 + 16, ty, fr_date(c.date, r.choice(["long", "slash"])), 11, False, grp="title", role="value",
           f=["invoice_date"])
    client_block(p, c, R - 200, ty + 30, label="Client", boxed=True, width=205)
    lv(p, L, ty + 30, "N° client :", c.client_no, 8.5)
    lv(p, L, ty + 43, r.choice(["Date d'intervention :", "Date de livraison :"]), c.d(c.work_date), 8.5)
    lv(p, L, ty + 56, "Immatriculation :", c.plate, 8.5, grp="vehicle")
    lv(p, L, ty + 69, r.choice(["Kilométrage :", "Kilométrage relevé :"]), km(c.mileage, c.km_style), 8.5,
       f=["mileage"], grp="vehicle")
    lines = c.make_lines(r.randint(3, 8), r.randint(1, 2))
    c.totals(lines)
    bottom = items_table(p, r, L, ty + 100, garage_cols(r, R - L), [garage_row(c, l) for l in lines], 8)
    # The three-column totals row: header row then amounts in the row below.
    heads = [r.choice(["Total HT", "Montant HT", "Base HT"]), r.choice(["TVA 20 %", "TVA", "Montant TVA"]),
             r.choice(["Total TTC", "Montant TTC", "Net à payer TTC"])]
    vals = [(c.amt(c.ht), ["total_excl_tax", "currency"]), (c.amt(c.tva), ["vat_amount"]), (c.amt(c.ttc), ["total_incl_tax"])]
    if r.random() < 0.4:
        heads.insert(0, "Remise")
        vals.insert(0, (c.amt(0), []))
    cw = r.uniform(85, 100)
    x0 = R - cw * len(heads)
    gy = bottom + r.uniform(18, 30)
    s = r.choice([9, 9.5])
    p.rect(x0, gy, cw * len(heads), s * 2, fill=r.choice([0.85, 0.9]), grp="totals")
    for i, (h, (v, f)) in enumerate(zip(heads, vals)):
        x = x0 + i * cw
        p.text(x + cw / 2, gy + s * 1.35, h, s - 0.5, True, "c", grp="totals", role="label")
        p.text(x + cw / 2, gy + s * 3.45, v, s, i == len(heads) - 1, "c", grp="totals", role="value", f=f)
        p.line(x, gy, x, gy + s * 4.3, 0.4)
    p.rect(x0, gy, cw * len(heads), s * 4.3, stroke=0.0, lw=0.6, grp="totals")
    p.text(L, gy + s * 2, r.choice(["Montants exprimés en euros.", "Taux de TVA : 20 %", "Règlement : chèque ou virement"]),
           8, False, grp="footer")
    conditions(p, c, 760, 6.5)
    bank_line(p, c, 800, 7, "c", PAGE_W / 2)
    return [p], c.truth()


def t_footer(c):
    """No identifier in the header: everything legal is in the small footer (SIRET or SIREN-only)."""
    r, p = c.r, Page()
    L, R = c.margin, PAGE_W - c.margin
    kind = r.choice(["full", "siren_only"])
    y = r.uniform(48, 62)
    p.rect(L, y - 18, 32, 32, fill=0.3, grp="issuer")  # a logo square
    p.text(L + 16, y + 4, c.issuer[0], 18, True, "c", grp="issuer", gray=1.0)
    p.text(L + 42, y, c.issuer, r.choice([15, 17]), True, grp="issuer", f=["garage_name"])
    p.text(L + 42, y + 13, r.choice(["Mécanique – Carrosserie – Pneumatiques", "Entretien toutes marques",
                                      "Réparation – Vente véhicules d'occasion"]), 8, False, grp="issuer", gray=0.35)
    p.text(L, y + 38, f"{c.street}, {c.city[0]} {c.city[1]}", 8.5, False, grp="issuer")
    p.text(L, y + 50, f"{c.phone} · {c.email}", 8.5, False, grp="issuer")
    # Right: title + number + dates, label left/value right.
    p.text(R, y, "FACTURE", 20, True, "r", grp="title")
    rows = [("N° :", c.number, ["invoice_number"]), ("Date :", c.d(c.date), ["invoice_date"]),
            (r.choice(["Échéance :", "Date d'échéance :"]), c.d(c.due), [])]
    for i, (lab, val, f) in enumerate(rows):
        p.text(R - 95, y + 20 + i * 12, lab, 8.5, True, "r", grp="meta", role="label")
        p.text(R, y + 20 + i * 12, val, 8.5, False, "r", grp="meta", role="value", f=f)
    client_block(p, c, R - 200, y + 85, label="Client", boxed=r.random() < 0.5)
    vy = y + 90
    lv(p, L, vy, "Véhicule :", f"{c.vehicle[0]} {c.vehicle[1]} – {c.plate}", 8.5, grp="vehicle")
    lv(p, L, vy + 12, r.choice(["Kilométrage :", "Km :"]), km(c.mileage, c.km_style), 8.5, f=["mileage"], grp="vehicle")
    lv(p, L, vy + 24, r.choice(["N° commande :", "N° OR :"]), c.order_no, 8.5)
    lines = c.make_lines(r.randint(3, 8), r.randint(1, 3))
    c.totals(lines, deposit=r.choice([0, 0, 5000]))
    bottom = items_table(p, r, L, vy + 70, garage_cols(r, R - L), [garage_row(c, l) for l in lines], 8)
    rows = [("Total HT", c.amt(c.ht), ["total_excl_tax", "currency"], False),
            (vat_label(c), c.amt(c.tva), ["vat_amount"], False),
            ("Total TTC", c.amt(c.ttc), ["total_incl_tax"], True)]
    if c.deposit:
        rows += [("Acompte versé le " + fr_date(c.work_date, "slash"), c.amt(c.deposit), [], False),
                 ("Net à payer", c.amt(c.ttc - c.deposit), [], True)]
    tb, _ = totals_block(p, r, R, bottom + 16, rows, 9.5)
    bank_line(p, c, tb + 22, 7.5)
    p.text(L, tb + 34, "Taux de pénalité de retard : 3 fois le taux d'intérêt légal.", 7, False, grp="footer", gray=0.2)
    p.line(L, 792, R, 792, 0.4, gray=0.5)
    legal_footer(p, c, 803, kind="full" if kind == "full" else "siren")
    t = c.truth()
    if kind != "full":
        t.pop("siret")
    return [p], t


def t_multipage(c):
    """Two pages: items continue on page 2, carried-forward subtotals, totals on the last page only."""
    r = c.r
    L, R = c.margin, PAGE_W - c.margin
    fleet = c.company_client and r.random() < 0.6
    ts = r.choice([8, 8.5])
    row_h_guess = ts * 1.95
    # Lines: enough for page 1 to overflow.
    lines = []
    if fleet:
        for _ in range(3):
            sub = c.make_lines(r.randint(4, 7), r.randint(1, 2))
            lines.append(("section", f"Véhicule {plate(r)} – {r.choice(VEHICLES)[1]} – {km(r.randint(8000, 190000), 0)}"))
            lines += sub
    else:
        lines = c.make_lines(16, 5) + c.make_lines(8, 3)
    items = [l for l in lines if isinstance(l, dict)]
    c.totals(items)
    cols = garage_cols(r, R - L)
    p1, p2 = Page(), Page()
    # Page 1: full header.
    y = issuer_block(p1, c, L, r.uniform(50, 62), ids=r.choice(["siret", "siret+vat"]))
    p1.text(R, 62, "FACTURE", 20, True, "r", grp="title")
    lv(p1, R - 170, 84, "N° :", c.number, 9, f=["invoice_number"], vx=R)
    p1.items[-1]["align"] = "r"
    lv(p1, R - 170, 97, "Date :", c.d(c.date), 9, f=["invoice_date"], vx=R)
    p1.items[-1]["align"] = "r"
    lv(p1, R - 170, 110, "N° client :", c.client_no, 9, vx=R)
    p1.items[-1]["align"] = "r"
    client_block(p1, c, R - 200, 140, label="Client", boxed=True)
    vy = max(y, 190) + 12
    if not fleet:
        lv(p1, L, vy, "Véhicule :", f"{c.vehicle[0]} {c.vehicle[1]} – {c.plate} – VIN {c.vin}", 8.5, grp="vehicle")
        lv(p1, L, vy + 12, "Kilométrage :", km(c.mileage, c.km_style), 8.5, f=["mileage"], grp="vehicle")
    else:
        lv(p1, L, vy, "Objet :", "Entretien flotte – contrat n° " + str(r.randint(1000, 9999)), 8.5)
    # Split the rows so page 1 is full.
    cap = int((740 - (vy + 40)) / row_h_guess) - 1
    cap = min(cap, len(lines) - 4)
    first, rest = lines[:cap], lines[cap:]

    def row(l):
        return l if isinstance(l, tuple) else garage_row(c, l)

    bottom = items_table(p1, r, L, vy + 30, cols, [row(l) for l in first], ts, style="vlines")
    carried = sum(l["total"] for l in first if isinstance(l, dict))
    lab = r.choice(["À reporter", "Total à reporter", "Sous-total à reporter"])
    p1.text(R - 90, bottom + 16, lab, 9, True, "r", grp="carry", role="label")
    p1.text(R - 4, bottom + 16, c.amt(carried), 9, True, "r", grp="carry", role="value")
    p1.text(PAGE_W / 2, 812, "Page 1/2", 7.5, False, "c", grp="footer")
    legal_footer(p1, c, 826, kind="full", size=6.5)
    # Page 2: short repeated header.
    hdr = r.choice(["full", "number", "none"])
    p2.text(L, 50, c.issuer, 11, True, grp="issuer", f=["garage_name"] if hdr != "none" else [])
    if hdr == "full":
        p2.text(R, 50, f"Facture {c.number} du {c.d(c.date)} (suite)", 9, False, "r", grp="meta",
                f=["invoice_number", "invoice_date"])
    elif hdr == "number":
        p2.text(R, 50, f"Facture n° {c.number} – suite", 9, False, "r", grp="meta", f=["invoice_number"])
    else:
        p2.text(R, 50, "Suite de la facture", 9, False, "r", grp="meta")
    p2.line(L, 58, R, 58, 0.6)
    p2.text(R - 90, 80, r.choice(["Report", "Report page précédente", "Reporté"]), 9, True, "r", grp="carry", role="label")
    p2.text(R - 4, 80, c.amt(carried), 9, True, "r", grp="carry", role="value")
    bottom = items_table(p2, r, L, 92, cols, [row(l) for l in rest], ts, style="vlines")
    rows = [("Total HT", c.amt(c.ht), ["total_excl_tax", "currency"], False),
            (vat_label(c), c.amt(c.tva), ["vat_amount"], False),
            ("Total TTC", c.amt(c.ttc), ["total_incl_tax"], True),
            ("Net à payer", c.amt(c.ttc), [], True)]
    tb, _ = totals_block(p2, r, R, bottom + 18, rows, 10)
    bank_line(p2, c, tb + 24, 7.5)
    conditions(p2, c, tb + 40, 6.5)
    p2.text(PAGE_W / 2, 812, "Page 2/2", 7.5, False, "c", grp="footer")
    legal_footer(p2, c, 826, kind="full", size=6.5)
    t = c.truth()
    if fleet:
        t.pop("mileage")
    return [p1, p2], t


def t_credit(c):
    r, p = c.r, Page()
    L, R = c.margin, PAGE_W - c.margin
    c.number = r.choice(c.pool["credit_numbers"])(r, c.date)
    orig_no = r.choice(c.pool["invoice_numbers"])(r, c.date)
    orig_date = c.date - dt.timedelta(days=r.randint(3, 40))
    y = issuer_block(p, c, L, r.uniform(50, 64), ids=r.choice(["siret", "siret+vat"]))
    ty = max(y, 120) + 20
    w = p.text(L, ty, r.choice(["AVOIR N°", "Avoir n°", "FACTURE D'AVOIR N°"]), 16, True, grp="title", role="label")
    p.text(L + w + 6, ty, c.number, 16, True, grp="title", role="value", f=["invoice_number"])
    lv(p, L, ty + 20, "Date :", c.d(c.date), 9.5, f=["invoice_date"])
    lv(p, L, ty + 33, r.choice(["Facture d'origine :", "Réf. facture :", "Annule et remplace la facture"]),
       f"{orig_no} du {c.d(orig_date)}", 9.5)
    lv(p, L, ty + 46, "Motif :", r.choice(["retour de pièce non utilisée", "geste commercial", "erreur de facturation",
                                           "pièce sous garantie constructeur"]), 9.5)
    client_block(p, c, R - 200, 70 + r.uniform(0, 20), label="Client :", boxed=r.random() < 0.5)
    lv(p, R - 200, ty + 46, "Immat. :", c.plate, 9, grp="vehicle")
    lines = c.make_lines(r.randint(1, 3), r.randint(0, 1), sign=-1)
    c.totals(lines)
    bottom = items_table(p, r, L, ty + 70, garage_cols(r, R - L), [garage_row(c, l) for l in lines], 8.5)
    rows = [("Total HT", c.amt(c.ht), ["total_excl_tax", "currency"], False),
            (vat_label(c), c.amt(c.tva), ["vat_amount"], False),
            ("Total TTC", c.amt(c.ttc), ["total_incl_tax"], True),
            (r.choice(["Montant à rembourser", "Net à déduire", "Avoir à valoir"]), c.amt(-c.ttc), [], True)]
    tb, _ = totals_block(p, r, R, bottom + 18, rows, 10)
    p.text(L, tb + 24, r.choice(["Cet avoir sera déduit de votre prochaine facture.",
                                 "Remboursement par virement sous 15 jours."]), 8.5, False, grp="footer")
    legal_footer(p, c, 806, kind="full")
    t = c.truth()
    t.pop("mileage")
    return [p], t


def t_english(c):
    r, p = c.r, Page()
    L, R = c.margin, PAGE_W - c.margin
    name, currency, addr = r.choice(c.pool["en_issuers"])
    c.issuer = name
    c.number = r.choice(c.pool["en_numbers"])(r, c.date)
    bill_name, bill_addr = r.choice(c.pool["en_clients"][currency])
    sym = {"GBP": "£", "USD": "$", "EUR": "€"}[currency]
    fr_style = currency == "EUR" and r.random() < 0.5

    def amt(x):
        if fr_style:
            return f"€{fr_num(x, ' ')}"
        return f"-{sym}{en_num(-x)}" if x < 0 else f"{sym}{en_num(x)}"

    dstyle = {"USD": r.choice(["us", "us_short"]), "GBP": r.choice(["uk", "uk_long"]), "EUR": r.choice(["uk", "us", "uk_long"])}[currency]
    p.text(L, 62, name, r.choice([15, 17]), True, grp="issuer", f=["garage_name"])
    tel = {"EUR": phone(r), "GBP": f"0{r.randint(113, 239)} {r.randint(100, 999)} {r.randint(1000, 9999)}",
           "USD": f"({r.randint(201, 989)}) {r.randint(200, 999)}-{r.randint(1000, 9999)}"}[currency]
    for i, a in enumerate(addr + [r.choice(["Tel: ", "Phone: "]) + tel]):
        p.text(L, 78 + i * 11.5, a, 8.5, False, grp="issuer")
    ids = []
    if currency == "EUR":
        ids = [(f"SIRET {fmt_siret(r, c.siret)}", ["siret"]), (f"VAT No. {fmt_vat(r, c.vat)}", ["vat_number"])]
    elif currency == "GBP":
        ids = [(f"Company No. {r.randint(1000000, 13999999):08d}", [])]
    else:
        ids = [(f"EIN {r.randint(10, 99)}-{r.randint(1000000, 9999999)}", [])]
    for i, (s, f) in enumerate(ids):
        p.text(L, 78 + (len(addr) + 1 + i) * 11.5, s, 8, False, grp="issuer", f=f)
    p.text(R, 66, "INVOICE", r.choice([22, 26]), True, "r", grp="title")
    rows = [(r.choice(["Invoice #", "Invoice no.", "Invoice number:"]), c.number, ["invoice_number"]),
            (r.choice(["Invoice date:", "Date:", "Issue date:"]), en_date(c.date, dstyle), ["invoice_date"]),
            ("Due date:", en_date(c.due + dt.timedelta(days=r.choice([14, 30])), dstyle), []),
            (r.choice(["P.O. number:", "Order ref:", "Customer ID:"]), str(r.randint(4500000, 4599999)), [])]
    if r.random() < 0.5:
        rows[2], rows[3] = rows[3], rows[2]
    for i, (lab, val, f) in enumerate(rows):
        if lab == "Invoice #" and r.random() < 0.5:
            p.text(R, 88 + i * 12, f"Invoice #{val}", 9, True, "r", grp="meta", f=f)
            continue
        p.text(R - 100, 88 + i * 12, lab, 9, lab.startswith("Invoice"), "r", grp="meta", role="label")
        p.text(R, 88 + i * 12, val, 9, False, "r", grp="meta", role="value", f=f)
    by = 180
    p.text(L, by, r.choice(["Bill to:", "BILL TO", "Billed to:"]), 8.5, True, grp="client", role="label", gray=0.3)
    p.text(L, by + 14, bill_name, 10, True, grp="client")
    for i, a in enumerate(bill_addr):
        p.text(L, by + 27 + i * 11.5, a, 9, False, grp="client")
    if r.random() < 0.6:
        p.text(PAGE_W / 2, by, "Vehicle:", 8.5, True, grp="vehicle", role="label", gray=0.3)
        p.text(PAGE_W / 2, by + 14, f"{c.vehicle[0].title()} {c.vehicle[1].title()}", 9, False, grp="vehicle")
        odo = r.randint(5000, 150000)
        if currency == "EUR":
            p.text(PAGE_W / 2, by + 26, f"Odometer: {odo:,} km", 9, False, grp="vehicle", f=["mileage"])
            c.mileage = odo
        else:
            p.text(PAGE_W / 2, by + 26, f"Mileage: {odo:,} mi", 9, False, grp="vehicle")
    items = r.sample(EN_ITEMS, r.randint(3, 6))
    rows_ = []
    for desc, price in items:
        q = r.choice([1.5, 2, 2.5]) if "Labour" in desc else r.choice([2, 4]) if "Tyre" in desc else 1
        unit = int(price * r.uniform(0.9, 1.15))
        tot = cents(Decimal(str(q)) * unit)
        rows_.append((desc, q, unit, tot))
    ht = sum(x[3] for x in rows_)
    rate = {"GBP": Decimal("0.20"), "EUR": Decimal("0.20"), "USD": Decimal(r.choice(["0.0825", "0.0625", "0.08"]))}[currency]
    tax = cents(Decimal(ht) * rate)
    ttc = ht + tax
    c.ht, c.tva, c.ttc = ht, tax, ttc
    cols = [("Description", R - L - 215, "l"), ("Qty", 45, "r"), ("Unit price", 80, "r"), ("Amount", 90, "r")]
    trows = [[d, (str(q) if isinstance(q, int) else f"{q}"), amt(u), amt(t)] for d, q, u, t in rows_]
    bottom = items_table(p, r, L, 250, cols, trows, 9, style=r.choice(["plain", "zebra"]), head_fill=r.choice([0.2, 0.9]))
    if p.items and any(it["k"] == "r" and it.get("fill") == 0.2 for it in p.items):
        for it in p.items:  # white header text on a dark bar
            if it["k"] == "t" and it["role"] == "label" and it["grp"] == "table":
                it["gray"] = 1.0
    pct = f"{(rate * 100).normalize():f}%"
    tax_label = {"GBP": r.choice([f"VAT ({pct})", f"VAT @ {pct}", f"Tax ({pct})"]), "EUR": r.choice([f"VAT ({pct})", f"Tax ({pct})"]),
                 "USD": r.choice([f"Sales tax ({pct})", f"Tax ({pct})"])}[currency]
    paid = r.choice([0, 0, cents(ttc * Decimal("0.3"))])
    rows = [("Subtotal", amt(ht), ["total_excl_tax", "currency"], False), (tax_label, amt(tax), ["vat_amount"], False)]
    if paid:
        rows += [("Total", amt(ttc), ["total_incl_tax"], True), ("Amount paid", amt(-paid), [], False),
                 ("Balance due", amt(ttc - paid), [], True)]
    else:
        rows.append((r.choice(["Total amount due", "Total due", "Amount due"]), amt(ttc), ["total_incl_tax"], True))
    tb, _ = totals_block(p, r, R, bottom + 14, rows, 10, style=r.choice(["plain", "lines", "box_fill"]))
    p.text(L, tb + 30, "Payment terms: " + r.choice(["Net 30", "Due on receipt", "14 days"]), 8.5, False, grp="footer")
    if currency == "GBP":
        p.text(L, tb + 42, f"Bank: Sort code {r.randint(10, 99)}-{r.randint(10, 99)}-{r.randint(10, 99)}  Account {r.randint(10000000, 99999999)}",
               8.5, False, grp="footer")
    elif currency == "EUR":
        p.text(L, tb + 42, f"IBAN {c.iban}  BIC {c.bic}", 8.5, False, grp="footer")
    p.text(PAGE_W / 2, 810, "Thank you for your business!", 9, True, "c", grp="footer", gray=0.3)
    t = c.truth()
    t["currency"] = currency
    if currency != "EUR":
        for k in ("siret", "siren", "vat_number", "mileage"):
            t.pop(k)
    return [p], t


# ----------------------------------------------------------------------------------------------------------------
# Registration certificate (carte grise) and insurance templates.


def t_carte_grise(r, pool):
    p = Page(background="ci")
    L = r.uniform(34, 44)
    _, first, last = r.choice(pool["people"])
    company = r.random() < 0.2
    holder = fold(r.choice(pool["companies"]) if company else f"{last} {first}").upper()
    city = r.choice(pool["cities"])
    v = r.choice(VEHICLES)
    fuel = r.choice(v[6])
    pl = plate(r)
    b = rand_date(r, dt.date(2011, 1, 1), dt.date(2024, 12, 20))
    i = rand_date(r, max(b, dt.date(2019, 1, 1)), dt.date(2026, 5, 1))
    vin = v[5] + "".join(r.choice(VIN_CHARS) for _ in range(14))
    cv = v[9] + r.choice([0, 0, 1])
    cs, vs = r.choice([(6, 9), (6.5, 9.5), (7, 10)])
    p.text(L, 40, "RÉPUBLIQUE FRANÇAISE", 9, True, grp="head")
    p.text(L, 49, "Liberté · Égalité · Fraternité", 6, False, grp="head", gray=0.3)
    p.text(PAGE_W / 2 + 20, 46, "CERTIFICAT D'IMMATRICULATION", 13, True, "c", grp="head")
    p.text(PAGE_W - L, 40, f"{i.year}{r.choice(PLATE_LETTERS)}{r.choice(PLATE_LETTERS)}{r.randint(10000, 99999)}", 8, False, "r",
           grp="head")
    p.line(L, 58, PAGE_W - L, 58, 0.8)

    def fld(x, y, code, value, f=None, big=False, vx=None):
        p.text(x, y, code, cs, False, grp="codes", role="label", gray=0.25)
        p.text(vx if vx is not None else x + 28, y, value, 20 if big else vs, big, grp="values", role="value",
               f=[f] if f else [])

    fld(L, 88, "A", pl, "license_plate", big=True, vx=L + 14)
    fld(L + 175, 88, "B", fr_date(b, "slash"), "first_registration_date", vx=L + 188)
    col2 = PAGE_W / 2 + r.uniform(10, 25)
    dy = vs * r.uniform(1.95, 2.25)
    y = 118
    addr = [fold(f"{r.randint(1, 90)} {r.choice(pool['streets'])}").upper(), fold(f"{city[0]} {city[1]}").upper()]
    left = [("C.1", holder, "holder_name"), ("C.4a", "EST LE PROPRIETAIRE DU VEHICULE", None), ("C.3", addr[0], None),
            ("", addr[1], None), ("D.1", v[0], "make"), ("D.2", v[2], "vehicle_type"), ("D.2.1", v[3], None),
            ("D.3", v[1], "model"), ("E", vin, "vin"), ("F.1", str(v[10] + 450), None), ("F.2", str(v[10] + 450), None),
            ("F.3", str(v[10] + 1600), None), ("G", str(v[10] + 75), None), ("G.1", str(v[10]), None),
            ("J", "M1" if v[4] != "CAMIONNETTE" else "N1", None), ("J.1", "VP" if v[4] != "CAMIONNETTE" else "CTTE", None)]
    right = [("I", fr_date(i, "slash"), "certificate_date"), ("H", r.choice(["", "", "---"]), None),
             ("J.2", "AA" if v[4] != "CAMIONNETTE" else "BB", None), ("J.3", v[4], None),
             ("K", f"e{r.randint(1, 13)}*2007/46*{r.randint(100, 2999):04d}*{r.randint(1, 20):02d}", None),
             ("P.1", str(v[7]) if v[7] else "", None), ("P.2", str(v[8]), None), ("P.3", fuel, "fuel_type"),
             ("P.6", str(cv), "fiscal_power"), ("Q", f"0,{r.randint(40, 90):03d}", None), ("S.1", "5" if v[4] != "CAMIONNETTE" else "3", None),
             ("S.2", "", None), ("U.1", str(r.randint(70, 82)), None), ("U.2", str(r.choice([3000, 3750, 4000])), None),
             ("V.7", "0" if fuel == "EL" else str(r.randint(92, 165)), None),
             ("V.9", r.choice(["715/2007*2018/1832EURO6", "715/2007*692/2008EURO6", "70/220*2006/96EURO4"]), None),
             ("X.1", fr_date(rand_date(r, i, dt.date(2026, 6, 1)), "slash") if r.random() < 0.5 else "", None)]
    taxe = cv * r.choice([4300, 4600, 5100, 6000]) if fuel != "EL" else 0
    ys = [taxe, 0, 0, 1100, 276, taxe + 1376]
    right += [(f"Y.{k + 1}", fr_num(x, " "), None) for k, x in enumerate(ys)]
    right.append(("Z.1", r.choice(["", "", "DUPLICATA", "VEH. ANC. IMMAT. ETRANGER"]), None))
    for k, (code, val, f) in enumerate(left):
        yy = y + k * dy
        if code:
            p.text(L, yy, code, cs, False, grp="codes", role="label", gray=0.25)
        if val:
            p.text(L + 30, yy, val, vs, code in ("C.1", "E"), grp="values", role="value", f=[f] if f else [])
    dy2 = max(vs * 1.4, len(left) * dy / len(right))
    for k, (code, val, f) in enumerate(right):
        yy = y + k * dy2
        p.text(col2, yy, code, cs, False, grp="codes", role="label", gray=0.25)
        if val:
            p.text(col2 + 28, yy, val, vs, code in ("I",), grp="values", role="value", f=[f] if f else [])
    p.line(col2 - 12, 104, col2 - 12, max(len(left) * dy, len(right) * dy2) + y - 8, 0.4, gray=0.5)
    # Notices under the fields, then the detachable coupon at the bottom.
    ny = max(y + len(left) * dy, y + len(right) * dy2) + 14
    notice = ("Le titulaire du certificat d'immatriculation doit déclarer tout changement d'adresse ou de "
              "caractéristiques du véhicule dans le délai d'un mois. En cas de cession, il remet à l'acquéreur le "
              "présent certificat barré avec la mention « vendu le » ou « cédé le » suivie de la date et de l'heure.")
    for k, ln in enumerate(wrap(notice, PAGE_W - 2 * L, 6.5)):
        p.text(L, ny + k * 8.5, ln, 6.5, False, grp="notice", gray=0.3)
    cy = max(ny + 40, r.uniform(600, 650))
    p.line(L, cy, PAGE_W - L, cy, 0.6, gray=0.2, dash=(4, 3))
    p.text(PAGE_W / 2, cy + 18, "COUPON DÉTACHABLE", 10, True, "c", grp="coupon")
    p.text(PAGE_W / 2, cy + 30, "à remplir par le vendeur et à remettre à l'acquéreur en cas de cession", 7, False, "c",
           grp="coupon", gray=0.3)
    p.text(L, cy + 52, "A", cs, False, grp="coupon", gray=0.25)
    p.text(L + 14, cy + 52, pl, 12, True, grp="coupon")
    p.text(L + 150, cy + 52, "E", cs, False, grp="coupon", gray=0.25)
    p.text(L + 164, cy + 52, vin, vs, False, grp="coupon")
    p.text(L, cy + 72, "Date et heure de la cession : ____ / ____ / ________  à ____ h ____", 8, False, grp="coupon")
    p.text(L, cy + 90, "Signature du titulaire :", 8, False, grp="coupon")
    p.text(L + 280, cy + 90, "Signature de l'acquéreur :", 8, False, grp="coupon")
    p.rect(L, cy + 40, PAGE_W - 2 * L, 70, stroke=0.3, lw=0.5, grp="coupon")
    matrix_code(p, r, PAGE_W - L - 64, cy + 47, 56, r.choice([20, 22, 24]))
    p.text(L, cy + 128, f"D.1 {v[0]}   D.3 {v[1]}", 8, False, grp="coupon")
    p.text(PAGE_W / 2, 815, "Document à conserver – Toute rature ou surcharge annule ce document", 6.5, False, "c",
           grp="foot", gray=0.35)
    truth = {"license_plate": pl, "first_registration_date": b.isoformat(), "vin": vin, "make": v[0], "model": v[1],
             "vehicle_type": v[2], "holder_name": holder, "certificate_date": i.isoformat(),
             "fuel_type": FUEL_NAMES[fuel], "fiscal_power": cv}
    return [p], truth


def fold(s):
    """Without accents, as the SIV prints names and addresses."""
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()


def matrix_code(p, r, x, y, size, n):
    """A Data Matrix-like 2D code: solid left and bottom edges, alternating top and right edges, random data."""
    m = size / n
    for i in range(n):
        for j in range(n):
            on = (j == 0 or i == n - 1 or (i == 0 and j % 2 == 0) or (j == n - 1 and i % 2 == 1)
                  or (0 < i < n - 1 and 0 < j < n - 1 and r.random() < 0.5))
            if on:
                p.rect(x + j * m, y + i * m, m, m, fill=0.1, grp="code")


def insurance_data(r, pool):
    name, legal, addr = r.choice(pool["insurers"])
    start = rand_date(r, dt.date(2024, 9, 1), dt.date(2026, 3, 1))
    if r.random() < 0.5:
        start = start.replace(day=1)
    try:
        end = start.replace(year=start.year + 1) - dt.timedelta(days=1)
    except ValueError:
        end = start + dt.timedelta(days=364)
    civ, first, last = r.choice(pool["people"])
    city = r.choice(pool["cities"])
    v = r.choice(VEHICLES)
    return {"name": name, "legal": legal, "addr": addr, "start": start, "end": end, "issued": start - dt.timedelta(days=r.randint(3, 25)),
            "contract": r.choice(pool["contract_numbers"])(r), "holder": f"{civ} {first} {last.upper()}",
            "holder_addr": [f"{r.randint(1, 120)} {r.choice(pool['streets'])}", f"{city[0]} {city[1]}"],
            "plate": plate(r), "vehicle": f"{v[0]} {v[1]}", "client_no": f"{r.randint(10000000, 99999999)}",
            "dstyle": r.choice(["slash", "slash", "long", "dot"])}


def insurer_letterhead(p, r, d, L, R):
    s = r.choice([22, 26, 28])
    p.text(L, 70, d["name"], s, True, grp="logo", f=["insurer"], gray=r.choice([0.0, 0.15]))
    if r.random() < 0.5:
        p.rect(L, 76, text_width(d["name"], s, True), 3, fill=0.2, grp="logo")
    for i, a in enumerate(d["addr"]):
        p.text(L, 92 + i * 10, a, 7.5, False, grp="logo", gray=0.3)
    # Recipient address window.
    x = R - 210
    p.text(x, 150, d["holder"], 10, True, grp="recipient")
    for i, a in enumerate(d["holder_addr"]):
        p.text(x, 163 + i * 12.5, a, 10, False, grp="recipient")


def t_memo(r, pool):
    """An A4 letter carrying a 'Mémo véhicule assuré' card to keep in the car."""
    d = insurance_data(r, pool)
    p = Page()
    L, R = r.uniform(40, 55), PAGE_W - r.uniform(40, 55)
    insurer_letterhead(p, r, d, L, R)
    fd = lambda x: fr_date(x, d["dstyle"])
    lv(p, L, 215, "Date d'émission :", fr_date(d["issued"], "slash"), 8.5)
    lv(p, L, 228, "N° sociétaire :", d["client_no"], 8.5)
    p.text(L, 262, r.choice(["Votre Mémo véhicule assuré", "Votre justificatif d'assurance automobile"]), 13, True, grp="body")
    body = ("Depuis le 1er avril 2024, la carte verte n'est plus obligatoire : votre véhicule est inscrit au Fichier des "
            "véhicules assurés (FVA). Nous vous adressons ce mémo, à conserver dans votre véhicule. Il reprend les "
            "informations utiles en cas de contrôle ou de constat amiable.")
    for k, ln in enumerate(wrap(body, R - L, 9)):
        p.text(L, 282 + k * 12, ln, 9, False, grp="body")
    # The card.
    cx, cy, cw, ch = L + r.uniform(0, 40), r.uniform(350, 380), r.uniform(330, 380), 210
    p.line(cx - 10, cy - 10, cx + cw + 10, cy - 10, 0.5, gray=0.4, dash=(3, 3))
    p.line(cx - 10, cy + ch + 10, cx + cw + 10, cy + ch + 10, 0.5, gray=0.4, dash=(3, 3))
    p.rect(cx, cy, cw, ch, stroke=0.1, lw=1.0, grp="card")
    p.rect(cx, cy, cw, 26, fill=r.choice([0.8, 0.85, 0.9]), grp="card")
    p.text(cx + 10, cy + 18, "MÉMO VÉHICULE ASSURÉ", 12, True, grp="card")
    p.text(cx + cw - 10, cy + 18, d["name"], 11, True, "r", grp="card", f=["insurer"])
    rows = [("Assureur / Insurer", d["name"], ["insurer"]),
            ("N° de contrat / Contract number", d["contract"], ["contract_number"]),
            ("Souscripteur / Policyholder", d["holder"], []),
            ("Véhicule / Vehicle", d["vehicle"], []),
            ("Immatriculation / Registration", d["plate"], ["license_plate"])]
    yy = cy + 46
    for lab, val, f in rows:
        p.text(cx + 10, yy, lab, 6.5, False, grp="cardlab", role="label", gray=0.35)
        p.text(cx + 10, yy + 11, val, 9.5, True, grp="cardval", role="value", f=f)
        yy += 26
    style = r.choice(["sentence", "two"])
    if style == "sentence":
        p.text(cx + 10, yy + 4, "Période de validité / Validity period :", 6.5, False, grp="cardlab", role="label", gray=0.35)
        p.text(cx + 10, yy + 16, f"du {fd(d['start'])} au {fd(d['end'])}", 9.5, True, grp="cardval", role="value",
               f=["start_date", "end_date"])
    else:
        p.text(cx + 10, yy + 4, "Valable du / Valid from", 6.5, False, grp="cardlab", role="label", gray=0.35)
        p.text(cx + 10, yy + 16, fd(d["start"]), 9.5, True, grp="cardval", role="value", f=["start_date"])
        p.text(cx + 170, yy + 4, "au / to", 6.5, False, grp="cardlab", role="label", gray=0.35)
        p.text(cx + 170, yy + 16, fd(d["end"]), 9.5, True, grp="cardval", role="value", f=["end_date"])
    p.text(L, cy + ch + 40, "En cas d'accident, contactez notre service assistance 24h/24 : " + phone(r), 8.5, False, grp="body")
    p.text(L, cy + ch + 54, f"Prochaine échéance de votre contrat : {fr_date(d['end'] + dt.timedelta(days=1), 'slash')}",
           8.5, False, grp="body")
    for k, ln in enumerate(wrap(d["legal"], R - L, 6.5)):
        p.text(PAGE_W / 2, 806 + k * 9, ln, 6.5, False, "c", grp="footer", gray=0.3)
    truth = {"insurer": d["name"], "contract_number": d["contract"], "start_date": d["start"].isoformat(),
             "end_date": d["end"].isoformat(), "license_plate": d["plate"]}
    return [p], truth


def t_letter(r, pool):
    """An 'Attestation d'assurance' letter: sentences and a small table."""
    d = insurance_data(r, pool)
    p = Page()
    L, R = r.uniform(45, 60), PAGE_W - r.uniform(45, 60)
    insurer_letterhead(p, r, d, L, R)
    fd = lambda x: fr_date(x, d["dstyle"])
    p.text(R, 225, f"{d['addr'][1].split(' ', 1)[1].split(' Cedex')[0]}, le {fr_date(d['issued'], 'long')}",
           9, False, "r", grp="body")
    p.text(PAGE_W / 2, 275, "ATTESTATION D'ASSURANCE", 15, True, "c", grp="title")
    p.text(PAGE_W / 2, 290, "Responsabilité civile automobile", 9.5, False, "c", grp="title", gray=0.3)
    plate_in_text = r.random() < 0.75
    body = (f"Nous soussignés, {d['name']}, attestons que {d['holder']}, demeurant {d['holder_addr'][0]}, "
            f"{d['holder_addr'][1]}, est titulaire d'un contrat d'assurance automobile satisfaisant aux obligations "
            f"des articles L211-1 et suivants du Code des assurances.")
    yy = 325
    for ln in wrap(body, R - L, 10):
        p.text(L, yy, ln, 10, False, grp="body")
        yy += 13.5
    yy += 12
    rows = [("Assureur :", d["name"], ["insurer"]), ("N° de contrat :", d["contract"], ["contract_number"]),
            ("Véhicule :", d["vehicle"], [])]
    if plate_in_text:
        rows.append(("Immatriculation :", d["plate"], ["license_plate"]))
    rows.append(("Usage :", r.choice(["Promenade et trajet travail", "Affaires", "Tous déplacements"]), []))
    lx = L + 20
    for lab, val, f in rows:
        p.text(lx, yy, lab, 10, True, grp="tlab", role="label")
        p.text(lx + 120, yy, val, 10, False, grp="tval", role="value", f=f)
        yy += 15
    yy += 8
    if r.random() < 0.5:
        w = p.text(L, yy, "Période de validité :", 10, True, grp="period", role="label")
        p.text(L + w + 6, yy, f"du {fd(d['start'])} au {fd(d['end'])} inclus", 10, False, grp="period", role="value",
               f=["start_date", "end_date"])
    else:
        p.text(L, yy, f"La présente attestation est valable du {fd(d['start'])} au {fd(d['end'])}, sous réserve du "
               f"paiement des cotisations.", 10, False, grp="period", f=["start_date", "end_date"])
    yy += 34
    p.text(L, yy, r.choice([f"Date d'émission : {fr_date(d['issued'], 'slash')}",
                            f"Document établi le {fr_date(d['issued'], 'slash')}"]), 9, False, grp="body")
    p.text(L, yy + 14, "La présente attestation ne peut engager l'assureur au-delà des limites du contrat.", 9,
           False, grp="body")
    p.text(R - 10, yy + 60, "Pour l'assureur,", 9.5, False, "r", grp="sign")
    p.text(R - 10, yy + 74, "Le service Gestion des contrats", 9.5, True, "r", grp="sign")
    for k, ln in enumerate(wrap(d["legal"], R - L, 6.5)):
        p.text(PAGE_W / 2, 806 + k * 9, ln, 6.5, False, "c", grp="footer", gray=0.3)
    truth = {"insurer": d["name"], "contract_number": d["contract"], "start_date": d["start"].isoformat(),
             "end_date": d["end"].isoformat(), "license_plate": d["plate"]}
    return [p], truth


# ----------------------------------------------------------------------------------------------------------------
# The PDF writer: standard-14 Helvetica, WinAnsiEncoding, content streams in a non-reading order.

KERN = {"AV": 70, "VA": 70, "Te": 70, "To": 40, "Ta": 70, "LT": 74, "Av": 40, "Va": 55, "Ty": 75, "P.": 180,
        "r.": 55, "F.": 110, "Wa": 40}


def pdf_str(s, octal):
    out = bytearray(b"(")
    for ch in s.encode("cp1252"):
        if ch in b"()\\":
            out += b"\\" + bytes([ch])
        elif octal and ch > 126:
            out += b"\\%03o" % ch
        else:
            out.append(ch)
    return bytes(out + b")")


def num(v):
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s


def tj_array(s, octal):
    """A TJ array: spaces replaced by a -278 displacement (the Helvetica space width), plus a little kerning."""
    parts = []
    for k, word in enumerate(s.split(" ")):
        if k:
            parts.append(b"-278")
        chunk = ""
        for a, b in zip(word, word[1:] + " "):
            chunk += a
            if a + b in KERN:
                parts.append(pdf_str(chunk, octal))
                parts.append(str(KERN[a + b]).encode())
                chunk = ""
        if chunk:
            parts.append(pdf_str(chunk, octal))
    return b"[" + b" ".join(parts) + b"] TJ"


def order_items(items, r):
    """Chooses a drawing order that is not the reading order."""
    texts = [i for i in items if i["k"] == "t"]
    gfx = [i for i in items if i["k"] != "t"]
    strat = r.choice(["labels_first", "values_first", "groups", "columns", "bottom_up", "groups"])
    if strat == "labels_first":
        texts.sort(key=lambda i: {"label": 0, "text": 1, "value": 2}[i["role"]])
    elif strat == "values_first":
        texts.sort(key=lambda i: {"value": 0, "text": 1, "label": 2}[i["role"]])
    elif strat == "columns":
        texts.sort(key=lambda i: (round(left_x(i) / 40), i["y"]))
    elif strat == "bottom_up":
        texts.sort(key=lambda i: -i["y"])
    else:
        groups = list(dict.fromkeys(i["grp"] for i in texts))
        orig = list(groups)
        for _ in range(10):
            r.shuffle(groups)
            if groups != orig or len(groups) < 2:
                break
        texts.sort(key=lambda i: groups.index(i["grp"]))
    # Filled backgrounds must come before the text they sit under; rules and frames may come anywhere.
    fills = [i for i in gfx if i["k"] == "r" and i["fill"] is not None]
    strokes = [i for i in gfx if i not in fills]
    g = r.choice(["first", "last", "split"])
    if g == "first":
        out = gfx + texts
    elif g == "last":
        out = fills + texts + strokes
    else:
        k = len(strokes) // 2
        out = fills + strokes[:k] + texts + strokes[k:]
    return strat, out


def content_stream(items, r, fonts, octal):
    ops = []
    mode = r.choice(["cells", "runs", "runs"])
    tj_prob = r.choice([0.0, 0.3, 0.7])
    words_prob = r.choice([0.0, 0.0, 0.15])
    in_bt, cur_font, cur_gray, lx, ly = False, None, None, 0.0, 0.0
    for it in items:
        if it["k"] != "t":
            if in_bt:
                ops.append(b"ET")
                in_bt = False
            ops.append(b"q")
            if it["k"] == "r":
                x, y, w, h = it["x"], PAGE_H - it["y"] - it["h"], it["w"], it["h"]
                if it["fill"] is not None:
                    ops.append(f"{num(it['fill'])} g {num(x)} {num(y)} {num(w)} {num(h)} re f".encode())
                if it["stroke"] is not None:
                    ops.append(f"{num(it['lw'])} w {num(it['stroke'])} G {num(x)} {num(y)} {num(w)} {num(h)} re S".encode())
            else:
                dash = f"[{it['dash'][0]} {it['dash'][1]}] 0 d " if it["dash"] else ""
                ops.append(f"{num(it['w'])} w {num(it['gray'])} G {dash}{num(it['x1'])} {num(PAGE_H - it['y1'])} m "
                           f"{num(it['x2'])} {num(PAGE_H - it['y2'])} l S".encode())
            ops.append(b"Q")
            cur_gray = None  # q/Q restored the fill colour
            continue
        x, y = left_x(it), PAGE_H - it["y"]
        if mode == "cells" and in_bt:
            ops.append(b"ET")
            in_bt = False
        if not in_bt:
            ops.append(b"BT")
            in_bt, lx, ly, cur_font = True, 0.0, 0.0, None
        font = (fonts[1] if it["bold"] else fonts[0], it["size"])
        if font != cur_font:
            ops.append(f"/{font[0]} {num(font[1])} Tf".encode())
            cur_font = font
        if it["gray"] != cur_gray:
            ops.append(f"{num(it['gray'])} g".encode())
            cur_gray = it["gray"]
        if mode == "cells" or r.random() < 0.3:
            ops.append(f"1 0 0 1 {num(x)} {num(y)} Tm".encode())
        else:
            ops.append(f"{num(x - lx)} {num(y - ly)} Td".encode())
        lx, ly = x, y
        s = it["s"]
        if " " in s.strip() and r.random() < words_prob:
            # Word by word, each positioned with Td.
            for k, word in enumerate(s.split(" ")):
                if k:
                    adv = text_width(s.split(" ")[k - 1] + " ", it["size"], it["bold"])
                    ops.append(f"{num(adv)} 0 Td".encode())
                    lx += adv
                ops.append(pdf_str(word, octal) + b" Tj")
        elif " " in s and r.random() < tj_prob:
            ops.append(tj_array(s, octal))
        else:
            ops.append(pdf_str(s, octal) + b" Tj")
    if in_bt:
        ops.append(b"ET")
    return b"\n".join(ops) + b"\n"


def write_pdf(pages, path, r, title):
    fonts = r.choice([("F1", "F2"), ("Helv", "HeBo"), ("T1_0", "T1_1"), ("R7", "R9")])
    octal = r.random() < 0.5
    objs = {}  # number -> bytes

    def stream(data):
        if r.random() < 0.6:
            data = zlib.compress(data, 6)
            return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
        return b"<< /Length %d >>\nstream\n" % len(data) + data + b"endstream"

    n_pages = len(pages)
    nxt = 6
    kids = []
    for page in pages:
        _, items = order_items(page.items, r)
        if r.random() < 0.35:
            # Two content streams: the form (rules, labels, fixed text) then the filled-in values.
            a = [i for i in items if i["k"] != "t" or i["role"] != "value"]
            b = [i for i in items if i["k"] == "t" and i["role"] == "value"]
            streams = [content_stream(a, r, fonts, octal), content_stream(b, r, fonts, octal)]
        else:
            streams = [content_stream(items, r, fonts, octal)]
        page_no = nxt
        nxt += 1
        content_nos = []
        for s in streams:
            objs[nxt] = stream(s)
            content_nos.append(nxt)
            nxt += 1
        contents = (f"{content_nos[0]} 0 R" if len(content_nos) == 1 else
                    "[" + " ".join(f"{n} 0 R" for n in content_nos) + "]")
        objs[page_no] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] /Resources << /Font << "
                         f"/{fonts[0]} 3 0 R /{fonts[1]} 4 0 R >> /ProcSet [/PDF /Text] >> /Contents {contents} >>").encode()
        kids.append(page_no)
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[2] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {n_pages} >>".encode()
    objs[3] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    objs[4] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
    producer = r.choice(["GestiGarage 7.3", "AtelierPro Facturation", "FactuAuto 2.1 PDF export", "Mecanet"])
    objs[5] = b"<< /Producer " + pdf_str(producer, False) + b" /Title " + pdf_str(title, True) + \
        b" /CreationDate (D:20260305101500+01'00') >>"
    order = sorted(objs)
    if r.random() < 0.5:  # write pages before the catalog, as many generators do
        order = [k for k in order if k >= 6] + [k for k in order if k < 6]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for k in order:
        offsets[k] = len(out)
        out += f"{k} 0 obj\n".encode() + objs[k] + b"\nendobj\n"
    xref = len(out)
    size = max(objs) + 1
    out += f"xref\n0 {size}\n".encode() + b"0000000000 65535 f \n"
    for k in range(1, size):
        out += f"{offsets[k]:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {size} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    with open(path, "wb") as f:
        f.write(bytes(out))


# ----------------------------------------------------------------------------------------------------------------
# Rasteriser: the same page model with the Liberation fonts.

_FONTS = {}


def font(bold, px):
    key = (bold, round(px * 4) / 4)
    if key not in _FONTS:
        _FONTS[key] = ImageFont.truetype(FONT_FILES[bold], key[1])
    return _FONTS[key]


def security_background(w, h, nrng):
    """The pale tinted, finely waved background of a carte grise."""
    sc = w / 1240.0
    x = np.arange(w, dtype=np.float32)[None, :] / sc
    y = np.arange(h, dtype=np.float32)[:, None] / sc
    wave = np.sin(x * 0.09 + 7 * np.sin(y * 0.012)) * np.sin(y * 0.05 + 3 * np.sin(x * 0.008))
    lines = (np.abs(wave) < 0.06).astype(np.float32)[..., None]
    base = np.array([238, 241, 235], np.float32) + nrng.uniform(-3, 3, 3).astype(np.float32)
    ink = np.array([198, 212, 204], np.float32)
    img = base * (1 - lines * 0.55) + ink * lines * 0.55
    # A faint pink band behind the top of the document.
    band = np.clip((np.arange(h, dtype=np.float32) - h * 0.08) / (h * 0.3), 0, 1)[:, None, None]
    img = img * (band + (1 - band) * np.array([1.005, 0.985, 0.99], np.float32))
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))


def render(page, dpi, nrng):
    s = dpi / 72.0
    w, h = round(PAGE_W * s), round(PAGE_H * s)
    img = security_background(w, h, nrng) if page.background == "ci" else Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)

    def g(v):
        c = int(round(v * 255))
        return (c, c, c)

    for it in page.items:
        if it["k"] == "r":
            box = [it["x"] * s, it["y"] * s, (it["x"] + it["w"]) * s, (it["y"] + it["h"]) * s]
            if it["fill"] is not None:
                d.rectangle(box, fill=g(it["fill"]))
            if it["stroke"] is not None:
                d.rectangle(box, outline=g(it["stroke"]), width=max(1, round(it["lw"] * s)))
        elif it["k"] == "l":
            width = max(1, round(it["w"] * s))
            x1, y1, x2, y2 = (v * s for v in (it["x1"], it["y1"], it["x2"], it["y2"]))
            if it["dash"]:
                on, off = it["dash"][0] * s, it["dash"][1] * s
                length = math.hypot(x2 - x1, y2 - y1)
                ux, uy = (x2 - x1) / length, (y2 - y1) / length
                t = 0.0
                while t < length:
                    e = min(t + on, length)
                    d.line([x1 + ux * t, y1 + uy * t, x1 + ux * e, y1 + uy * e], fill=g(it["gray"]), width=width)
                    t += on + off
            else:
                d.line([x1, y1, x2, y2], fill=g(it["gray"]), width=width)
        else:
            anchor = {"l": "ls", "r": "rs", "c": "ms"}[it["align"]]
            d.text((it["x"] * s, it["y"] * s), it["s"], font=font(it["bold"], it["size"] * s), fill=g(it["gray"]),
                   anchor=anchor)
    return img


def smooth_noise(nrng, w, h, gw, gh):
    small = (nrng.random((gh, gw)) * 255).astype(np.uint8)
    return np.asarray(Image.fromarray(small).resize((w, h), Image.Resampling.BICUBIC), np.float32) / 255.0


def upscale(field, w, h):
    """A smooth float field computed at low resolution, resized to (w, h)."""
    return np.asarray(Image.fromarray(field.astype(np.float32), "F").resize((w, h), Image.Resampling.BILINEAR))


def noise(nrng, shape, sigma):
    return nrng.standard_normal(shape, dtype=np.float32) * np.float32(sigma)


def scan_look(img, r, nrng):
    """Flatbed scan: paper tone, uneven illumination, skew, blur, noise."""
    a = np.asarray(img, np.float32)
    h, w = a.shape[:2]
    paper = np.array([r.uniform(236, 248)] * 3, np.float32) + np.array([2, 1, -3], np.float32) * r.uniform(0, 1.5)
    ink = r.uniform(18, 40)
    # Uneven lamp (a gentle gradient along the page) and blotchy paper, as one low-resolution light field.
    gy = np.linspace(0, 1, 40, dtype=np.float32)[:, None] * np.ones((1, 30), np.float32)
    field = 1.0 - r.uniform(0.0, 0.05) * (gy if r.random() < 0.5 else 1 - gy)
    field = field * (1 - 0.03 * (nrng.random((40, 30)).astype(np.float32) - 0.5))
    light = upscale(field, w, h)[..., None]
    a = (ink + a * ((paper - ink) / 255.0)) * light
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    fill = tuple(int(v) for v in paper)
    img = img.rotate(r.uniform(-1.0, 1.0), resample=Image.Resampling.BICUBIC, fillcolor=fill)
    img = soft_blur(img, r.choice([2, 3, 4, 6]))
    a = np.asarray(img, np.float32) + noise(nrng, (h, w, 1), r.uniform(2.5, 6.0))
    if r.random() < 0.3:  # a darker strip where the lid did not close
        k = int(r.uniform(6, 18))
        a[:, -k:] *= np.linspace(1, 0.55, k, dtype=np.float32)[None, :, None]
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    if r.random() < 0.35:
        img = img.convert("L")
    return img


def perspective_coeffs(dst, src):
    """Pillow's PERSPECTIVE data mapping output points (dst) back to input points (src)."""
    A, B = [], []
    for (x, y), (u, v) in zip(dst, src):
        A.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        B.append(u)
        A.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        B.append(v)
    return np.linalg.solve(np.array(A, np.float64), np.array(B, np.float64)).tolist()


def desk(r, nrng, w, h):
    """A desk surface: wood planks, a grey or a dark mat."""
    kind = r.choice(["wood", "wood", "grey", "dark"])
    if kind == "wood":
        vertical = r.random() < 0.5  # the grain runs along or across the frame
        n = w if vertical else h
        pos = np.arange(n, dtype=np.float32)
        wob = smooth_noise(nrng, w, h, 40, 6) if vertical else smooth_noise(nrng, w, h, 6, 40)
        streaks = (smooth_noise(nrng, w, h, w // 3, 3) if vertical else smooth_noise(nrng, w, h, 3, h // 3))
        pos = pos[None, :] if vertical else pos[:, None]
        t = pos / n * r.uniform(22, 38) + wob * r.uniform(4, 7)
        grain = (0.5 + 0.5 * np.sin(2 * np.pi * t)) ** 3
        v = 1 - r.uniform(0.15, 0.25) * grain - 0.2 * (streaks - 0.5)
        plank = r.uniform(300, 450)
        v *= 1 - 0.45 * (np.abs((pos + wob * 8) % plank) < 2.5)
        light = np.array([r.uniform(170, 205), r.uniform(120, 150), r.uniform(78, 100)], np.float32)
        img = v[..., None] * light
    else:
        base = r.uniform(110, 170) if kind == "grey" else r.uniform(45, 75)
        tint = np.array([1.0, 1.0, r.uniform(1.0, 1.12)], np.float32)
        v = base * (1 + 0.12 * (smooth_noise(nrng, w, h, 5, 7) - 0.5) + 0.08 * (smooth_noise(nrng, w, h, 60, 80) - 0.5))
        img = v[..., None] * tint
    return img + noise(nrng, (h, w, 1), r.uniform(3, 6))


def soft_blur(img, w):
    """A small separable blur, [1, w, 1] x [1, w, 1]: lighter for a larger w (cheaper than GaussianBlur)."""
    k = [1, w, 1]
    return img.filter(ImageFilter.Kernel((3, 3), [a * b for a in k for b in k], scale=(w + 2) ** 2))


def defocus(img):
    k = [1, 4, 6, 4, 1]
    return img.filter(ImageFilter.Kernel((5, 5), [a * b for a in k for b in k], scale=256))


def motion_kernel(n, angle):
    """A 5x5 kernel that smears along a short line (a small hand shake)."""
    k = np.zeros((5, 5), np.float32)
    for i in range(n):
        o = i - (n - 1) / 2
        k[2 + int(round(o * math.sin(angle))), 2 + int(round(o * math.cos(angle)))] += 1
    return ImageFilter.Kernel((5, 5), k.flatten().tolist(), scale=float(k.sum()))


def photo_look(page_img, r, nrng):
    """A phone photo of the page lying on a desk."""
    W, H = (1500, 2000) if r.random() < 0.7 else (1536, 2048)
    bg = desk(r, nrng, W, H)
    ph = H * r.uniform(0.80, 0.9)
    pw = ph * PAGE_W / PAGE_H
    cx, cy = W / 2 + r.uniform(-0.03, 0.03) * W, H / 2 + r.uniform(-0.025, 0.025) * H
    k = r.uniform(0.02, 0.06)  # keystone: the far edge looks shorter
    kt, kb = (1 - k, 1 + k / 3) if r.random() < 0.7 else (1 + k / 3, 1 - k)
    pts = [(-pw / 2 * kt, -ph / 2), (pw / 2 * kt, -ph / 2), (pw / 2 * kb, ph / 2), (-pw / 2 * kb, ph / 2)]
    side = r.uniform(-0.015, 0.015)  # a slight left/right tilt too
    pts = [(x, y * (1 + side * (1 if x > 0 else -1))) for x, y in pts]
    ang = math.radians(r.uniform(-5, 5))
    ca, sa = math.cos(ang), math.sin(ang)
    pts = [(x * ca - y * sa, x * sa + y * ca) for x, y in pts]
    pts = [(x + r.uniform(-0.005, 0.005) * W, y + r.uniform(-0.005, 0.005) * H) for x, y in pts]
    # Keep the whole page in the frame.
    scale = min(1.0, (W / 2 - 14) / max(abs(p[0]) + abs(cx - W / 2) for p in pts),
                (H / 2 - 14) / max(abs(p[1]) + abs(cy - H / 2) for p in pts))
    dst = [(cx + x * scale, cy + y * scale) for x, y in pts]
    # Downscale the page near its size in the photo first (the perspective transform does not antialias).
    tw = int(max(math.dist(dst[0], dst[1]), math.dist(dst[3], dst[2])) * 1.1)
    th = int(tw * PAGE_H / PAGE_W)
    small = page_img.convert("RGBA").resize((tw, th), Image.Resampling.LANCZOS)
    coeffs = perspective_coeffs(dst, [(0, 0), (tw, 0), (tw, th), (0, th)])
    warped = small.transform((W, H), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BILINEAR)
    mask = warped.getchannel("A")
    m = np.asarray(mask, np.float32)[..., None] / 255.0
    warped = np.asarray(warped.convert("RGB"), np.float32)
    # Soft shadow of the sheet on the desk (blurred at quarter resolution).
    q = mask.resize((W // 4, H // 4), Image.Resampling.BILINEAR).filter(ImageFilter.GaussianBlur(3.5))
    q = q.transform(q.size, Image.Transform.AFFINE, (1, 0, -r.uniform(-2, 2), 0, 1, -r.uniform(1, 3)))
    sh = np.asarray(q.resize((W, H), Image.Resampling.BILINEAR), np.float32)[..., None] / 255.0
    paper = np.array([r.uniform(240, 250), r.uniform(238, 248), r.uniform(230, 242)], np.float32) / 255.0
    a = bg * (1 - 0.35 * sh) * (1 - m) + warped * paper * m
    # Lighting, computed at low resolution: a shadow gradient across part of the frame, and a vignette.
    lw_, lh_ = 75, 100
    x = (np.arange(lw_, dtype=np.float32)[None, :] / (lw_ - 1) - 0.5) * W
    y = (np.arange(lh_, dtype=np.float32)[:, None] / (lh_ - 1) - 0.5) * H
    th_ = r.uniform(0, 2 * math.pi)
    t = (x * math.cos(th_) + y * math.sin(th_)) / (0.5 * math.hypot(W, H))
    ramp = np.clip((t - r.uniform(-0.2, 0.5)) / r.uniform(0.15, 0.5), 0, 1)
    light = 1 - r.uniform(0.12, 0.4) * ramp * ramp * (3 - 2 * ramp)
    light = light * (1 - r.uniform(0.12, 0.3) * ((x / (W / 2)) ** 2 + (y / (H / 2)) ** 2) / 2) * r.uniform(0.92, 1.05)
    wb = np.array([1 + r.uniform(-0.02, 0.04), 1.0, 1 - r.uniform(-0.02, 0.05)], np.float32)
    a = a * upscale(light, W, H)[..., None] * wb
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    # Blur: defocus, or a short motion blur.
    if r.random() < 0.5:
        img = defocus(img) if r.random() < 0.5 else soft_blur(soft_blur(img, 2), 2)
    else:
        img = soft_blur(img.filter(motion_kernel(r.randint(3, 5), r.uniform(0, math.pi))), 4)
    a = np.asarray(img, np.float32) + noise(nrng, (H, W, 1), r.uniform(3, 7))
    a += noise(nrng, (H // 2, W // 2, 3), 2.0).repeat(2, 0).repeat(2, 1)  # chroma noise, in 2x2 blocks like a Bayer sensor
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


# ----------------------------------------------------------------------------------------------------------------
# Corpus plan and driver.

INVOICE_TEMPLATES = {"garage": t_garage, "twocol": t_twocol, "row3": t_row3, "footer": t_footer,
                     "multipage": t_multipage, "credit": t_credit, "english": t_english,
                     "vatrecap": lambda c: t_garage(c, vatrecap=True)}


def plan(split, r):
    """(type, template, variants) per document: 22 invoice files, 8 registration and 6 insurance files per split."""
    inv = ["garage", "garage", "twocol", "row3", "footer", "multipage", "credit", "english"]
    if split == "heldout":
        inv = ["garage", "twocol", "row3", "footer", "multipage", "credit", "english", "vatrecap"]
    all3 = ["text_pdf", "scan", "photo"]
    two = r.sample([t for t in inv if t != "multipage"], 2)
    docs = []
    for t in inv:
        if t in two:
            two.remove(t)
            docs.append(("invoice", t, sorted(r.sample(all3, 2), key=all3.index)))
        else:
            docs.append(("invoice", t, all3))
    for _ in range(4):
        docs.append(("registration", "carte-grise", ["scan", "photo"]))
    ins = [["text_pdf", "scan"], ["scan", "photo"], ["text_pdf", "photo"]]
    r.shuffle(ins)
    for t, v in zip(r.sample(["memo", "letter", r.choice(["memo", "letter"])], 3), ins):
        docs.append(("insurance", t, v))
    return docs


def build(kind, template, r, pool, split):
    if kind == "invoice":
        return INVOICE_TEMPLATES[template](Ctx(r, pool, split))
    if kind == "registration":
        return t_carte_grise(r, pool)
    return (t_memo if template == "memo" else t_letter)(r, pool)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "hard-out"))
    ap.add_argument("--seed", type=int, default=14)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for old in os.listdir(a.out):  # files of an earlier run (another seed may name other files)
        if old.startswith(("tune-", "heldout-")) and old.endswith((".pdf", ".jpg")):
            os.remove(os.path.join(a.out, old))
    truth = {}
    for split, salt in (("tune", 0), ("heldout", 7919)):
        sr = random.Random(a.seed * 1000003 + salt)
        pool = POOLS[split]
        for n, (kind, template, variants) in enumerate(plan(split, sr)):
            doc_seed = sr.getrandbits(64)
            r = random.Random(doc_seed)
            pages, fields = build(kind, template, r, pool, split)
            base = f"{split}-{kind}-{template}-{n:02d}"
            for variant in variants:
                vr = random.Random(f"{doc_seed}-{variant}")
                nrng = np.random.default_rng(vr.getrandbits(64))
                shown = pages
                if variant == "text_pdf":
                    name = f"{base}-text_pdf.pdf"
                    write_pdf(pages, os.path.join(a.out, name), vr, f"{kind} {template}")
                elif variant == "scan":
                    imgs = [scan_look(render(pg, 150, nrng), vr, nrng) for pg in pages]
                    as_pdf = len(pages) > 1 or vr.random() < 0.33
                    name = f"{base}-scan.{'pdf' if as_pdf else 'jpg'}"
                    path = os.path.join(a.out, name)
                    q = vr.randint(75, 90)
                    if as_pdf:
                        stamp = dt.datetime(2026, 3, 5, 9, 15).timetuple()  # fixed, so that a seed always gives the same bytes
                        imgs[0].save(path, "PDF", resolution=150.0, quality=q, save_all=True, append_images=imgs[1:],
                                     creationDate=stamp, modDate=stamp, producer="ScanDesk 3.2")
                    else:
                        imgs[0].save(path, "JPEG", quality=q)
                else:
                    shown = [pages[-1]]  # the page with the totals
                    name = f"{base}-photo.jpg"
                    img = photo_look(render(pages[-1], vr.uniform(190, 210), nrng), vr, nrng)
                    img.save(os.path.join(a.out, name), "JPEG", quality=vr.randint(60, 85))
                visible = set().union(*(pg.fields() for pg in shown))
                truth[name] = {"type": kind, "split": split, "template": template, "variant": variant,
                               "fields": {k: v for k, v in fields.items() if k in visible}}
    with open(os.path.join(a.out, "truth.json"), "w") as f:
        json.dump(truth, f, indent=2, ensure_ascii=False)
    counts = {}
    for t in truth.values():
        key = (t["split"], t["type"], t["variant"])
        counts[key] = counts.get(key, 0) + 1
    for k in sorted(counts):
        print(" ".join(k), counts[k])
    print(f"{len(truth)} files in {a.out}")


if __name__ == "__main__":
    main()
