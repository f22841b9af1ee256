//! Fields from a document's text (documents.md §6.3–§6.5): type detection, the fields of invoices, registration and
//! insurance certificates with their confidence, and a suggestion the frontend may use to pre-fill a form. Pure
//! functions written for noisy OCR text: matching ignores case, accents and spacing; amounts are integer cents.

use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use crate::vehicles::model::FUEL_TYPES;

/// Result of analysing extracted text.
pub struct Extraction {
    /// The type to store after the rule of §6.3 (the stored type unless it is "other" and a type was detected).
    pub document_type: String,
    /// `analysis_data` of §6.4, plus `suggestion` when there is one.
    pub analysis_data: Value,
}

/// `source`: `text_layer`, `ocr` or `mixed` (OCR confidence factor for the last two); `pages`: 1 for images.
pub fn analyse(text: &str, stored_type: &str, source: &str, pages: usize) -> Extraction {
    let doc = lines(text);
    let (detected, score) = detect(&doc);
    let doc_type = if stored_type == "other" && detected != "other" {
        detected
    } else {
        stored_type
    };
    let mut found = match doc_type {
        "invoice" => invoice(&doc),
        "registration" => registration(&doc),
        "insurance" => insurance(&doc),
        _ => Vec::new(),
    };
    if matches!(source, "ocr" | "mixed") {
        found.iter_mut().for_each(|(_, h)| h.conf *= 0.9);
    }
    // The three amounts confirm each other when they add up.
    let cents = |name: &str| {
        found
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, h)| h.cents)
    };
    let totals = (
        cents("total_excl_tax"),
        cents("vat_amount"),
        cents("total_incl_tax"),
    );
    if let (Some(ht), Some(vat), Some(ttc)) = totals
        && (ht + vat - ttc).abs() <= 2
    {
        for (_, h) in found.iter_mut().filter(|(_, h)| h.cents.is_some()) {
            h.conf = (h.conf + 0.1).min(1.0);
        }
    }
    let mut fields = Map::new();
    for (name, h) in &found {
        fields.insert(
            name.to_string(),
            json!({"value": h.value, "confidence": round2(h.conf), "raw": h.raw}),
        );
    }
    let sum: f64 = found.iter().map(|(_, h)| round2(h.conf)).sum();
    let confidence = if found.is_empty() {
        0.0
    } else {
        round2(sum / found.len() as f64)
    };
    let suggestion = suggestion(doc_type, &fields);
    let mut data = json!({"document_type": detected, "document_type_score": score, "source": source, "pages": pages,
        "fields": fields, "confidence": confidence});
    if let Some(s) = suggestion {
        data["suggestion"] = s;
    }
    Extraction {
        document_type: doc_type.to_string(),
        analysis_data: data,
    }
}

