//! The fields of a French registration certificate (carte grise, documents.md §6.4).

use super::*;

#[derive(Clone, Copy)]
pub(super) enum Kind {
    Plate,
    Date,
    Text,
    Vin,
    Fuel,
    Int,
}

pub(super) const REG_FIELDS: [(&str, &str, Kind); 10] = [
    ("license_plate", "a", Kind::Plate),
    ("first_registration_date", "b", Kind::Date),
    ("holder_name", "c.1", Kind::Text),
    ("make", "d.1", Kind::Text),
    ("vehicle_type", "d.2", Kind::Text),
    ("model", "d.3", Kind::Text),
    ("vin", "e", Kind::Vin),
    ("fuel_type", "p.3", Kind::Fuel),
    ("fiscal_power", "p.6", Kind::Int),
    ("certificate_date", "i", Kind::Date),
];

pub(super) fn registration(doc: &[Line]) -> Vec<(&'static str, Hit)> {
    REG_FIELDS
        .iter()
        .filter_map(|&(name, label, kind)| {
            let found = reg_field(doc, label, kind)
                .or_else(|| match label {
                    "a" | "e" | "i" => glued(doc, label, kind),
                    _ => None,
                })
                .or_else(|| unlabelled(doc, label));
            found.map(|h| (name, h))
        })
        .collect()
}

/// The codes of a certificate are printed small and a photo or a poor scan often loses them; three values are
/// still known by their shape and place (a looser reading: 0.5). The plate: the first plate of the certificate
/// (it is printed only as the plate, and again on the coupon). The first registration: the date beside it (A and
/// B share the top row). The VIN: a 17-character word that is a valid VIN.
fn unlabelled(doc: &[Line], label: &str) -> Option<Hit> {
    let plate = || {
        doc.iter().find_map(|l| {
            (0..l.low.len()).find_map(|i| {
                plate_at(&l.low, i)
                    .filter(|(_, e, ok)| *ok && !at(&l.low, *e).is_alphanumeric())
                    .map(|(p, e, _)| (l, p, i, e))
            })
        })
    };
    match label {
        "a" => plate().map(|(l, p, i, e)| hit(p, 0.5, l.text(i, e))),
        "b" => plate().and_then(|(l, _, _, e)| {
            let (a, d, end, _) = scan_date(&l.low, e, l.low.len())?;
            Some(hit(iso(d), 0.5, l.text(a, end)))
        }),
        "e" => doc.iter().find_map(|l| {
            l.text(0, l.raw.len())
                .split_whitespace()
                .find(|w| w.len() == 17 && vin_is_valid(w))
                .map(|w| hit(w.to_ascii_uppercase(), 0.5, w.to_owned()))
        }),
        _ => None,
    }
}

/// OCR often glues a bare label letter to its value (`AFG-482-KL`, `EVF1…`): such a line is read when the rest has
/// exactly the value's shape (a loose reading: 0.7).
pub(super) fn glued(doc: &[Line], label: &str, kind: Kind) -> Option<Hit> {
    doc.iter().find_map(|l| {
        let raw = l.text(0, l.raw.len());
        let trimmed = raw.trim_start();
        let rest = trimmed
            .strip_prefix(label)
            .or_else(|| trimmed.strip_prefix(&label.to_uppercase()))?
            .trim();
        match kind {
            Kind::Plate => {
                let line = Line::new(rest);
                plate_at(&line.low, 0)
                    .filter(|(_, end, ok)| *ok && line.text(*end, line.raw.len()).trim().is_empty())
                    .map(|(p, end, _)| hit(p, 0.7, line.text(0, end)))
            }
            Kind::Vin => {
                let word = rest.split_whitespace().next()?.to_uppercase();
                (rest.split_whitespace().count() == 1 && vin_is_valid(&word))
                    .then(|| hit(word.clone(), 0.7, word))
            }
            Kind::Date => {
                let word = rest.split_whitespace().next()?;
                let value = parse_date(word)
                    .filter(|_| rest.split_whitespace().count() == 1 && word.contains('/'))?;
                Some(hit(value, 0.7, word.to_owned()))
            }
            _ => None,
        }
    })
}

/// Certificate label `label` ("a", "c.1"…) written at `i` as `A`, `A.`, `A:` or `(A)`, at a line start or after a
/// space: (end, written with punctuation or dotted).
pub(super) fn reg_label_at(s: &[char], i: usize, label: &str) -> Option<(usize, bool)> {
    if prev(s, i) != ' ' {
        return None;
    }
    let open = at(s, i) == '(';
    let mut j = i + usize::from(open);
    if !starts(s, j, label) {
        return None;
    }
    j += label.len();
    let dotted = label.len() > 1;
    if dotted && at(s, j).is_alphanumeric() {
        return None;
    }
    if open {
        if at(s, j) != ')' {
            return None;
        }
        j += 1;
    }
    let mut punct = open || dotted;
    if matches!(at(s, j), '.' | ':') {
        j += 1;
        punct = true;
    }
    (matches!(at(s, j), ' ' | '\0') || matches!(prev(s, j), ':' | ')')).then_some((j, punct))
}

