//! Parsers of the values documents carry: amounts in cents, dates, currencies (identifiers: `ids.rs`).

use super::*;

/// `1 234,56`, `1.234,56`, `1,234.56`, `1234.5`, with or without `€`/`EUR` → `"1234.56"`.
pub fn parse_amount(s: &str) -> Option<String> {
    let l = Line::new(s.trim());
    let a = scan_amount(&l.low, 0, l.low.len())?;
    (a.start == 0 && a.end == l.low.len()).then(|| format_cents(a.cents))
}

/// `dd/mm/yyyy`, `dd-mm-yy`, `dd.mm.yyyy`, `yyyy-mm-dd`, `1er mars 2026`, `March 2, 2026`… → `"YYYY-MM-DD"`.
pub fn parse_date(s: &str) -> Option<String> {
    let l = Line::new(s.trim());
    date_at(&l.low, 0)
        .filter(|(_, e, _)| *e == l.low.len())
        .map(|(d, _, _)| iso(d))
}

/// `€`, `EUR`, `euros` → `EUR`; `$`/`USD`, `£`/`GBP`, `CHF`, `TND`/`DT`.
pub fn parse_currency(s: &str) -> Option<&'static str> {
    let l = Line::new(s.trim());
    currency_at(&l.low, 0)
        .filter(|(_, e)| *e == l.low.len())
        .map(|(c, _)| c)
}

pub(super) fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A run of `min..=max` digits at `i` (the whole run): its value and end.
pub(super) fn digits(s: &[char], i: usize, min: usize, max: usize) -> Option<(u32, usize)> {
    let e = run(s, i, |c| c.is_ascii_digit());
    if e - i < min || e - i > max {
        return None;
    }
    let text: String = s.get(i..e)?.iter().collect();
    Some((text.parse().ok()?, e))
}

pub(super) fn month_at(s: &[char], i: usize) -> Option<(u32, usize)> {
    const MONTHS: &str = "janvier january jan janv|fevrier february feb fev fevr|mars march mar|avril april apr avr|\
        mai may|juin june jun|juillet july jul juil|aout august aug|septembre september sep sept|octobre october oct|\
        novembre november nov|decembre december dec";
    let e = run(s, i, |c| c.is_ascii_alphabetic());
    let word: String = s.get(i..e)?.iter().collect();
    let m = MONTHS
        .split('|')
        .position(|names| names.split(' ').any(|n| n == word))?;
    Some((m as u32 + 1, e + usize::from(at(s, e) == '.')))
}

/// A year at `i`: four digits (1900–2100) or two (→ 20yy, a looser format).
pub(super) fn year_at(s: &[char], i: usize) -> Option<(i32, usize, bool)> {
    if let Some((y, e)) = digits(s, i, 4, 4) {
        return (1900..=2100).contains(&y).then_some((y as i32, e, true));
    }
    digits(s, i, 2, 2).map(|(y, e)| (2000 + y as i32, e, false))
}

pub(super) fn date_sep(s: &[char], i: usize) -> Option<(char, usize)> {
    let j = skip(s, i, " ");
    matches!(at(s, j), '/' | '-' | '.').then(|| (at(s, j), skip(s, j + 1, " ")))
}

pub(super) fn ordinal(s: &[char], i: usize) -> usize {
    ["er", "st", "nd", "rd", "th"]
        .iter()
        .find_map(|w| word_at(s, i, w))
        .unwrap_or(i)
}

/// A date starting at `i`: (date, end, four-digit year). Impossible calendar dates are refused.
pub(super) fn date_at(s: &[char], i: usize) -> Option<(NaiveDate, usize, bool)> {
    let ymd = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d);
    if at(s, i).is_alphabetic() {
        let (m, j) = month_at(s, i)?;
        let (d, j) = digits(s, skip(s, j, " "), 1, 2)?;
        let (y, e, full) = year_at(s, skip(s, ordinal(s, j), " ,"))?;
        return Some((ymd(y, m, d)?, e, full));
    }
    let (a, j) = digits(s, i, 1, 4)?;
    if j - i == 4 {
        let (sep, k) = date_sep(s, j)?;
        let (m, k) = digits(s, k, 1, 2)?;
        let (sep2, k) = date_sep(s, k)?;
        let (d, e) = digits(s, k, 1, 2)?;
        return (sep == sep2 && (1900..=2100).contains(&a)).then_some((
            ymd(a as i32, m, d)?,
            e,
            true,
        ));
    }
    if j - i > 2 {
        return None;
    }
    if let Some((sep, k)) = date_sep(s, j) {
        let (m, k) = digits(s, k, 1, 2)?;
        let (sep2, k) = date_sep(s, k)?;
        let (y, e, full) = year_at(s, k)?;
        return (sep == sep2).then_some((ymd(y, m, a)?, e, full));
    }
    let (m, k) = month_at(s, skip(s, ordinal(s, j), " "))?;
    let (y, e, full) = year_at(s, skip(s, k, " "))?;
    Some((ymd(y, m, a)?, e, full))
}

