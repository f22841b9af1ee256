//! The fields of an invoice (documents.md §6.4).

use super::*;

// Labels of §6.5, folded ('|' between spellings; see `match_at` for '#', '.', '-', ' ' and '\'').
pub(super) const INVOICE_NUMBER: &str = "facture #|# de facture|# facture|avoir #|# d'avoir|invoice #|invoice number|\
    invoice no|credit note #|credit note no|ref. facture";
pub(super) const INVOICE_DATE: &str = "date de facture|date facture|date d'emission|date de l'avoir|invoice date|issue date|date of issue|date|du|le";
pub(super) const TOTAL_EXCL_TAX: &str = "total h.t|base h.t|montant h.t|sous-total|sub-total|subtotal|total excl|total hors taxes|total before tax|net amount";
pub(super) const TOTAL_INCL_TAX: &str =
    "total t.t.c|net a payer|montant t.t.c|total a payer|amount due|total due";
pub(super) const MILEAGE: &str =
    "kilometrage|km compteur|kms compteur|compteur|km :|mileage|odometer";

/// How far after its label an amount may be.
pub(super) const AMOUNT_WINDOW: usize = 60;

pub(super) fn amount_hit(l: &Line, a: &Amount, label: bool) -> Hit {
    let conf = match (label, a.two_decimals || a.currency.is_some()) {
        (false, _) => 0.5,
        (true, true) => 0.9,
        (true, false) => 0.7,
    };
    let mut h = hit(format_cents(a.cents), conf, l.text(a.start, a.end));
    h.cents = Some(a.cents);
    h.currency = a.currency.map(|(c, cs, ce)| (c, l.text(cs, ce)));
    h
}

pub(super) fn invoice(doc: &[Line]) -> Vec<(&'static str, Hit)> {
    let amount = |labels: &str| {
        labelled(doc, labels, |l, v, _| {
            // A page's running total carried to the next ("Sous-total à reporter", "Report") is not the total.
            let carried = ["report", "carried forward", "brought forward"]
                .iter()
                .any(|w| find(&l.low, 0, w, false).is_some());
            if carried {
                return None;
            }
            // In a sentence ("10 % du montant TTC et une indemnité de 40 €") the label names no amount: at most
            // two words ("EUR", "à payer") may sit between a label and its value.
            scan_amount(&l.low, v, v + AMOUNT_WINDOW)
                .filter(|a| {
                    l.low.get(v..a.start).map_or(0, words) <= 2 && beside(&l.low, v, a.start)
                })
                .map(|a| amount_hit(l, &a, true))
        })
    };
    let number = labelled(doc, INVOICE_NUMBER, |l, v, _| ident_at(l, v, 0.9))
        .or_else(|| titled_number(doc))
        .or_else(|| after_label(doc, "facture|invoice", |l, v, _| ident_at(l, v, 0.5)));
    let date = labelled(doc, INVOICE_DATE, |l, v, _| date_hit(l, v)).or_else(|| {
        doc.iter().find_map(|l| {
            scan_date(&l.low, 0, l.low.len()).map(|(a, d, e, _)| hit(iso(d), 0.5, l.text(a, e)))
        })
    });
    let ht = amount(TOTAL_EXCL_TAX);
    let vat = labelled(doc, "t.v.a|vat|sales tax|tax", |l, v, label| {
        // Lines giving the VAT number or an exemption carry no VAT amount.
        let id = "intra|non applicable|# t.v.a|t.v.a #|# de t.v.a|vat #|vat number|vat id|tax id|tax number";
        if id.split('|').any(|p| find(&l.low, 0, p, false).is_some()) {
            return None;
        }
        // "TVA FR78 893 526 483": the VAT number itself, whose digits would read as an amount.
        if starts(&l.low, v, "fr") && at(&l.low, skip(&l.low, v + 2, " ")).is_ascii_digit() {
            return None;
        }
        // "Total excl. tax", "Total incl. tax": a total, not the tax.
        if label.ends_with("tax") && find(&l.low, 0, "total", true).is_some() {
            return None;
        }
        scan_amount(&l.low, v, v + AMOUNT_WINDOW)
            .filter(|a| beside(&l.low, v, a.start))
            .map(|a| amount_hit(l, &a, true))
    });
    let ttc = amount(TOTAL_INCL_TAX).or_else(|| largest_total(doc));
    let vat_amount = vat;
    let currency = [&ttc, &ht, &vat_amount]
        .into_iter()
        .flatten()
        .find_map(|h| h.currency.clone())
        .map(|(c, raw)| hit(c, 0.9, raw))
        .or_else(|| any_currency(doc));
    let siret = siret(doc);
    let vat = vat_number(doc);
    let siren = siren(doc, siret.as_ref(), vat.as_ref());
    keep([
        ("invoice_number", number),
        ("invoice_date", date),
        ("garage_name", garage_name(doc)),
        ("siret", siret),
        ("siren", siren),
        ("vat_number", vat),
        ("total_excl_tax", ht),
        ("vat_amount", vat_amount),
        ("total_incl_tax", ttc),
        ("currency", currency),
        ("mileage", mileage(doc)),
    ])
}