/// Whether another certificate label ("D.2", "(D.2)", "(E)") starts at `k`, which ends the value before it.
pub(super) fn stop_label_at(s: &[char], k: usize) -> bool {
    let open = at(s, k) == '(';
    let mut j = k + usize::from(open) + 1;
    if prev(s, k) != ' ' || !at(s, j - 1).is_ascii_alphabetic() {
        return false;
    }
    if at(s, j) == '.' && at(s, j + 1).is_ascii_digit() {
        j = run(s, j + 1, |c| c.is_ascii_digit());
        j += usize::from(at(s, j).is_ascii_alphabetic() && !at(s, j + 1).is_alphanumeric());
    } else if !open {
        return false;
    }
    if open {
        if at(s, j) != ')' {
            return false;
        }
        j += 1;
    }
    matches!(at(s, j), ' ' | '\0' | ':' | '.')
}

/// The first value after certificate label `label` on its line (up to the next label) that reads as `kind`;
/// after a bare letter ("A", not "A." or "(A)") the value must have the expected shape.
pub(super) fn reg_field(doc: &[Line], label: &str, kind: Kind) -> Option<Hit> {
    doc.iter().find_map(|l| {
        let s = &l.low;
        (0..s.len()).find_map(|i| {
            let (e, punct) = reg_label_at(s, i, label)?;
            let v = skip(s, e, " :");
            let cap = (v + 120).min(s.len());
            // The value ends at the next label or at a column gap (the certificate has two columns).
            let end = (v + 1..cap)
                .find(|&k| stop_label_at(s, k) || starts(s, k, "   "))
                .unwrap_or(cap);
            reg_parse(kind, l, v, end)
                .filter(|(_, shaped)| *shaped || punct)
                .map(|(h, _)| h)
        })
    })
}

pub(super) fn fuel(code: &str) -> Option<&'static str> {
    match code {
        "ES" => Some("gasoline"),
        "GO" => Some("diesel"),
        "EL" => Some("electric"),
        "EH" | "GH" => Some("hybrid"),
        "EE" | "GL" => Some("plugin_hybrid"),
        _ => None,
    }
}

/// The value of a certificate field in `v..e`: (hit, has the expected shape).
pub(super) fn reg_parse(kind: Kind, l: &Line, v: usize, e: usize) -> Option<(Hit, bool)> {
    let s = &l.low;
    let t = l.text(v, e);
    let first = t
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_end_matches([',', ';', '.'])
        .to_string();
    match kind {
        Kind::Plate => match plate_at(s, v) {
            Some((p, pe, ok)) => Some((hit(p, if ok { 0.9 } else { 0.7 }, l.text(v, pe)), true)),
            None => (t.chars().count() <= 12 && t.chars().any(|c| c.is_ascii_digit()))
                .then(|| (hit(squash(&t).to_uppercase(), 0.7, t.clone()), false)),
        },
        Kind::Date => date_hit(l, v).map(|h| (h, true)),
        Kind::Text => t
            .chars()
            .any(char::is_alphanumeric)
            .then(|| (hit(squash(&t), 0.9, t.clone()), true)),
        Kind::Vin => {
            let compact: String = t.split_whitespace().collect();
            // I, O and Q never occur in a VIN: read as 1, 0, 0 they are OCR slips (a looser reading).
            let ocr = |v: &str| {
                v.to_ascii_uppercase()
                    .replace(['O', 'Q'], "0")
                    .replace('I', "1")
            };
            let (vin, raw, exact) = if vin_is_valid(&first) {
                (first.clone(), first, true)
            } else if vin_is_valid(&compact) {
                (compact, t, true)
            } else if vin_is_valid(&ocr(&compact)) {
                (ocr(&compact), t, false)
            } else {
                return (first.len() >= 10)
                    .then(|| (hit(first.to_uppercase(), 0.7, first.clone()), false));
            };
            let vin = vin.to_ascii_uppercase();
            let conf = if exact && vin_check_digit_ok(&vin) {
                0.9
            } else {
                0.7
            };
            Some((hit(vin, conf, raw), true))
        }
        Kind::Fuel => {
            let code = first.to_uppercase();
            if code.is_empty() || code.len() > 3 || !code.chars().all(|c| c.is_ascii_alphabetic()) {
                return None;
            }
            Some(match fuel(&code) {
                Some(f) => (hit(f, 0.9, first), true),
                None => (hit(code, 0.7, first), false),
            })
        }
        Kind::Int => digits(s, v, 1, 3)
            .filter(|(_, de)| !at(s, *de).is_alphanumeric())
            .map(|(n, de)| (hit(n, 0.9, l.text(v, de)), true)),
    }
}