/// The first date from `from` (before `to`) starting on a word boundary: (start, date, end, four-digit year).
pub(super) fn scan_date(
    s: &[char],
    from: usize,
    to: usize,
) -> Option<(usize, NaiveDate, usize, bool)> {
    (from..to.min(s.len()))
        .filter(|&i| !prev(s, i).is_alphanumeric())
        .find_map(|i| date_at(s, i).map(|(d, e, full)| (i, d, e, full)))
}

/// A currency symbol or code at `i`: (ISO code, end).
pub(super) fn currency_at(s: &[char], i: usize) -> Option<(&'static str, usize)> {
    match at(s, i) {
        '€' => return Some(("EUR", i + 1)),
        '$' => return Some(("USD", i + 1)),
        '£' => return Some(("GBP", i + 1)),
        _ if prev(s, i).is_alphabetic() => return None,
        _ => {}
    }
    let e = run(s, i, |c| c.is_ascii_alphabetic());
    let code = match s.get(i..e)?.iter().collect::<String>().as_str() {
        "eur" | "euro" | "euros" => "EUR",
        "usd" => "USD",
        "gbp" => "GBP",
        "chf" => "CHF",
        "tnd" | "dt" => "TND",
        _ => return None,
    };
    Some((code, e))
}

/// An amount at `i`: digits with thousands separators (space, dot, comma, apostrophe) and a decimal part of one
/// or two digits → (cents, end, two decimals). Inconsistent groupings are refused.
pub(super) fn number_at(s: &[char], i: usize) -> Option<(i64, usize, bool)> {
    let digit = |c: char| c.is_ascii_digit();
    let (mut groups, mut sep, mut j) = (Vec::new(), ' ', i);
    loop {
        let end = run(s, j, digit);
        if end == j || groups.len() > 6 {
            return None;
        }
        groups.push((sep, j, end));
        let next = run(s, end + 1, digit) - (end + 1);
        match at(s, end) {
            c @ ('.' | ',') if next > 0 => sep = c,
            ' ' | '\'' if next == 3 => sep = ' ',
            _ => {
                j = end;
                break;
            }
        }
        j = end + 1;
    }
    let (last_sep, ls, le) = *groups.last()?;
    let frac = (groups.len() > 1 && last_sep != ' ' && le - ls <= 2).then_some((last_sep, ls, le));
    let int = &groups[..groups.len() - usize::from(frac.is_some())];
    let tail = int.get(1..).unwrap_or_default();
    let thousands = tail.first().map(|g| g.0);
    let grouped = tail
        .iter()
        .all(|g| Some(g.0) == thousands && g.2 - g.1 == 3 && frac.is_none_or(|f| f.0 != g.0));
    if !grouped || (!tail.is_empty() && int[0].2 - int[0].1 > 3) {
        return None;
    }
    let units: String = int.iter().flat_map(|g| s[g.1..g.2].iter()).collect();
    if units.len() > 13 {
        return None;
    }
    let mut cents = units.parse::<i64>().ok()? * 100;
    if let Some((_, a, b)) = frac {
        let d: String = s[a..b].iter().collect();
        cents += d.parse::<i64>().ok()? * if d.len() == 1 { 10 } else { 1 };
    }
    Some((cents, j, frac.is_some_and(|f| f.2 - f.1 == 2)))
}

pub(super) struct Amount {
    pub(super) cents: i64,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) two_decimals: bool,
    pub(super) currency: Option<(&'static str, usize, usize)>,
}