pub(super) fn siret(doc: &[Line]) -> Option<Hit> {
    after_label(doc, "siret", |l, v, _| {
        let s = &l.low;
        let v = numero(s, v).map_or(v, |e| skip(s, e, SEP));
        let (mut e, mut n) = (v, 0);
        while n < 14
            && (s.get(e).is_some_and(char::is_ascii_digit)
                || (n > 0 && matches!(at(s, e), ' ' | '.')))
        {
            n += usize::from(s[e].is_ascii_digit());
            e += 1;
        }
        let raw = l.text(v, e);
        let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
        // A SIRET has 14 digits; fewer is a SIREN or a number OCR shortened, which must not pass for one.
        (digits.len() == 14).then(|| {
            hit(
                digits.clone(),
                if siret_is_valid(&digits) { 0.9 } else { 0.7 },
                raw,
            )
        })
    })
}

/// A header box: "FACTURE" (or "INVOICE") as a title, and "N° :" on one of the two rows below it.
fn titled_number(doc: &[Line]) -> Option<Hit> {
    let title = doc.iter().position(|l| {
        find(&l.low, 0, "facture", true).is_some() || find(&l.low, 0, "invoice", true).is_some()
    })?;
    let below = doc.get(title + 1..(title + 3).min(doc.len()))?;
    after_label(below, "#", |l, v, _| ident_at(l, v, 0.7))
}

/// `count` digits from `i`, single spaces or dots between groups allowed → (digits, end).
fn digit_run(s: &[char], i: usize, count: usize) -> Option<(String, usize)> {
    let (mut e, mut out) = (i, String::new());
    while out.len() < count {
        match s.get(e) {
            Some(c) if c.is_ascii_digit() => out.push(*c),
            Some(' ' | '.')
                if !out.is_empty() && s.get(e + 1).is_some_and(char::is_ascii_digit) => {}
            _ => return None,
        }
        e += 1;
    }
    (!s.get(e).is_some_and(char::is_ascii_digit)).then_some((out, e))
}

/// An intra-community VAT number `FR` + key + SIREN (spaces allowed), checked by its key.
pub(super) fn vat_number(doc: &[Line]) -> Option<Hit> {
    doc.iter().find_map(|l| {
        let s = &l.low;
        (0..s.len()).find_map(|i| {
            if !starts(s, i, "fr") || prev(s, i).is_alphanumeric() {
                return None;
            }
            let (digits, e) = digit_run(s, skip(s, i + 2, " "), 11)?;
            let value = format!("FR{digits}");
            let conf = if vat_fr_is_valid(&value) { 0.9 } else { 0.5 };
            Some(hit(value, conf, l.text(i, e)))
        })
    })
}

/// The SIREN: after "SIREN" or "RCS <city>" (9 digits, Luhn-checked), else the one inside the SIRET or the
/// VAT number.
pub(super) fn siren(doc: &[Line], siret: Option<&Hit>, vat: Option<&Hit>) -> Option<Hit> {
    let labelled = after_label(doc, "siren|r.c.s|rcs", |l, v, _| {
        let s = &l.low;
        (v..(v + 40).min(s.len())).find_map(|i| {
            if prev(s, i).is_ascii_digit() {
                return None;
            }
            let (digits, e) = digit_run(s, i, 9)?;
            let conf = if siren_is_valid(&digits) { 0.9 } else { 0.7 };
            Some(hit(digits, conf, l.text(i, e)))
        })
    });
    labelled
        .or_else(|| {
            let h = siret?;
            let digits = h.value.as_str()?;
            (digits.len() == 14).then(|| hit(&digits[..9], h.conf, h.raw.clone()))
        })
        .or_else(|| {
            let h = vat.filter(|h| h.conf >= 0.9)?;
            Some(hit(&h.value.as_str()?[4..], h.conf, h.raw.clone()))
        })
}