/// (type, `document_type_score`) per §6.3.
pub fn detect_type(text: &str) -> (&'static str, f64) {
    detect(&lines(text))
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

// ---- Text and matching ----

/// A line as printed (`raw`) and folded (`low`); both have one entry per character, so an index found in `low`
/// slices `raw`.
struct Line {
    raw: Vec<char>,
    low: Vec<char>,
}

impl Line {
    fn new(s: &str) -> Line {
        // Combining accents are dropped so that both vectors keep one entry per letter.
        let raw: Vec<char> = s
            .chars()
            .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
            .collect();
        let low = raw.iter().map(|&c| fold(c)).collect();
        Line { raw, low }
    }

    /// The printed text of `a..b`, trimmed.
    fn text(&self, a: usize, b: usize) -> String {
        let s: String = self
            .raw
            .get(a..b.min(self.raw.len()))
            .unwrap_or_default()
            .iter()
            .collect();
        s.trim().to_string()
    }

    fn blank(&self) -> bool {
        self.low.iter().all(|&c| c == ' ')
    }
}

fn lines(text: &str) -> Vec<Line> {
    text.split(['\n', '\r', '\u{c}']).map(Line::new).collect()
}

/// Lower case without accents; every kind of space becomes ' ', quotes and dashes their ASCII form.
fn fold(c: char) -> char {
    match c.to_lowercase().next().unwrap_or(c) {
        'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' | 'æ' => 'a',
        'ç' => 'c',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'î' | 'ï' | 'í' | 'ì' => 'i',
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' | 'œ' => 'o',
        'ù' | 'û' | 'ü' | 'ú' => 'u',
        'ÿ' | 'ý' => 'y',
        'ñ' => 'n',
        'ß' => 's',
        '’' | '‘' | '`' | '´' => '\'',
        '–' | '—' | '‐' | '‑' | '−' => '-',
        'º' | '˚' => '°',
        '№' => '#',
        l if l.is_whitespace() => ' ',
        l => l,
    }
}

/// The character at `i`, `'\0'` past the end (so that scanners never index out of bounds).
fn at(s: &[char], i: usize) -> char {
    s.get(i).copied().unwrap_or('\0')
}

fn prev(s: &[char], i: usize) -> char {
    if i == 0 { ' ' } else { at(s, i - 1) }
}

fn skip(s: &[char], mut i: usize, set: &str) -> usize {
    while i < s.len() && set.contains(s[i]) {
        i += 1;
    }
    i
}

fn run(s: &[char], mut i: usize, pred: impl Fn(char) -> bool) -> usize {
    while i < s.len() && pred(s[i]) {
        i += 1;
    }
    i
}

fn starts(s: &[char], i: usize, w: &str) -> bool {
    w.chars().enumerate().all(|(k, c)| at(s, i + k) == c)
}

/// `w` at `i`, not followed by a letter: the end.
fn word_at(s: &[char], i: usize, w: &str) -> Option<usize> {
    let e = i + w.chars().count();
    (starts(s, i, w) && !at(s, e).is_alphabetic()).then_some(e)
}

/// A number sign at `i` as OCR prints it: `n°`, `n °`, `no`, `N o`, `nº`, `#`, `num.`, `numéro`.
fn numero(s: &[char], i: usize) -> Option<usize> {
    if at(s, i) == '#' {
        return Some(i + 1);
    }
    if let Some(e) = word_at(s, i, "numero") {
        return Some(e);
    }
    if starts(s, i, "num.") {
        return Some(i + 4);
    }
    if at(s, i) != 'n' {
        return None;
    }
    let j = skip(s, i + 1, " ");
    match at(s, j) {
        '°' => Some(j + 1),
        'o' if !at(s, j + 1).is_alphabetic() => Some(j + 1 + usize::from(at(s, j + 1) == '.')),
        _ => None,
    }
}

/// Where the folded pattern `pat` matches at `i`, the end. In patterns ' ' is any run of spaces (or none), '-' a
/// dash, spaces or nothing, '.' an optional dot, '\'' an apostrophe or a space, '#' a number sign.
fn match_at(s: &[char], mut i: usize, pat: &str) -> Option<usize> {
    for p in pat.chars() {
        i = match p {
            ' ' => skip(s, i, " "),
            '-' => skip(s, i, " -"),
            '.' => skip(s, i + usize::from(at(s, i) == '.'), " "),
            '\'' if matches!(at(s, i), '\'' | ' ') => skip(s, i + 1, " "),
            '#' => numero(s, i)?,
            c if at(s, i) == c => i + 1,
            _ => return None,
        };
    }
    Some(i)
}

/// The first match of `pat` from `from` that starts on a word boundary (and ends on one when `whole`).
fn find(s: &[char], from: usize, pat: &str, whole: bool) -> Option<(usize, usize)> {
    let first = pat.chars().next().unwrap_or(' ');
    let bound_start = first.is_alphanumeric() || first == '#';
    let bound_end = whole && pat.chars().last().is_some_and(char::is_alphanumeric);
    (from..s.len()).find_map(|i| {
        if bound_start && prev(s, i).is_alphanumeric() {
            return None;
        }
        let e = match_at(s, i, pat)?;
        (!(bound_end && at(s, e).is_alphabetic())).then_some((i, e))
    })
}

/// What may sit between a label and its value.
const SEP: &str = " :.=-";

/// A value found in the text.
struct Hit {
    value: Value,
    conf: f64,
    raw: String,
    /// Amounts only.
    cents: Option<i64>,
    currency: Option<(&'static str, String)>,
}

fn hit(value: impl Into<Value>, conf: f64, raw: String) -> Hit {
    Hit {
        value: value.into(),
        conf,
        raw,
        cents: None,
        currency: None,
    }
}

/// The fields that were found, in order.
fn keep<const N: usize>(found: [(&'static str, Option<Hit>); N]) -> Vec<(&'static str, Hit)> {
    found
        .into_iter()
        .filter_map(|(n, h)| h.map(|h| (n, h)))
        .collect()
}

/// The first value `parse` reads right after one of `labels` ('|' between them) on the same line (lines in
/// order, then labels).
fn after_label(
    doc: &[Line],
    labels: &str,
    parse: impl Fn(&Line, usize, &str) -> Option<Hit>,
) -> Option<Hit> {
    doc.iter().find_map(|l| {
        labels.split('|').find_map(|label| {
            let mut from = 0;
            while let Some((_, e)) = find(&l.low, from, label, true) {
                if let Some(h) = parse(l, skip(&l.low, e, SEP), label) {
                    return Some(h);
                }
                from = e.max(from + 1);
            }
            None
        })
    })
}

// ---- Type detection ----

/// §6.3 patterns per type in tie-break order: ';' between patterns, '|' between spellings of one pattern.
const TYPE_PATTERNS: &str = "\
invoice: facture; invoice; total t.t.c; montant t.t.c; total h.t; t.v.a; # facture|# de facture|facture #; siret; net a payer
registration: certificat d'immatriculation; carte grise; date de premiere immatriculation; immatriculation
insurance: attestation d'assurance; carte verte; assureur; police d'assurance; contrat #|# de contrat; memo vehicule assure; insurance certificate
inspection: controle technique; proces-verbal; defaillance; prochain controle; centre de controle
maintenance: entretien; revision; vidange; plaquettes; pneus; distribution; maintenance";

/// Certificate labels that count as registration patterns, one hit each.
const REG_DETECT_LABELS: [&str; 4] = ["c.1", "d.1", "d.3", "p.6"];

fn detect(doc: &[Line]) -> (&'static str, f64) {
    // Phrases may be split over lines by OCR: search the whole text as one line.
    let all: Vec<char> = doc
        .iter()
        .flat_map(|l| l.low.iter().copied().chain([' ']))
        .collect();
    let mut best = ("other", 0usize);
    for (ty, patterns) in TYPE_PATTERNS.lines().filter_map(|l| l.split_once(": ")) {
        // Short patterns ("tva", "siret") must be whole words; longer ones may take an ending ("factures").
        let found = |p: &str| find(&all, 0, p, p.len() <= 5).is_some();
        let mut hits = patterns
            .split("; ")
            .filter(|alts| alts.split('|').any(found))
            .count();
        if ty == "registration" {
            let present = |lab: &str| {
                doc.iter()
                    .any(|l| (0..l.low.len()).any(|i| reg_label_at(&l.low, i, lab).is_some()))
            };
            hits += REG_DETECT_LABELS.iter().filter(|lab| present(lab)).count();
        }
        if hits > best.1 {
            best = (ty, hits);
        }
    }
    (best.0, round2((best.1 as f64 / 3.0).min(1.0)))
}

// ---- Validators and parsers ----

/// 14 digits (spaces ignored) passing the Luhn check; La Poste's establishments (SIREN 356 000 000) are numbered
/// by digit sum instead, a multiple of 5.
pub fn siret_is_valid(siret: &str) -> bool {
    let digits: Option<Vec<u32>> = siret
        .chars()
        .filter(|c| *c != ' ')
        .map(|c| c.to_digit(10))
        .collect();
    let Some(digits) = digits.filter(|d| d.len() == 14) else {
        return false;
    };
    let doubled = |d: u32| if d * 2 > 9 { d * 2 - 9 } else { d * 2 };
    let luhn: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| if i % 2 == 1 { doubled(d) } else { d })
        .sum();
    let la_poste = siret.replace(' ', "").starts_with("356000000");
    luhn.is_multiple_of(10) || (la_poste && digits.iter().sum::<u32>().is_multiple_of(5))
}

/// 17 letters or digits without I, O or Q (the format the vehicles module accepts).
pub fn vin_is_valid(vin: &str) -> bool {
    vin.chars().count() == 17
        && vin.chars().all(|c| {
            c.is_ascii_alphanumeric() && !matches!(c.to_ascii_uppercase(), 'I' | 'O' | 'Q')
        })
}

/// The ISO 3779 / North-American check digit at position 9. Only a confidence signal: European makers often
/// do not use it.
pub fn vin_check_digit_ok(vin: &str) -> bool {
    const WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
    let value = |c: char| match c {
        '0'..='9' => c.to_digit(10).unwrap_or(0),
        'A' | 'J' => 1,
        'B' | 'K' | 'S' => 2,
        'C' | 'L' | 'T' => 3,
        'D' | 'M' | 'U' => 4,
        'E' | 'N' | 'V' => 5,
        'F' | 'W' => 6,
        'G' | 'P' | 'X' => 7,
        'H' | 'Y' => 8,
        _ => 9, // R, Z
    };
    if !vin_is_valid(vin) {
        return false;
    }
    let up = vin.to_ascii_uppercase();
    let sum: u32 = up.chars().zip(WEIGHTS).map(|(c, w)| value(c) * w).sum();
    let check = if sum % 11 == 10 {
        'X'
    } else {
        char::from_digit(sum % 11, 10).unwrap_or('?')
    };
    up.chars().nth(8) == Some(check)
}

/// A French plate: SIV `AA-123-AA` (dashes, spaces or nothing) → `AA-123-AA`; FNI `1234 AB 56`, `123 ABC 75`,
/// `12 AB 2A` → single spaces. SIV plates with I, O, U, `000` or `SS` are refused.
pub fn parse_plate(s: &str) -> Option<String> {
    let l = Line::new(s.trim());
    plate_at(&l.low, 0)
        .filter(|(_, e, ok)| *ok && *e == l.low.len())
        .map(|(p, _, _)| p)
}

/// `1 234,56`, `1.234,56`, `1,234.56`, `1234.5`, with or without `€`/`EUR` → `"1234.56"`.
pub fn parse_amount(s: &str) -> Option<String> {
    let l = Line::new(s.trim());
    let a = scan_amount(&l.low, 0, l.low.len())?;
    (a.start == 0 && a.end == l.low.len()).then(|| fmt_cents(a.cents))
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

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn fmt_cents(c: i64) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

/// A run of `min..=max` digits at `i` (the whole run): its value and end.
fn digits(s: &[char], i: usize, min: usize, max: usize) -> Option<(u32, usize)> {
    let e = run(s, i, |c| c.is_ascii_digit());
    if e - i < min || e - i > max {
        return None;
    }
    let text: String = s.get(i..e)?.iter().collect();
    Some((text.parse().ok()?, e))
}

fn month_at(s: &[char], i: usize) -> Option<(u32, usize)> {
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
fn year_at(s: &[char], i: usize) -> Option<(i32, usize, bool)> {
    if let Some((y, e)) = digits(s, i, 4, 4) {
        return (1900..=2100).contains(&y).then_some((y as i32, e, true));
    }
    digits(s, i, 2, 2).map(|(y, e)| (2000 + y as i32, e, false))
}

fn date_sep(s: &[char], i: usize) -> Option<(char, usize)> {
    let j = skip(s, i, " ");
    matches!(at(s, j), '/' | '-' | '.').then(|| (at(s, j), skip(s, j + 1, " ")))
}

fn ordinal(s: &[char], i: usize) -> usize {
    ["er", "st", "nd", "rd", "th"]
        .iter()
        .find_map(|w| word_at(s, i, w))
        .unwrap_or(i)
}

/// A date starting at `i`: (date, end, four-digit year). Impossible calendar dates are refused.
fn date_at(s: &[char], i: usize) -> Option<(NaiveDate, usize, bool)> {
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
fn scan_date(s: &[char], from: usize, to: usize) -> Option<(usize, NaiveDate, usize, bool)> {
    (from..to.min(s.len()))
        .filter(|&i| !prev(s, i).is_alphanumeric())
        .find_map(|i| date_at(s, i).map(|(d, e, full)| (i, d, e, full)))
}

/// A currency symbol or code at `i`: (ISO code, end).
fn currency_at(s: &[char], i: usize) -> Option<(&'static str, usize)> {
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
fn number_at(s: &[char], i: usize) -> Option<(i64, usize, bool)> {
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

struct Amount {
    cents: i64,
    start: usize,
    end: usize,
    two_decimals: bool,
    currency: Option<(&'static str, usize, usize)>,
}

/// The first amount in `from..to` with its adjacent currency; dates and percentages (rates) are passed over.
fn scan_amount(s: &[char], from: usize, to: usize) -> Option<Amount> {
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
        let (start, end) = (before.map_or(i, |b| b.1), behind.map_or(e, |b| b.2));
        let currency = before.or(behind);
        return Some(Amount {
            cents,
            start,
            end,
            two_decimals,
            currency,
        });
    }
    None
}

/// A plate at `i`: (normalised, end, strict). SIV plates are strict without I, O, U, `000` and `SS`.
fn plate_at(s: &[char], i: usize) -> Option<(String, usize, bool)> {
    if prev(s, i).is_alphanumeric() {
        return None;
    }
    let (alpha, digit) = (
        |c: char| c.is_ascii_alphabetic(),
        |c: char| c.is_ascii_digit(),
    );
    let part = |a: usize, b: usize| s[a..b].iter().collect::<String>().to_uppercase();
    let e1 = run(s, i, alpha);
    if e1 - i == 2 {
        let j = skip(s, e1, " -");
        let e2 = run(s, j, digit);
        let k = skip(s, e2, " -");
        let e3 = run(s, k, alpha);
        if e2 - j != 3 || e3 - k != 2 || at(s, e3).is_alphanumeric() {
            return None;
        }
        let (a, n, b) = (part(i, e1), part(j, e2), part(k, e3));
        let ok =
            !format!("{a}{b}").contains(['I', 'O', 'U']) && n != "000" && a != "SS" && b != "SS";
        return Some((format!("{a}-{n}-{b}"), e3, ok));
    }
    // FNI (before 2009): 1–4 digits, 1–3 letters, département (2 digits, 2A/2B, 97x).
    let e1 = run(s, i, digit);
    let j = skip(s, e1, " -");
    let e2 = run(s, j, alpha);
    let k = skip(s, e2, " -");
    let e3 = run(s, k, |c| c.is_ascii_alphanumeric());
    let dept = part(k, e3);
    let numeric = dept.chars().all(|c| c.is_ascii_digit());
    let dept_ok = matches!(dept.as_str(), "2A" | "2B")
        || (numeric && (dept.len() == 2 || (dept.len() == 3 && dept.starts_with("97"))));
    let ok = (1..=4).contains(&(e1 - i)) && (1..=3).contains(&(e2 - j)) && dept_ok;
    ok.then(|| {
        (
            format!("{} {} {}", part(i, e1), part(j, e2), dept),
            e3,
            true,
        )
    })
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn date_hit(l: &Line, v: usize) -> Option<Hit> {
    date_at(&l.low, v).map(|(d, e, full)| hit(iso(d), if full { 0.9 } else { 0.7 }, l.text(v, e)))
}

/// An identifier at `v`: the first word, extended by the following groups of digits when it is digits itself
/// ("123 456 789" → "123456789"). It must contain a digit and not be a date.
fn ident_at(l: &Line, v: usize, conf: f64) -> Option<Hit> {
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
    while e > v && matches!(at(s, e - 1), ',' | ';' | '.' | ':' | ')') {
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
const LABEL_STARTS: &str = "facture|invoice|date|siret|siren|total|t.v.a|vat|client|tel|fax|mail|e-mail|devis|page|ref|#|\
    montant|adresse|immatriculation|vehicule|kilometrage|www|http|code|iban|bic";

/// A name in `a..b` of a line, cut at the first column break (" - ", "|", ",", three spaces); refused when it has
/// fewer than `min` letters and digits, is mostly digits or looks like a label.
fn name_in(l: &Line, a: usize, b: usize, conf: f64, min: usize) -> Option<Hit> {
    let s = &l.low;
    let a = skip(s, a, " :-");
    let b = b.min(s.len()).min(a + 100);
    let e = (a..b)
        .find(|&i| matches!(s[i], '|' | ',') || starts(s, i, "   ") || starts(s, i, " - "))
        .unwrap_or(b);
    let low: Vec<char> = s.get(a..e)?.to_vec();
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

// ---- Invoice ----

// Labels of §6.5, folded ('|' between spellings; see `match_at` for '#', '.', '-', ' ' and '\'').
const INVOICE_NUMBER: &str =
    "facture #|# de facture|# facture|invoice #|invoice number|ref. facture";
const INVOICE_DATE: &str = "date de facture|date facture|date d'emission|invoice date|date|du|le";
const TOTAL_EXCL_TAX: &str =
    "total h.t|montant h.t|sous-total|sub-total|total excl|total hors taxes";
const TOTAL_INCL_TAX: &str =
    "total t.t.c|net a payer|montant t.t.c|total a payer|amount due|total due";
const MILEAGE: &str = "kilometrage|km compteur|kms compteur|compteur|km :|mileage|odometer";

/// How far after its label an amount may be.
const AMOUNT_WINDOW: usize = 60;

fn amount_hit(l: &Line, a: &Amount, label: bool) -> Hit {
    let conf = match (label, a.two_decimals || a.currency.is_some()) {
        (false, _) => 0.5,
        (true, true) => 0.9,
        (true, false) => 0.7,
    };
    let mut h = hit(fmt_cents(a.cents), conf, l.text(a.start, a.end));
    h.cents = Some(a.cents);
    h.currency = a.currency.map(|(c, cs, ce)| (c, l.text(cs, ce)));
    h
}

fn invoice(doc: &[Line]) -> Vec<(&'static str, Hit)> {
    let amount = |labels: &str| {
        after_label(doc, labels, |l, v, _| {
            scan_amount(&l.low, v, v + AMOUNT_WINDOW).map(|a| amount_hit(l, &a, true))
        })
    };
    let number = after_label(doc, INVOICE_NUMBER, |l, v, _| ident_at(l, v, 0.9))
        .or_else(|| after_label(doc, "facture|invoice", |l, v, _| ident_at(l, v, 0.5)));
    let date = after_label(doc, INVOICE_DATE, |l, v, _| date_hit(l, v)).or_else(|| {
        doc.iter().find_map(|l| {
            scan_date(&l.low, 0, l.low.len()).map(|(a, d, e, _)| hit(iso(d), 0.5, l.text(a, e)))
        })
    });
    let ht = amount(TOTAL_EXCL_TAX);
    let vat = after_label(doc, "t.v.a|vat", |l, v, _| {
        // Lines giving the VAT number or an exemption carry no VAT amount.
        let id = "intra|non applicable|# t.v.a|t.v.a #|# de t.v.a|vat #|vat number|vat id";
        if id.split('|').any(|p| find(&l.low, 0, p, false).is_some()) {
            return None;
        }
        scan_amount(&l.low, v, v + AMOUNT_WINDOW).map(|a| amount_hit(l, &a, true))
    });
    let ttc = amount(TOTAL_INCL_TAX).or_else(|| largest_total(doc));
    let currency = [&ttc, &ht, &vat]
        .into_iter()
        .flatten()
        .find_map(|h| h.currency.clone())
        .map(|(c, raw)| hit(c, 0.9, raw))
        .or_else(|| any_currency(doc));
    keep([
        ("invoice_number", number),
        ("invoice_date", date),
        ("garage_name", garage_name(doc)),
        ("siret", siret(doc)),
        ("total_excl_tax", ht),
        ("vat_amount", vat),
        ("total_incl_tax", ttc),
        ("currency", currency),
        ("mileage", mileage(doc)),
    ])
}

fn siret(doc: &[Line]) -> Option<Hit> {
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
        (digits.len() >= 9).then(|| {
            hit(
                digits.clone(),
                if siret_is_valid(&digits) { 0.9 } else { 0.7 },
                raw,
            )
        })
    })
}

/// The line before the SIRET line, else the first fitting one of the first lines.
fn garage_name(doc: &[Line]) -> Option<Hit> {
    let siret_line = doc
        .iter()
        .position(|l| find(&l.low, 0, "siret", true).is_some());
    // The line above the SIRET, skipping address lines (a name is rarely printed between address and SIRET).
    let above =
        siret_line.and_then(|n| doc[..n].iter().rev().find(|l| !l.blank() && !is_address(l)));
    above
        .and_then(|l| name_in(l, 0, l.low.len(), 0.7, 4))
        .or_else(|| {
            doc.iter()
                .filter(|l| !l.blank())
                .take(5)
                .find_map(|l| name_in(l, 0, l.low.len(), 0.5, 4))
        })
}

/// A postal address line: a street word, or a 5-digit postal code.
fn is_address(l: &Line) -> bool {
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

/// Fallback for the total: the largest amount after a "total".
fn largest_total(doc: &[Line]) -> Option<Hit> {
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

fn any_currency(doc: &[Line]) -> Option<Hit> {
    doc.iter().find_map(|l| {
        // "DT" away from an amount is too often something else.
        (0..l.low.len()).find_map(|i| {
            let (c, e) = currency_at(&l.low, i).filter(|_| !starts(&l.low, i, "dt"))?;
            Some(hit(c, 0.5, l.text(i, e)))
        })
    })
}

/// An integer with optional thousands separators ("45 230", "45.230") → (value, end).
fn int_at(s: &[char], i: usize) -> Option<(i64, usize)> {
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

fn km_after(s: &[char], e: usize) -> Option<usize> {
    let j = skip(s, e, " ");
    word_at(s, j, "km").or_else(|| word_at(s, j, "kms"))
}

fn mileage(doc: &[Line]) -> Option<Hit> {
    let labelled = after_label(doc, MILEAGE, |l, v, label| {
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
            first.get_or_insert((n, i, e));
            i = e;
        }
        // Without "km" after the number the unit must come from the label.
        let conf = if label.contains("km") { 0.9 } else { 0.7 };
        first.map(|(n, a, e)| hit(n, conf, l.text(a, e)))
    });
    labelled.or_else(|| {
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

// ---- Registration certificate ----

#[derive(Clone, Copy)]
enum Kind {
    Plate,
    Date,
    Text,
    Vin,
    Fuel,
    Int,
}

const REG_FIELDS: [(&str, &str, Kind); 10] = [
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

fn registration(doc: &[Line]) -> Vec<(&'static str, Hit)> {
    REG_FIELDS
        .iter()
        .filter_map(|&(name, label, kind)| {
            let found = reg_field(doc, label, kind).or_else(|| match label {
                "a" | "e" | "i" => glued(doc, label, kind),
                _ => None,
            });
            found.map(|h| (name, h))
        })
        .collect()
}

/// OCR often glues a bare label letter to its value (`AFG-482-KL`, `EVF1…`): such a line is read when the rest has
/// exactly the value's shape (a loose reading: 0.7).
fn glued(doc: &[Line], label: &str, kind: Kind) -> Option<Hit> {
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
fn reg_label_at(s: &[char], i: usize, label: &str) -> Option<(usize, bool)> {
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
fn stop_label_at(s: &[char], k: usize) -> bool {
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
fn reg_field(doc: &[Line], label: &str, kind: Kind) -> Option<Hit> {
    doc.iter().find_map(|l| {
        let s = &l.low;
        (0..s.len()).find_map(|i| {
            let (e, punct) = reg_label_at(s, i, label)?;
            let v = skip(s, e, " :");
            let cap = (v + 120).min(s.len());
            let end = (v + 1..cap).find(|&k| stop_label_at(s, k)).unwrap_or(cap);
            reg_parse(kind, l, v, end)
                .filter(|(_, shaped)| *shaped || punct)
                .map(|(h, _)| h)
        })
    })
}

fn fuel(code: &str) -> Option<&'static str> {
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
fn reg_parse(kind: Kind, l: &Line, v: usize, e: usize) -> Option<(Hit, bool)> {
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

// ---- Insurance certificate ----

const INSURER: &str = "societe d'assurance|compagnie d'assurance|compagnie|assureur|insurer";
const CONTRACT: &str = "contrat #|# de contrat|# contrat|police #|# de police|police d'assurance #|policy number|policy #";
const START_DATE: &str = "date d'effet|valable du|periode du|du|effective|from";
const END_DATE: &str = "valable jusqu'au|jusqu'au|date d'echeance|echeance|date d'expiration|expire le|expire|\
    expires on|expires|until|au|to";
/// Known insurers, found by name when no label gives one.
const INSURERS: &str = "Direct Assurance|AXA|Allianz|MAAF|MACIF|MAIF|Groupama|MMA|Generali|Matmut|GMF|Leocare|Ornikar|\
    MACSF|Aviva|Pacifica|Amaguiz|Thélem|Swiss Life|L'olivier Assurance|Euro-Assurance";

fn insurance(doc: &[Line]) -> Vec<(&'static str, Hit)> {
    let insurer =
        after_label(doc, INSURER, |l, v, _| name_in(l, v, l.low.len(), 0.9, 2)).or_else(|| {
            // The earliest known name on the first line that has one.
            doc.iter().find_map(|l| {
                let names = INSURERS.split('|').filter_map(|name| {
                    let folded: String = name.chars().map(fold).collect();
                    find(&l.low, 0, &folded, true).map(|(a, e)| (a, e, name))
                });
                names
                    .min_by_key(|n| n.0)
                    .map(|(a, e, name)| hit(name, 0.5, l.text(a, e)))
            })
        });
    let contract = after_label(doc, CONTRACT, |l, v, _| ident_at(l, v, 0.9));
    let start = after_label(doc, START_DATE, |l, v, _| date_hit(l, v));
    let end = after_label(doc, END_DATE, |l, v, _| date_hit(l, v));
    keep([
        ("insurer", insurer),
        ("contract_number", contract),
        ("start_date", start),
        ("end_date", end),
    ])
}

// ---- Suggestion ----

/// What the frontend may pre-fill for the user to confirm: a maintenance from an invoice with a date or a total,
/// a vehicle from a certificate with a make or a model.
fn suggestion(doc_type: &str, fields: &Map<String, Value>) -> Option<Value> {
    let get = |k: &str| fields.get(k).map_or(Value::Null, |f| f["value"].clone());
    match doc_type {
        "invoice" => {
            let date = get("invoice_date");
            let cost = Some(get("total_incl_tax"))
                .filter(|c| !c.is_null())
                .unwrap_or_else(|| get("total_excl_tax"));
            if date.is_null() && cost.is_null() {
                return None;
            }
            let (garage, number) = (get("garage_name"), get("invoice_number"));
            let parts: Vec<String> = [
                garage.as_str().map(str::to_string),
                number.as_str().map(|n| format!("facture {n}")),
            ]
            .into_iter()
            .flatten()
            .collect();
            let description = if parts.is_empty() {
                Value::Null
            } else {
                parts.join(" — ").into()
            };
            Some(
                json!({"maintenance": {"service_date": date, "cost": cost, "mileage": get("mileage"),
                "service_type": "Entretien", "description": description}}),
            )
        }
        "registration" => {
            let (make, model) = (get("make"), get("model"));
            if make.is_null() && model.is_null() {
                return None;
            }
            let registered = get("first_registration_date");
            let year = registered
                .as_str()
                .and_then(|d| d.get(..4))
                .and_then(|y| y.parse::<i64>().ok());
            let fuel = get("fuel_type")
                .as_str()
                .filter(|f| FUEL_TYPES.contains(f))
                .map(str::to_string);
            Some(
                json!({"vehicle": {"make": make, "model": model, "year": year,
                "license_plate": get("license_plate"), "vin": get("vin"), "fuel_type": fuel}}),
            )
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cases "input → output" separated by ';'.
    fn cases(list: &str) -> Vec<(&str, &str)> {
        list.split(';')
            .map(|c| c.split_once('→').unwrap())
            .map(|(i, o)| (i.trim(), o.trim()))
            .collect()
    }

    #[test]
    fn siret_luhn() {
        for ok in [
            "73282932000074",
            "732 829 320 00074",
            "44306184100047",
            "35600000000010",
        ] {
            assert!(siret_is_valid(ok), "{ok}");
        }
        // The last one is La Poste's SIREN with a digit sum that is no multiple of 5.
        for bad in [
            "73282932000075",
            "7328293200007",
            "732829320000745",
            "7328293200007A",
            "",
            "35600000000011",
        ] {
            assert!(!siret_is_valid(bad), "{bad}");
        }
    }

    #[test]
    fn vin_format_and_check_digit() {
        for ok in [
            "VF1RFB00012345678",
            "vf1rfb00012345678",
            "1M8GDM9AXKP042788",
            "VF15RBF0A12345678",
        ] {
            assert!(vin_is_valid(ok), "{ok}");
        }
        let bad = "VF1RFB0001234567 VF1RFB000123456789 VF1RFB0O012345678 VF1RFBI0012345678 VF1RFBQ0012345678 \
            VF1RFB0001234567é VF1RFB00012345_7";
        for bad in bad.split(' ').chain(["", "VF1RFB00012345 78"]) {
            assert!(!vin_is_valid(bad), "{bad}");
        }
        // Check digits: X, 1, 0; then a European VIN without one, a wrong one, a bad format.
        for ok in [
            "1M8GDM9AXKP042788",
            "11111111111111111",
            "VF1RFB00012345678",
            "vf1rfb00012345678",
        ] {
            assert!(vin_check_digit_ok(ok), "{ok}");
        }
        for bad in ["VF15RBF0A12345678", "1M8GDM9A1KP042788", "VF1RFB0001234567"] {
            assert!(!vin_check_digit_ok(bad), "{bad}");
        }
    }

    #[test]
    fn plates() {
        let ok = "AB-123-CD → AB-123-CD; ab 123 cd → AB-123-CD; AB123CD → AB-123-CD; AB - 123 - CD → AB-123-CD; \
            WW-123-AA → WW-123-AA; 1234 AB 56 → 1234 AB 56; 123ABC75 → 123 ABC 75; 12 ab 2a → 12 AB 2A; \
            456-AZ-974 → 456 AZ 974; 1 A 01 → 1 A 01";
        for (input, out) in cases(ok) {
            assert_eq!(parse_plate(input).as_deref(), Some(out), "{input}");
        }
        let bad = "AB-12-CD; AB-1234-CD; A-123-CD; AI-123-CD; AB-123-OU; AB-000-CD; SS-123-AB; AB-123-SS; 1234 AB 5; \
            12345 AB 56; 1234 ABCD 56; 1234 AB 2C; AB-123-CD-EF; ";
        for bad in bad.split("; ") {
            assert_eq!(parse_plate(bad), None, "{bad}");
        }
    }

    #[test]
    fn amounts() {
        let ok = "1 234,56 → 1234.56; 1\u{a0}234,56 € → 1234.56; 1\u{202f}234,56 → 1234.56; 1\u{2009}234,56€ → 1234.56; \
            1.234,56 → 1234.56; 1,234.56 → 1234.56; 1234.5 → 1234.50; 1234 → 1234.00; € 12,3 → 12.30; \
            EUR 1 000 → 1000.00; 99.99 EUR → 99.99; 12 euros → 12.00; $1,234.56 → 1234.56; 0,05 → 0.05; \
            1.234.567,89 → 1234567.89; 1 234 567.89 → 1234567.89; 1,234 → 1234.00; 1'234.50 CHF → 1234.50; 1,5 → 1.50";
        for (input, out) in cases(ok) {
            assert_eq!(parse_amount(input).as_deref(), Some(out), "{input}");
        }
        let bad = "; abc; €; 12,34,56; 12.34.56; 1.2345; 1,234.567; 20 %; 1 234,56 € extra; 12 345 678 901 234,00; \
            1.234.56,7; A12";
        for bad in bad.split("; ") {
            assert_eq!(parse_amount(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates() {
        let ok = "02/03/2026 → 2026-03-02; 2-3-2026 → 2026-03-02; 02.03.2026 → 2026-03-02; 2026-03-02 → 2026-03-02; \
            02/03/26 → 2026-03-02; 02 / 03 / 2026 → 2026-03-02; 2 mars 2026 → 2026-03-02; 1er mars 2026 → 2026-03-01; \
            March 2, 2026 → 2026-03-02; march 2nd, 2026 → 2026-03-02; 2 March 2026 → 2026-03-02; \
            12 Février 2026 → 2026-02-12; 12 fevrier 2026 → 2026-02-12; 15 août 2026 → 2026-08-15; \
            3 DÉCEMBRE 2025 → 2025-12-03; 1er janv. 2026 → 2026-01-01; Sept 9, 2026 → 2026-09-09; 29/02/2024 → 2024-02-29";
        for (input, out) in cases(ok) {
            assert_eq!(parse_date(input).as_deref(), Some(out), "{input}");
        }
        let bad = "31/02/2026; 30/02/2024; 29/02/2023; 32/01/2026; 01/13/2026; 2026-13-01; 2026-02-30; 02/03-2026; \
            2 foo 2026; 02/03/2026 extra; 12/2026; 1800-01-01; 02/03/202; mars 2026; ";
        for bad in bad.split("; ") {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn currencies() {
        let ok = "€ → EUR; eur → EUR; Euros → EUR; $ → USD; USD → USD; £ → GBP; gbp → GBP; CHF → CHF; TND → TND; DT → TND";
        for (input, out) in cases(ok) {
            assert_eq!(parse_currency(input), Some(out), "{input}");
        }
        for bad in ["XYZ", "eurx", "", "€€"] {
            assert_eq!(parse_currency(bad), None, "{bad}");
        }
    }

    #[test]
    fn type_detection() {
        let pv = "Procès verbal de contrôle technique\nDéfaillances majeures\nProchain contrôle avant le 01/01/2027";
        let expected = [
            ("Facture n° 12\nTotal TTC 10,00", ("invoice", 1.0)),
            ("NET À PAYER", ("invoice", 0.33)),
            ("CARTE GRISE", ("registration", 0.33)),
            ("C.1 DUPONT\nD.1 RENAULT", ("registration", 0.67)),
            ("Carte verte\nAssureur : MMA", ("insurance", 0.67)),
            (pv, ("inspection", 1.0)),
            ("Révision + vidange", ("maintenance", 0.67)),
            // Ties go to the earlier type of §6.3.
            ("facture\ncarte grise", ("invoice", 0.33)),
            ("vidange\ncarte verte", ("insurance", 0.33)),
            ("bonjour", ("other", 0.0)),
            ("", ("other", 0.0)),
            // Patterns start on a word boundary: "attva" is no VAT.
            ("attva", ("other", 0.0)),
        ];
        for (text, out) in expected {
            assert_eq!(detect_type(text), out, "{text}");
        }
    }

    const INVOICE: &str = "GARAGE DU CENTRE SARL
12 rue de la République
69001 Lyon
SIRET : 732 829 320 00074
Tél : 04 72 00 00 00

FACTURE N° F-2026-0042
Date : 02/03/2026

Client : Jean Dupont
Véhicule : Renault Clio AB-123-CD
Kilométrage : 45 230 km

Vidange moteur + filtre          89,00
Plaquettes de frein AV           10,00

Total HT              99,00 €
TVA 20 %              19,80 €
Total TTC            118,80 €
Net à payer          118,80 €
";

    #[test]
    fn invoice_text_layer() {
        let e = analyse(INVOICE, "other", "text_layer", 1);
        assert_eq!(e.document_type, "invoice");
        // The line above the SIRET is mostly digits, so the name comes from the first lines (0.5); the amounts
        // add up (+0.1).
        let expected = json!({"document_type": "invoice", "document_type_score": 1.0, "source": "text_layer",
            "pages": 1, "confidence": 0.91, "fields": {
            "invoice_number": {"value": "F-2026-0042", "confidence": 0.9, "raw": "F-2026-0042"},
            "invoice_date": {"value": "2026-03-02", "confidence": 0.9, "raw": "02/03/2026"},
            "garage_name": {"value": "GARAGE DU CENTRE SARL", "confidence": 0.7, "raw": "GARAGE DU CENTRE SARL"},
            "siret": {"value": "73282932000074", "confidence": 0.9, "raw": "732 829 320 00074"},
            "total_excl_tax": {"value": "99.00", "confidence": 1.0, "raw": "99,00 €"},
            "vat_amount": {"value": "19.80", "confidence": 1.0, "raw": "19,80 €"},
            "total_incl_tax": {"value": "118.80", "confidence": 1.0, "raw": "118,80 €"},
            "currency": {"value": "EUR", "confidence": 0.9, "raw": "€"},
            "mileage": {"value": 45230, "confidence": 0.9, "raw": "45 230 km"}},
            "suggestion": {"maintenance": {"service_date": "2026-03-02", "cost": "118.80", "mileage": 45230,
                "service_type": "Entretien", "description": "GARAGE DU CENTRE SARL — facture F-2026-0042"}}});
        assert_eq!(e.analysis_data, expected);
    }

    #[test]
    fn invoice_ocr_noisy() {
        let text = "Garage  Martin\nSIRET 73282932000074\nFACTURE  N o  : 2026/118\nFacture du 5 mars 2026\n\
            Km compteur : 87.412\nTotal H.T. : 1.234,56\nT.V.A. 20% : 246,91\nTOTAL T.T.C : 1 481,47 EUR\n";
        let e = analyse(text, "other", "ocr", 1);
        assert_eq!(e.document_type, "invoice");
        // × 0.9 for OCR; amounts 0.81 + 0.1.
        let expected = json!({
            "invoice_number": {"value": "2026/118", "confidence": 0.81, "raw": "2026/118"},
            "invoice_date": {"value": "2026-03-05", "confidence": 0.81, "raw": "5 mars 2026"},
            "garage_name": {"value": "Garage Martin", "confidence": 0.63, "raw": "Garage  Martin"},
            "siret": {"value": "73282932000074", "confidence": 0.81, "raw": "73282932000074"},
            "total_excl_tax": {"value": "1234.56", "confidence": 0.91, "raw": "1.234,56"},
            "vat_amount": {"value": "246.91", "confidence": 0.91, "raw": "246,91"},
            "total_incl_tax": {"value": "1481.47", "confidence": 0.91, "raw": "1 481,47 EUR"},
            "currency": {"value": "EUR", "confidence": 0.81, "raw": "EUR"},
            "mileage": {"value": 87412, "confidence": 0.81, "raw": "87.412"}});
        assert_eq!(e.analysis_data["fields"], expected);
        assert_eq!(e.analysis_data["confidence"], json!(0.82));
        let description = &e.analysis_data["suggestion"]["maintenance"]["description"];
        assert_eq!(description, &json!("Garage Martin — facture 2026/118"));
    }

    #[test]
    fn invoice_english_with_fallbacks() {
        let text = "AUTO REPAIR SHOP\nInvoice\nInvoice date: March 2, 2026\nSubtotal: $100.00\nVAT 20%: $20.00\n\
            Total: $120.00\nOdometer: 12 345\nVAT number: GB123456789\n";
        let e = analyse(text, "invoice", "text_layer", 2);
        assert_eq!(
            (
                &e.analysis_data["document_type"],
                &e.analysis_data["document_type_score"]
            ),
            (&json!("invoice"), &json!(0.33))
        );
        // No invoice number; the total comes from the fallback (0.5 + 0.1); the mileage has no unit (0.7).
        let expected = json!({
            "invoice_date": {"value": "2026-03-02", "confidence": 0.9, "raw": "March 2, 2026"},
            "garage_name": {"value": "AUTO REPAIR SHOP", "confidence": 0.5, "raw": "AUTO REPAIR SHOP"},
            "total_excl_tax": {"value": "100.00", "confidence": 1.0, "raw": "$100.00"},
            "vat_amount": {"value": "20.00", "confidence": 1.0, "raw": "$20.00"},
            "total_incl_tax": {"value": "120.00", "confidence": 0.6, "raw": "$120.00"},
            "currency": {"value": "USD", "confidence": 0.9, "raw": "$"},
            "mileage": {"value": 12345, "confidence": 0.7, "raw": "12 345"}});
        assert_eq!(e.analysis_data["fields"], expected);
        assert_eq!(e.analysis_data["confidence"], json!(0.8));
        let description = &e.analysis_data["suggestion"]["maintenance"]["description"];
        assert_eq!(description, &json!("AUTO REPAIR SHOP"));
    }

    #[test]
    fn invoice_without_labels() {
        // "Montant" alone is no total label and there is no "total" to fall back on: no amount, no suggestion.
        let text = "FACTURE FA-77\nGarage Dupont, 3 place du Marché\nRéparation le 4/5/26\n\
            Pneus avant posés à 152 300 km\nMontant : 240,00\n";
        let e = analyse(text, "invoice", "text_layer", 1);
        let expected = json!({
            "invoice_number": {"value": "FA-77", "confidence": 0.5, "raw": "FA-77"},
            "invoice_date": {"value": "2026-05-04", "confidence": 0.7, "raw": "4/5/26"},
            "garage_name": {"value": "Garage Dupont", "confidence": 0.5, "raw": "Garage Dupont"},
            "mileage": {"value": 152300, "confidence": 0.5, "raw": "152 300 km"}});
        assert_eq!(e.analysis_data["fields"], expected);
        let suggestion = &e.analysis_data["suggestion"]["maintenance"];
        assert_eq!(
            (&suggestion["service_date"], &suggestion["cost"]),
            (&json!("2026-05-04"), &Value::Null)
        );
    }

    #[test]
    fn mileage_labels() {
        let km = |t: &str| {
            analyse(t, "invoice", "text_layer", 1).analysis_data["fields"]["mileage"].clone()
        };
        let labelled = json!({"value": 102450, "confidence": 0.9, "raw": "102 450"});
        assert_eq!(km("Immat. : GH-456-JK   Km: 102 450"), labelled);
        let after_date = json!({"value": 45230, "confidence": 0.9, "raw": "45 230 km"});
        assert_eq!(km("Kilométrage au 02/03/2026 : 45 230 km"), after_date);
        let fallback = json!({"value": 45230, "confidence": 0.5, "raw": "45 230 km"});
        assert_eq!(km("Vidange 5W30 à 45 230 km"), fallback);
        assert_eq!(km("Essai sur 2 km"), Value::Null);
    }

    const CARTE_GRISE: &str = "RÉPUBLIQUE FRANÇAISE
CERTIFICAT D'IMMATRICULATION
A AB-123-CD        B 15/03/2019
C.1 DUPONT JEAN
C.3 12 RUE DES LILAS 75011 PARIS
D.1 RENAULT
D.2 BH0A1234567
D.3 CLIO
E VF1RFB00012345678
F.1 1588   F.2 1588
I 20/04/2021
P.1 1461   P.3 GO   P.6 5
";

    #[test]
    fn registration_text_layer() {
        let e = analyse(CARTE_GRISE, "other", "text_layer", 1);
        assert_eq!(e.document_type, "registration");
        let expected = json!({"document_type": "registration", "document_type_score": 1.0, "source": "text_layer",
            "pages": 1, "confidence": 0.9, "fields": {
            "license_plate": {"value": "AB-123-CD", "confidence": 0.9, "raw": "AB-123-CD"},
            "first_registration_date": {"value": "2019-03-15", "confidence": 0.9, "raw": "15/03/2019"},
            "holder_name": {"value": "DUPONT JEAN", "confidence": 0.9, "raw": "DUPONT JEAN"},
            "make": {"value": "RENAULT", "confidence": 0.9, "raw": "RENAULT"},
            "vehicle_type": {"value": "BH0A1234567", "confidence": 0.9, "raw": "BH0A1234567"},
            "model": {"value": "CLIO", "confidence": 0.9, "raw": "CLIO"},
            "vin": {"value": "VF1RFB00012345678", "confidence": 0.9, "raw": "VF1RFB00012345678"},
            "fuel_type": {"value": "diesel", "confidence": 0.9, "raw": "GO"},
            "fiscal_power": {"value": 5, "confidence": 0.9, "raw": "5"},
            "certificate_date": {"value": "2021-04-20", "confidence": 0.9, "raw": "20/04/2021"}},
            "suggestion": {"vehicle": {"make": "RENAULT", "model": "CLIO", "year": 2019,
                "license_plate": "AB-123-CD", "vin": "VF1RFB00012345678", "fuel_type": "diesel"}}});
        assert_eq!(e.analysis_data, expected);
    }

    #[test]
    fn registration_ocr_parenthesised_labels() {
        let text = "CERTIFICAT D’IMMATRICULATION\n(A) ab 123 cd\n(B) 15.03.19\n(C.1) : MARTIN   Paul\n\
            (D.1) PEUGEOT (D.2) 2OO8XYZ (D.3) 208\n(E) VF3LCYHZPHS123456\n(P.3) ES\n(P.6): 6\n";
        let e = analyse(text, "registration", "ocr", 1);
        // Two-digit year and a VIN without check digit: 0.7 × 0.9.
        let expected = json!({
            "license_plate": {"value": "AB-123-CD", "confidence": 0.81, "raw": "ab 123 cd"},
            "first_registration_date": {"value": "2019-03-15", "confidence": 0.63, "raw": "15.03.19"},
            "holder_name": {"value": "MARTIN Paul", "confidence": 0.81, "raw": "MARTIN   Paul"},
            "make": {"value": "PEUGEOT", "confidence": 0.81, "raw": "PEUGEOT"},
            "vehicle_type": {"value": "2OO8XYZ", "confidence": 0.81, "raw": "2OO8XYZ"},
            "model": {"value": "208", "confidence": 0.81, "raw": "208"},
            "vin": {"value": "VF3LCYHZPHS123456", "confidence": 0.63, "raw": "VF3LCYHZPHS123456"},
            "fuel_type": {"value": "gasoline", "confidence": 0.81, "raw": "ES"},
            "fiscal_power": {"value": 6, "confidence": 0.81, "raw": "6"}});
        assert_eq!(e.analysis_data["fields"], expected);
        assert_eq!(e.analysis_data["confidence"], json!(0.77));
        assert_eq!(
            e.analysis_data["suggestion"]["vehicle"]["year"],
            json!(2019)
        );
    }

    #[test]
    fn registration_labels_glued_by_ocr() {
        let text = "CERTIFICAT D'IMMATRICULATION\nAFG-482-KL\nB 14/05/2019\nEVF1RJA00X63123456\nI13/07/2026\nABCDEF\nE12";
        let r = analyse(text, "other", "ocr", 1);
        let f = &r.analysis_data["fields"];
        assert_eq!(f["license_plate"]["value"], "FG-482-KL");
        assert_eq!(f["license_plate"]["confidence"], 0.63);
        assert_eq!(f["vin"]["value"], "VF1RJA00X63123456");
        assert_eq!(f["certificate_date"]["value"], "2026-07-13");
        // A plate that starts with A is not taken for a glued label.
        let r = analyse(
            "CERTIFICAT D'IMMATRICULATION\nAB-123-CD\n",
            "other",
            "ocr",
            1,
        );
        assert!(r.analysis_data["fields"].get("license_plate").is_none());
    }

    #[test]
    fn registration_edge_cases() {
        // Bare letters are labels only before a value of the right shape ("à partir", "I am" are not); other fuel
        // codes are kept as printed; a VIN split by OCR is joined.
        let text = "à partir du 1er janvier\nI am here\nA 1234 AB 56\nD.1: FIAT\nP.3 GP\nE. VF1 RFB00 012345678\n";
        let slip = analyse("E VF1RFBOO012345678", "registration", "text_layer", 1);
        let vin =
            json!({"value": "VF1RFB00012345678", "confidence": 0.7, "raw": "VF1RFBOO012345678"});
        assert_eq!(slip.analysis_data["fields"]["vin"], vin);
        let e = analyse(text, "registration", "text_layer", 1);
        let expected = json!({
            "license_plate": {"value": "1234 AB 56", "confidence": 0.9, "raw": "1234 AB 56"},
            "make": {"value": "FIAT", "confidence": 0.9, "raw": "FIAT"},
            "vin": {"value": "VF1RFB00012345678", "confidence": 0.9, "raw": "VF1 RFB00 012345678"},
            "fuel_type": {"value": "GP", "confidence": 0.7, "raw": "GP"}});
        assert_eq!(e.analysis_data["fields"], expected);
        let vehicle = json!({"vehicle": {"make": "FIAT", "model": null, "year": null, "license_plate": "1234 AB 56",
            "vin": "VF1RFB00012345678", "fuel_type": null}});
        assert_eq!(e.analysis_data["suggestion"], vehicle);
    }

    #[test]
    fn insurance_french() {
        let text = "ATTESTATION D'ASSURANCE\nAssureur : AXA France IARD\nSouscripteur : M. Jean Dupont\n\
            Contrat n° 123 456 789\nVéhicule assuré : Renault Clio AB-123-CD\nValable du 01/01/2026 au 31/12/2026\n";
        let e = analyse(text, "other", "text_layer", 1);
        assert_eq!(e.document_type, "insurance");
        let expected = json!({"document_type": "insurance", "document_type_score": 1.0, "source": "text_layer",
            "pages": 1, "confidence": 0.9, "fields": {
            "insurer": {"value": "AXA France IARD", "confidence": 0.9, "raw": "AXA France IARD"},
            "contract_number": {"value": "123456789", "confidence": 0.9, "raw": "123 456 789"},
            "start_date": {"value": "2026-01-01", "confidence": 0.9, "raw": "01/01/2026"},
            "end_date": {"value": "2026-12-31", "confidence": 0.9, "raw": "31/12/2026"}}});
        assert_eq!(e.analysis_data, expected);
    }

    #[test]
    fn insurance_english_mixed_known_insurer() {
        let text = "MAAF Assurances\nInsurance certificate\nPolicy number: P-778812\n\
            Effective from 2026-01-01 until 2026-12-31\n";
        let e = analyse(text, "insurance", "mixed", 2);
        let expected = json!({
            "insurer": {"value": "MAAF", "confidence": 0.45, "raw": "MAAF"},
            "contract_number": {"value": "P-778812", "confidence": 0.81, "raw": "P-778812"},
            "start_date": {"value": "2026-01-01", "confidence": 0.81, "raw": "2026-01-01"},
            "end_date": {"value": "2026-12-31", "confidence": 0.81, "raw": "2026-12-31"}});
        assert_eq!(e.analysis_data["fields"], expected);
        assert_eq!(e.analysis_data["confidence"], json!(0.72));
    }

    #[test]
    fn stored_type_is_kept() {
        let e = analyse(INVOICE, "maintenance", "text_layer", 1);
        assert_eq!(e.document_type, "maintenance");
        let expected = json!({"document_type": "invoice", "document_type_score": 1.0, "source": "text_layer",
            "pages": 1, "fields": {}, "confidence": 0.0});
        assert_eq!(e.analysis_data, expected);
        let e = analyse("rien à signaler", "other", "ocr", 1);
        assert_eq!(e.document_type, "other");
        assert_eq!(e.analysis_data["document_type_score"], json!(0.0));
    }

    #[test]
    fn fuel_codes_map_to_vehicle_values() {
        for code in ["ES", "GO", "EL", "EH", "GH", "EE", "GL"] {
            assert!(
                fuel(code).is_some_and(|f| FUEL_TYPES.contains(&f)),
                "{code}"
            );
        }
    }

    use chrono::Datelike;
    use proptest::prelude::*;

    const MONTHS_FR: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    const MONTHS_EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (1900i32..=2100, 1u32..=12, 1u32..=31)
            .prop_filter_map("a real day", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
    }

    /// A date as invoices print it (`style` picks the layout), and whether the year has four digits.
    fn print_date(d: NaiveDate, style: usize) -> (String, bool) {
        let (y, m, day) = (d.year(), d.month(), d.day());
        let month = |names: [&'static str; 12]| names[m as usize - 1];
        match style {
            0 => (format!("{day:02}/{m:02}/{y}"), true),
            1 => (format!("{day}-{m}-{y}"), true),
            2 => (format!("{day:02}.{m:02}.{y}"), true),
            3 => (format!("{y}-{m:02}-{day:02}"), true),
            4 => (
                format!(
                    "{} {} {y}",
                    if day == 1 {
                        "1er".to_owned()
                    } else {
                        day.to_string()
                    },
                    month(MONTHS_FR)
                ),
                true,
            ),
            5 => (format!("{} {day}, {y}", month(MONTHS_EN)), true),
            6 => (
                format!("{day} {} {y}", month(MONTHS_FR).to_uppercase()),
                true,
            ),
            _ => (format!("{day:02}/{m:02}/{:02}", y % 100), false),
        }
    }

    /// Cents printed with the thousands and decimal marks of one `style`, maybe with a currency.
    fn print_amount(cents: i64, style: usize, one_decimal: bool, currency: usize) -> String {
        let units = (cents / 100).to_string();
        let (thousands, decimal) = [
            (" ", ","),
            ("\u{a0}", ","),
            ("\u{202f}", ","),
            (".", ","),
            (",", "."),
            ("'", "."),
            ("", "."),
            ("", ","),
        ][style];
        let mut grouped = String::new();
        for (k, c) in units.chars().enumerate() {
            if k > 0 && (units.len() - k).is_multiple_of(3) {
                grouped.push_str(thousands);
            }
            grouped.push(c);
        }
        let frac = if one_decimal && cents % 10 == 0 {
            format!("{}", cents % 100 / 10)
        } else {
            format!("{:02}", cents % 100)
        };
        let number = format!("{grouped}{decimal}{frac}");
        match currency {
            0 => number,
            1 => format!("{number} €"),
            2 => format!("{number}€"),
            3 => format!("€ {number}"),
            4 => format!("{number} EUR"),
            _ => format!("EUR {number}"),
        }
    }

    /// The Luhn digit that completes `body` (own computation, from the right: every second digit doubled).
    fn luhn_digit(body: &str) -> char {
        let sum: u32 = body
            .chars()
            .rev()
            .enumerate()
            .map(|(i, c)| {
                let d = c.to_digit(10).unwrap();
                if i % 2 == 0 {
                    if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
                } else {
                    d
                }
            })
            .sum();
        char::from_digit((10 - sum % 10) % 10, 10).unwrap()
    }

    /// ISO 3779 check character for a VIN (position 9 ignored).
    fn vin_check_char(vin: &str) -> char {
        let value = |c: char| -> u32 {
            if let Some(d) = c.to_digit(10) {
                return d;
            }
            for (letters, first) in [
                ("ABCDEFGH", 1),
                ("JKLMN", 1),
                ("P", 7),
                ("R", 9),
                ("STUVWXYZ", 2),
            ] {
                if let Some(k) = letters.find(c) {
                    return first + k as u32;
                }
            }
            unreachable!("{c}")
        };
        let weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
        let sum: u32 = vin
            .chars()
            .zip(weights)
            .map(|(c, w)| value(c.to_ascii_uppercase()) * w)
            .sum();
        if sum % 11 == 10 {
            'X'
        } else {
            char::from_digit(sum % 11, 10).unwrap()
        }
    }

    const VIN_CHARS: &str = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";

    fn vin_with_check_digit() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            proptest::sample::select(VIN_CHARS.chars().collect::<Vec<_>>()),
            17,
        )
        .prop_map(|chars| {
            let mut vin: Vec<char> = chars;
            vin[8] = '0';
            vin[8] = vin_check_char(&vin.iter().collect::<String>());
            vin.into_iter().collect()
        })
    }

    /// Lines that carry no field: words of three letters or more and bare numbers.
    fn noise_lines() -> impl Strategy<Value = Vec<String>> {
        let word = prop_oneof!["[a-zA-Z]{3,10}", "[0-9]{1,6}"];
        proptest::collection::vec(
            proptest::collection::vec(word, 0..6).prop_map(|w| w.join(" ")),
            0..5,
        )
    }

    proptest! {
        /// Any text, type and source: no panic, confidences within 0..=1, the §6.3 type rule.
        #[test]
        fn prop_any_text_analyses(
            text in prop_oneof![
                any::<String>(),
                proptest::collection::vec(
                    prop_oneof![
                        "[A-Za-z0-9 .,:/()°€%-]{0,30}",
                        Just("Total TTC".to_owned()), Just("TVA 20 %".to_owned()), Just("SIRET".to_owned()),
                        Just("E".to_owned()), Just("(A)".to_owned()), Just("C.1".to_owned()), Just("n°".to_owned()),
                        Just("1 234,56 €".to_owned()), Just("31/12/2026".to_owned()), Just("km".to_owned()),
                    ],
                    0..20,
                ).prop_map(|parts| parts.join(" ")),
            ],
            stored in proptest::sample::select(vec!["invoice", "registration", "insurance", "inspection", "maintenance", "other"]),
            source in proptest::sample::select(vec!["text_layer", "ocr", "mixed"]),
        ) {
            let e = analyse(&text, stored, source, 1);
            let data = &e.analysis_data;
            let detected = data["document_type"].as_str().unwrap();
            prop_assert!(["invoice", "registration", "insurance", "inspection", "maintenance", "other"].contains(&detected));
            let expected_type = if stored == "other" { detected } else { stored };
            prop_assert_eq!(e.document_type.as_str(), expected_type);
            for key in ["confidence", "document_type_score"] {
                let c = data[key].as_f64().unwrap();
                prop_assert!((0.0..=1.0).contains(&c), "{} {}", key, c);
            }
            for (name, field) in data["fields"].as_object().unwrap() {
                let c = field["confidence"].as_f64().unwrap();
                prop_assert!((0.0..=1.0).contains(&c), "{} {}", name, c);
                prop_assert!(!field["value"].is_null() && field["raw"].is_string(), "{}", name);
            }
            // The single-value parsers give canonical forms that read back as themselves.
            if let Some(a) = parse_amount(&text) {
                prop_assert_eq!(parse_amount(&a), Some(a.clone()));
            }
            if let Some(d) = parse_date(&text) {
                prop_assert_eq!(parse_date(&d), Some(d.clone()));
            }
            if let Some(p) = parse_plate(&text) {
                prop_assert_eq!(parse_plate(&p), Some(p.clone()));
            }
            if let Some(c) = parse_currency(&text) {
                prop_assert_eq!(parse_currency(c), Some(c));
            }
        }

        /// SIV plates in any case and spacing: the canonical `AB-123-CD`, unless the series is one the SIV
        /// never issues (I, O, U, `000`, `SS`).
        #[test]
        fn prop_siv_plates(
            a in prop_oneof![3 => "[A-Z]{2}", 1 => Just("SS".to_owned())],
            n in prop_oneof![3 => "[0-9]{3}", 1 => Just("000".to_owned())],
            b in prop_oneof![3 => "[A-Z]{2}", 1 => Just("SS".to_owned())],
            seps in proptest::sample::select(vec![("-", "-"), (" ", " "), ("", ""), (" - ", "-"), ("-", " ")]),
            lower in any::<bool>(),
        ) {
            let raw = format!("{a}{}{n}{}{b}", seps.0, seps.1);
            let raw = if lower { raw.to_lowercase() } else { raw };
            let issued = !format!("{a}{b}").contains(['I', 'O', 'U']) && n != "000" && a != "SS" && b != "SS";
            let expected = issued.then(|| format!("{a}-{n}-{b}"));
            prop_assert_eq!(parse_plate(&raw), expected.clone(), "{:?}", raw);
            prop_assert_eq!(parse_plate(&format!("  {raw} ")), expected);
            // One character more or less is no plate.
            prop_assert_eq!(parse_plate(&format!("{raw}1")), None);
            prop_assert_eq!(parse_plate(&raw[1..]), None);
        }

        /// FNI plates: 1–4 digits, 1–3 letters, a département (2 digits, 2A/2B, 97x) → single spaces.
        #[test]
        fn prop_fni_plates(
            num in "[0-9]{1,4}", letters in "[A-Z]{1,3}",
            dept in prop_oneof!["[0-9]{2}", Just("2A".to_owned()), Just("2B".to_owned()), "97[0-9]"],
            bad_dept in prop_oneof!["[0-9]", "[0-9]{4}", "9[0-68-9][0-9]", Just("2C".to_owned())],
            seps in proptest::sample::select(vec![(" ", " "), ("", ""), ("-", "-"), ("  ", "")]),
        ) {
            let raw = format!("{num}{}{letters}{}{dept}", seps.0, seps.1);
            prop_assert_eq!(parse_plate(&raw.to_lowercase()), Some(format!("{num} {letters} {dept}")), "{:?}", raw);
            let bad = format!("{num} {letters} {bad_dept}");
            prop_assert_eq!(parse_plate(&bad), None, "{:?}", bad);
        }

        #[test]
        fn prop_amounts_read_back(
            cents in prop_oneof![0i64..100_000, 0i64..10_000_000_000_000],
            style in 0usize..8,
            one_decimal in any::<bool>(),
            currency in 0usize..6,
        ) {
            let printed = print_amount(cents, style, one_decimal, currency);
            prop_assert_eq!(parse_amount(&printed), Some(fmt_cents(cents)), "{:?}", printed);
        }

        #[test]
        fn prop_dates_read_back(d in any_date(), style in 0usize..8) {
            let (printed, full) = print_date(d, style);
            // Two-digit years are read as 20yy.
            let expected = if full { Some(d) } else { NaiveDate::from_ymd_opt(2000 + d.year() % 100, d.month(), d.day()) };
            let expected = expected.map(iso);
            prop_assert_eq!(parse_date(&printed), expected, "{:?}", printed);
        }

        /// Luhn-valid SIRETs are valid with or without spaces; changing any one digit breaks them (outside La
        /// Poste's SIREN, numbered differently).
        #[test]
        fn prop_siret_luhn(body in "[0-9]{13}", pos in 0usize..14, delta in 1u32..10) {
            let siret = format!("{body}{}", luhn_digit(&body));
            prop_assert!(siret_is_valid(&siret), "{}", siret);
            let spaced = format!("{} {} {} {}", &siret[..3], &siret[3..6], &siret[6..9], &siret[9..]);
            prop_assert!(siret_is_valid(&spaced), "{}", spaced);
            let mut wrong: Vec<char> = siret.chars().collect();
            wrong[pos] = char::from_digit((wrong[pos].to_digit(10).unwrap() + delta) % 10, 10).unwrap();
            let wrong: String = wrong.into_iter().collect();
            if !wrong.starts_with("356000000") {
                prop_assert!(!siret_is_valid(&wrong), "{}", wrong);
            }
            prop_assert!(!siret_is_valid(&siret[1..]));
        }

        /// VINs built with a correct check character pass; any other character at position 9 fails.
        #[test]
        fn prop_vin_check_digit(vin in vin_with_check_digit(), other in proptest::sample::select("0123456789X".chars().collect::<Vec<_>>())) {
            prop_assert!(vin_is_valid(&vin));
            prop_assert!(vin_check_digit_ok(&vin), "{}", vin);
            prop_assert!(vin_check_digit_ok(&vin.to_lowercase()), "{}", vin);
            let mut changed: Vec<char> = vin.chars().collect();
            let keep = changed[8] == other;
            changed[8] = other;
            let changed: String = changed.into_iter().collect();
            prop_assert_eq!(vin_check_digit_ok(&changed), keep, "{}", changed);
        }

        /// A registration certificate with noise around the VIN line: the VIN is read, upper-cased, with the
        /// confidence of a VIN whose check digit is right.
        #[test]
        fn prop_vin_found_among_noise(
            vin in vin_with_check_digit(),
            lower in any::<bool>(),
            label in proptest::sample::select(vec!["E", "E.", "(E)", "E:", "e"]),
            before in noise_lines(),
            same_line in "([a-zA-Z]{3,10} ){0,3}",
            after in noise_lines(),
        ) {
            let printed = if lower { vin.to_lowercase() } else { vin.clone() };
            let mut lines = vec!["CERTIFICAT D'IMMATRICULATION".to_owned()];
            lines.extend(before);
            lines.push(format!("{same_line}{label} {printed} {}", after.first().cloned().unwrap_or_default()));
            lines.extend(after);
            let text = lines.join("\n");
            let e = analyse(&text, "registration", "text_layer", 1);
            let field = &e.analysis_data["fields"]["vin"];
            prop_assert_eq!(&field["value"], &json!(vin), "{}", text);
            prop_assert_eq!(&field["confidence"], &json!(0.9));
        }

        /// A generated invoice: its total, VAT, date and SIRET are extracted back.
        #[test]
        fn prop_invoice_fields_read_back(
            name in "[A-Z]{3,10} [A-Z]{3,10}",
            siret_body in "[1-9][0-9]{12}",
            spaced_siret in any::<bool>(),
            date in any_date(),
            date_style in 0usize..7,
            ht in 0i64..100_000_000,
            vat in 0i64..20_000_000,
            amount_style in 0usize..6,
            noise in noise_lines(),
        ) {
            let siret = format!("{siret_body}{}", luhn_digit(&siret_body));
            let printed_siret = if spaced_siret {
                format!("{} {} {} {}", &siret[..3], &siret[3..6], &siret[6..9], &siret[9..])
            } else {
                siret.clone()
            };
            let (printed_date, _) = print_date(date, date_style);
            let amount = |c: i64| print_amount(c, amount_style, false, 1);
            let mut lines = vec![
                format!("GARAGE {name}"),
                format!("SIRET : {printed_siret}"),
                "FACTURE N° F-2026-0042".to_owned(),
                format!("Date : {printed_date}"),
            ];
            lines.extend(noise);
            lines.push(format!("Total HT     {}", amount(ht)));
            lines.push(format!("TVA 20 %     {}", amount(vat)));
            lines.push(format!("Total TTC    {}", amount(ht + vat)));
            let text = lines.join("\n");
            let e = analyse(&text, "other", "text_layer", 1);
            prop_assert_eq!(e.document_type.as_str(), "invoice");
            let f = &e.analysis_data["fields"];
            prop_assert_eq!(&f["invoice_date"]["value"], &json!(iso(date)), "{}", text);
            prop_assert_eq!(&f["siret"]["value"], &json!(siret), "{}", text);
            prop_assert_eq!(&f["siret"]["confidence"], &json!(0.9));
            prop_assert_eq!(&f["total_excl_tax"]["value"], &json!(fmt_cents(ht)), "{}", text);
            prop_assert_eq!(&f["vat_amount"]["value"], &json!(fmt_cents(vat)), "{}", text);
            prop_assert_eq!(&f["total_incl_tax"]["value"], &json!(fmt_cents(ht + vat)), "{}", text);
            prop_assert_eq!(&f["total_incl_tax"]["confidence"], &json!(1.0));
            prop_assert_eq!(&f["currency"]["value"], &json!("EUR"));
            prop_assert_eq!(&e.analysis_data["suggestion"]["maintenance"]["cost"], &json!(fmt_cents(ht + vat)));
        }
    }

    #[test]
    fn never_panics_on_odd_input() {
        let small = [
            "",
            " ",
            "\n\n\r\n",
            ".:;,-_/()[]{}!?%€$£#",
            "n° n o N° : : :",
            "1.2.3,4,5 6 7 8 9 0",
            "🚗🚙 ∑∂ ﷽ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 e\u{301}\u{301} \u{0}\u{feff}İ ǅ ﬁ",
            "(A)\n(A) (\nC.\nE 12345678901234567890",
            "99999999999999999999999,99 €",
            "31/02/2026 00/00/0000 9999-99-99",
            "TOTAL TTC\nTVA",
            "A\nB\nE\nI\n(\n",
        ];
        // Long lines must stay linear: repeated labels, endless digit runs and digit groups.
        let labels = "total tva du le A (A) C.1 n° 1 234,5 ".repeat(800);
        let big = [
            labels + &"x".repeat(20_000),
            "1".repeat(50_000),
            "1 234 ".repeat(8000),
            "facture n° 1 ".repeat(5000),
            "é".repeat(30_000),
        ];
        let types = [
            "invoice",
            "registration",
            "insurance",
            "inspection",
            "maintenance",
            "other",
        ];
        let sources = ["text_layer", "ocr", "mixed"];
        let runs = small
            .iter()
            .flat_map(|t| sources.map(|s| (*t, s)))
            .chain(big.iter().map(|t| (t.as_str(), "ocr")));
        for (text, source) in runs {
            for ty in types {
                let e = analyse(text, ty, source, 1);
                assert!(e.analysis_data["fields"].is_object());
                let c = e.analysis_data["confidence"].as_f64().unwrap_or(-1.0);
                assert!((0.0..=1.0).contains(&c), "{c}");
            }
        }
    }
}
