//! The issuer of an invoice: a company name, told from the addresses, contact lines and logos around it.

use super::*;

/// The issuer: the first name at the head of the page, else the line above the SIRET (README, "Documents and OCR").
pub(super) fn garage_name(doc: &[Line]) -> Option<Hit> {
    // The name part of a line (before a comma or a column gap): not an address, a phone or mail, a label.
    let name = |l: &Line, conf: f64| {
        // A logo's initial in a cell of its own comes first: the name is the next cell.
        let start = match cells(l)[..] {
            [(a, b), (next, _), ..] if b - a == 1 => next,
            _ => 0,
        };
        name_in(l, start, l.low.len(), conf, 4)
            .filter(|h| {
                let part = Line::new(&h.raw);
                !is_address(&part) && !is_contact(&part)
            })
            .map(without_initial)
    };
    let first = doc
        .iter()
        .filter(|l| !l.blank())
        .take(5)
        .find_map(|l| name(l, 0.5));
    let siret_line = doc
        .iter()
        .position(|l| find(&l.low, 0, "siret", true).is_some());
    let above = siret_line.and_then(|n| {
        doc[..n]
            .iter()
            .rev()
            .find(|l| !l.blank() && !is_address(l) && !is_contact(l))
            .and_then(|l| name(l, 0.7))
    });
    // The issuer heads the page; the line above the SIRET confirms it. Alone, that line is the last resort: in
    // a two-column header it is as often the customer's.
    match (first, above) {
        (Some(f), Some(a)) if f.value == a.value => Some(a),
        (first, above) => first.or(above),
    }
}

/// A phone, mail or web line.
fn is_contact(l: &Line) -> bool {
    let text: String = l.low.iter().collect();
    ["@", "www.", "http"].iter().any(|w| text.contains(w))
        || ["tel", "phone", "fax", "mobile", "portable"]
            .iter()
            .any(|w| find(&l.low, 0, w, true).is_some())
}

/// A logo's lone initial before the name ("G  GARAGE SAINT-ÉLOI") is not part of it.
fn without_initial(mut h: Hit) -> Hit {
    let mut words = h.raw.split_whitespace();
    if let (Some(first), Some(_), Some(_)) = (words.next(), words.next(), words.next())
        && first.chars().count() == 1
    {
        let rest = h.raw.trim_start()[first.len()..].trim().to_owned();
        h.value = Value::String(squash(&rest));
        h.raw = rest;
    }
    h
}

/// A postal address line: a street word, or a 5-digit postal code.
pub(super) fn is_address(l: &Line) -> bool {
    let text: String = l.low.iter().collect();
    let street = [
        "rue ",
        "avenue",
        "boulevard",
        "bd ",
        "chemin",
        "allee",
        "place ",
        "route ",
        "impasse",
        "quai ",
    ];
    let postal = text
        .split(|c: char| !c.is_ascii_digit())
        .any(|w| w.len() == 5);
    street.iter().any(|w| text.contains(w)) || (postal && !text.contains("siret"))
}