/// Whether an amount at `start` belongs to the label ending at `v`: in the label's own cell, or in the next cell
/// with nothing but a currency before it. Two cells away it is another label's ("Montant TVA   Montant HT   518,94").
fn beside(s: &[char], v: usize, start: usize) -> bool {
    let Some(between) = s.get(v..start) else {
        return true;
    };
    // The column gaps (runs of three spaces or more) between the label and the amount, and what follows the last;
    // the spaces just before `v` (skipped after the label) count.
    let before = s[..v.min(s.len())]
        .iter()
        .rev()
        .take_while(|&&c| c == ' ')
        .count();
    let (mut gaps, mut after_last, mut spaces) = (0, 0, before);
    for &c in between {
        if c == ' ' {
            spaces += 1;
            continue;
        }
        if spaces >= 3 {
            gaps += 1;
            after_last = 0;
        }
        spaces = 0;
        after_last += usize::from(c.is_alphabetic());
    }
    if spaces >= 3 {
        gaps += 1;
        after_last = 0;
    }
    gaps == 0 || (gaps == 1 && after_last <= 3)
}

/// The words (two letters or more) of a stretch of text.
fn words(s: &[char]) -> usize {
    s.split(|c| !c.is_alphabetic())
        .filter(|w| w.len() >= 2)
        .count()
}

/// Fallback for the total: the largest amount after a "total".
pub(super) fn largest_total(doc: &[Line]) -> Option<Hit> {
    let mut best: Option<Hit> = None;
    for l in doc {
        let mut from = 0;
        while let Some((_, e)) = find(&l.low, from, "total", true) {
            let mut i = e;
            while let Some(a) = scan_amount(&l.low, i, e + AMOUNT_WINDOW) {
                if best.as_ref().is_none_or(|b| b.cents < Some(a.cents)) {
                    best = Some(amount_hit(l, &a, false));
                }
                i = a.end.max(i + 1);
            }
            from = e;
        }
    }
    best
}

pub(super) fn any_currency(doc: &[Line]) -> Option<Hit> {
    doc.iter().find_map(|l| {
        // "DT" away from an amount is too often something else.
        (0..l.low.len()).find_map(|i| {
            let (c, e) = currency_at(&l.low, i).filter(|_| !starts(&l.low, i, "dt"))?;
            Some(hit(c, 0.5, l.text(i, e)))
        })
    })
}

/// An integer with optional thousands separators ("45 230", "45.230") → (value, end).
pub(super) fn int_at(s: &[char], i: usize) -> Option<(i64, usize)> {
    let digit = |c: char| c.is_ascii_digit();
    let mut e = run(s, i, digit);
    while e > i
        && e - i < 12
        && matches!(at(s, e), ' ' | '.' | ',' | '\'')
        && run(s, e + 1, digit) == e + 4
    {
        e += 4;
    }
    let n: String = s.get(i..e)?.iter().filter(|c| c.is_ascii_digit()).collect();
    if n.is_empty() || n.len() > 10 {
        return None;
    }
    Some((n.parse().ok()?, e))
}

pub(super) fn km_after(s: &[char], e: usize) -> Option<usize> {
    let j = skip(s, e, " ");
    word_at(s, j, "km").or_else(|| word_at(s, j, "kms"))
}

pub(super) fn mileage(doc: &[Line]) -> Option<Hit> {
    let found = labelled(doc, MILEAGE, |l, v, label| {
        let s = &l.low;
        let (mut first, mut i) = (None, v);
        while i < (v + 40).min(s.len()) {
            if !s[i].is_ascii_digit() || prev(s, i).is_alphanumeric() {
                i += 1;
                continue;
            }
            if let Some((_, e, _)) = date_at(s, i) {
                i = e;
                continue;
            }
            let (n, e) = int_at(s, i)?;
            if let Some(k) = km_after(s, e) {
                return Some(hit(n, 0.9, l.text(i, k)));
            }
            // "1re mise en circulation", "2e": an ordinal, not a reading.
            if at(s, e).is_alphabetic() {
                i = e;
                continue;
            }
            first.get_or_insert((n, i, e));
            i = e;
        }
        // Without "km" after the number the unit must come from the label.
        let conf = if label.contains("km") { 0.9 } else { 0.7 };
        first.map(|(n, a, e)| hit(n, conf, l.text(a, e)))
    });
    found.or_else(|| {
        doc.iter().find_map(|l| {
            (0..l.low.len()).find_map(|i| {
                if prev(&l.low, i).is_alphanumeric() {
                    return None;
                }
                let (n, e) = int_at(&l.low, i)?;
                let k = km_after(&l.low, e)?;
                (n >= 100).then(|| hit(n, 0.5, l.text(i, k)))
            })
        })
    })
}
