//! Lines as printed and folded, and the matching helpers every extractor uses: patterns that ignore case, accents
//! and spacing, labels and the values after them.

use super::*;

/// A line as printed (`raw`) and folded (`low`); both have one entry per character, so an index found in `low`
/// slices `raw`.
pub(super) struct Line {
    pub(super) raw: Vec<char>,
    pub(super) low: Vec<char>,
}

impl Line {
    pub(super) fn new(s: &str) -> Line {
        // Combining accents are dropped so that both vectors keep one entry per letter.
        let raw: Vec<char> = s
            .chars()
            .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
            .collect();
        let low = raw.iter().map(|&c| fold(c)).collect();
        Line { raw, low }
    }

    /// The printed text of `a..b`, trimmed.
    pub(super) fn text(&self, a: usize, b: usize) -> String {
        let s: String = self
            .raw
            .get(a..b.min(self.raw.len()))
            .unwrap_or_default()
            .iter()
            .collect();
        s.trim().to_string()
    }

    pub(super) fn blank(&self) -> bool {
        self.low.iter().all(|&c| c == ' ')
    }
}

pub(super) fn lines(text: &str) -> Vec<Line> {
    text.split(['\n', '\r', '\u{c}']).map(Line::new).collect()
}

pub(super) use crate::text::fold;

/// The character at `i`, `'\0'` past the end (so that scanners never index out of bounds).
pub(super) fn at(s: &[char], i: usize) -> char {
    s.get(i).copied().unwrap_or('\0')
}

pub(super) fn prev(s: &[char], i: usize) -> char {
    if i == 0 { ' ' } else { at(s, i - 1) }
}

pub(super) fn skip(s: &[char], mut i: usize, set: &str) -> usize {
    while i < s.len() && set.contains(s[i]) {
        i += 1;
    }
    i
}

pub(super) fn run(s: &[char], mut i: usize, pred: impl Fn(char) -> bool) -> usize {
    while i < s.len() && pred(s[i]) {
        i += 1;
    }
    i
}

pub(super) fn starts(s: &[char], i: usize, w: &str) -> bool {
    w.chars().enumerate().all(|(k, c)| at(s, i + k) == c)
}

/// `w` at `i`, not followed by a letter: the end.
pub(super) fn word_at(s: &[char], i: usize, w: &str) -> Option<usize> {
    let e = i + w.chars().count();
    (starts(s, i, w) && !at(s, e).is_alphabetic()).then_some(e)
}

/// A number sign at `i` as OCR prints it: `n°`, `n °`, `no`, `N o`, `nº`, `#`, `num.`, `numéro`.
pub(super) fn numero(s: &[char], i: usize) -> Option<usize> {
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
pub(super) fn match_at(s: &[char], mut i: usize, pat: &str) -> Option<usize> {
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
pub(super) fn find(s: &[char], from: usize, pat: &str, whole: bool) -> Option<(usize, usize)> {
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
pub(super) const SEP: &str = " :.=-";

/// A value found in the text.
pub(super) struct Hit {
    pub(super) value: Value,
    pub(super) conf: f64,
    pub(super) raw: String,
    /// Amounts only.
    pub(super) cents: Option<i64>,
    pub(super) currency: Option<(&'static str, String)>,
}

pub(super) fn hit(value: impl Into<Value>, conf: f64, raw: String) -> Hit {
    Hit {
        value: value.into(),
        conf,
        raw,
        cents: None,
        currency: None,
    }
}

/// The fields that were found, in order.
pub(super) fn keep<const N: usize>(
    found: [(&'static str, Option<Hit>); N],
) -> Vec<(&'static str, Hit)> {
    found
        .into_iter()
        .filter_map(|(n, h)| h.map(|h| (n, h)))
        .collect()
}

/// The first value `parse` reads right after one of `labels` ('|' between them) on the same line (lines in
/// order, then labels).
pub(super) fn after_label(
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

/// The cells of a line: the stretches between column gaps (three spaces or more), as `(start, end)`.
pub(super) fn cells(l: &Line) -> Vec<(usize, usize)> {
    let s = &l.low;
    let mut out = Vec::new();
    let mut i = skip(s, 0, " ");
    while i < s.len() {
        let mut e = i;
        while e < s.len() && !starts(s, e, "   ") {
            e += 1;
        }
        let end = (i..e).rev().find(|&k| s[k] != ' ').map_or(i, |k| k + 1);
        out.push((i, end));
        i = skip(s, e, " ");
    }
    out
}

/// The value under a label in a table: a cell holding one of `labels` and no digit after it (a header cell), and
/// the first of the next two lines with as many cells, whose cell in the same column `parse` reads. Invoices print
/// "N° facture   Date   Échéance" over the values, or "Total HT   TVA   Total TTC" over the amounts.
pub(super) fn below_label(
    doc: &[Line],
    labels: &str,
    parse: impl Fn(&Line, usize, &str) -> Option<Hit>,
) -> Option<Hit> {
    doc.iter().enumerate().find_map(|(n, l)| {
        // The header of the items table has a "Total HT" column too: its first row is one line's total.
        if ITEM_HEADERS
            .split('|')
            .any(|w| find(&l.low, 0, w, true).is_some())
        {
            return None;
        }
        let header = cells(l);
        header.iter().enumerate().find_map(|(column, &(a, b))| {
            let cell = Line::new(&l.text(a, b));
            // Two-letter labels ("du", "au") are words of any sentence: a header only in a short cell ("au / to").
            let short = cell.low.len() <= 10;
            let label = labels
                .split('|')
                .filter(|label| short || label.len() > 2)
                .find(|label| {
                    find(&cell.low, 0, label, true)
                        .is_some_and(|(_, e)| !cell.low[e..].iter().any(char::is_ascii_digit))
                })?;
            // The row of values has as many cells; or fewer, the header having more on the left (a note beside
            // the totals' header): the cells then line up from the right, as amounts do.
            let (below, values) = doc[n + 1..]
                .iter()
                .filter(|l| !l.blank())
                .take(2)
                .map(|l| (l, cells(l)))
                .find(|(_, c)| {
                    c.len() == header.len() || (c.len() >= 2 && c.len() < header.len())
                })?;
            let (va, vb) = values[values.len().checked_sub(header.len() - column)?];
            parse(&Line::new(&below.text(va, vb)), 0, label)
        })
    })
}

/// Words of an items table's header row.
const ITEM_HEADERS: &str =
    "designation|description|libelle|qte|quantite|qty|quantity|p.u|prix unitaire|unit price";

/// A value after its label on the same line, or else under it in a table.
pub(super) fn labelled(
    doc: &[Line],
    labels: &str,
    parse: impl Fn(&Line, usize, &str) -> Option<Hit>,
) -> Option<Hit> {
    after_label(doc, labels, &parse).or_else(|| below_label(doc, labels, &parse))
}