/// The first amount in `from..to` with its adjacent currency; dates and percentages (rates) are passed over.
pub(super) fn scan_amount(s: &[char], from: usize, to: usize) -> Option<Amount> {
    let mut i = from;
    while i < to.min(s.len()) {
        if !s[i].is_ascii_digit() || prev(s, i).is_alphanumeric() || matches!(prev(s, i), '.' | ',')
        {
            i += 1;
            continue;
        }
        if let Some((_, e, _)) = date_at(s, i) {
            i = e;
            continue;
        }
        let Some((cents, e, two_decimals)) = number_at(s, i) else {
            i = run(s, i, |c| c.is_ascii_digit() || matches!(c, '.' | ','));
            continue;
        };
        let after = skip(s, e, " ");
        if at(s, after) == '%' {
            i = after + 1;
            continue;
        }
        // A currency just before the number ("€ 12", "EUR12") or just after it ("12 €", "12,00 EUR").
        let before = (1..=6)
            .filter_map(|n| i.checked_sub(n))
            .filter(|&k| k >= from)
            .find_map(|k| {
                currency_at(s, k)
                    .filter(|(_, ce)| skip(s, *ce, " ") == i)
                    .map(|(c, ce)| (c, k, ce))
            });
        let behind = currency_at(s, after).map(|(c, ce)| (c, after, ce));
        let (mut start, end) = (before.map_or(i, |b| b.1), behind.map_or(e, |b| b.2));
        // A minus sign against the amount (or its currency) makes it negative, as on a credit note; a hyphen
        // after a letter or digit ("T-12", "2025-12") is not one.
        let negative = start > 0
            && matches!(s[start - 1], '-' | '\u{2212}')
            && !prev(s, start - 1).is_alphanumeric();
        if negative {
            start -= 1;
        }
        let currency = before.or(behind);
        return Some(Amount {
            cents: if negative { -cents } else { cents },
            start,
            end,
            two_decimals,
            currency,
        });
    }
    None
}

pub(super) fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(super) fn date_hit(l: &Line, v: usize) -> Option<Hit> {
    date_at(&l.low, v).map(|(d, e, full)| hit(iso(d), if full { 0.9 } else { 0.7 }, l.text(v, e)))
}

/// An identifier at `v`: the first word, extended by the following groups of digits when it is digits itself
/// ("123 456 789" → "123456789"). It must contain a digit and not be a date.
pub(super) fn ident_at(l: &Line, v: usize, conf: f64) -> Option<Hit> {
    let s = &l.low;
    if date_at(s, v).is_some() {
        return None;
    }
    let word_end = |i: usize| run(s, i, |c| c != ' ');
    let all_digits = |a: usize, b: usize| b > a && (a..b).all(|k| s[k].is_ascii_digit());
    let mut e = word_end(v);
    if all_digits(v, e) {
        while e - v < 40 && at(s, e) == ' ' && all_digits(e + 1, word_end(e + 1)) {
            e = word_end(e + 1);
        }
    }
    while e > v && matches!(at(s, e - 1), ',' | ';' | '.' | ':' | ')' | '-' | '/') {
        e -= 1;
    }
    let raw = l.text(v, e);
    let value: String = raw.split_whitespace().collect();
    if value.chars().count() > 40 || !value.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let strict = value
        .chars()
        .all(|c| c.is_alphanumeric() || "-/_.".contains(c));
    Some(hit(value, if strict { conf } else { conf.min(0.7) }, raw))
}

/// Line starts that make a line a label rather than a name.
pub(super) const LABEL_STARTS: &str = "facture|invoice|date|siret|siren|total|t.v.a|vat|client|tel|fax|mail|e-mail|devis|page|ref|#|\
    montant|adresse|immatriculation|vehicule|kilometrage|www|http|code|iban|bic";

/// A name in `a..b` of a line, cut at the first column break (" - ", "|", ",", three spaces); refused when it has
/// fewer than `min` letters and digits, is mostly digits or looks like a label.
pub(super) fn name_in(l: &Line, a: usize, b: usize, conf: f64, min: usize) -> Option<Hit> {
    let s = &l.low;
    let a = skip(s, a, " :-");
    let b = b.min(s.len()).min(a + 100);
    let e = (a..b)
        .find(|&i| matches!(s[i], '|' | ',') || starts(s, i, "   ") || starts(s, i, " - "))
        .unwrap_or(b);
    let low: Vec<char> = s.get(a..e)?.to_vec();
    // "Assureur / Insurer": the label's translation, not a value.
    if low.first() == Some(&'/') {
        return None;
    }
    let count = low.iter().filter(|c| c.is_alphanumeric()).count();
    let digits = low.iter().filter(|c| c.is_ascii_digit()).count();
    let label = low.contains(&':')
        || LABEL_STARTS
            .split('|')
            .any(|p| match_at(&low, 0, p).is_some_and(|e| !at(&low, e).is_alphabetic()));
    if count < min || digits * 2 > count || label {
        return None;
    }
    let raw = l.text(a, e);
    Some(hit(squash(&raw), conf, raw))
}
