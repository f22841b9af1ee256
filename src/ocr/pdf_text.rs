//! The text layer of a PDF page, laid out by where the text is drawn rather than the order it is written in the
//! content stream: each run of text is placed with the text and graphics matrices, the font size and the glyph
//! widths, then runs are grouped into rows by baseline and ordered left to right, with a wide gap kept as a column
//! gap. So a label and its value printed on one visual row end up on one line, as the OCR path reads them.

use std::collections::BTreeMap;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Encoding, Object};

/// At most this many runs are kept for a page (the content stream itself is bounded by the caller).
const MAX_RUNS: usize = 100_000;
/// Graphics-state nesting kept (`q`/`Q`).
const MAX_STACK: usize = 64;
/// A gap wider than this many ems between two runs of a row separates columns.
const COLUMN_GAP_EM: f32 = 1.5;
/// A gap wider than this many ems is a space.
const SPACE_GAP_EM: f32 = 0.2;
/// The column separator written between runs far apart on a row.
const COLUMN: &str = "   ";

/// Helvetica's advance widths (1/1000 em) for the printable ASCII characters 32..=126, from its font metrics:
/// the standard font most generated PDFs use without a `/Widths` array.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

type Matrix = [f32; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m × n` in PDF's row-vector convention.
fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn translate(tx: f32, ty: f32) -> Matrix {
    [1.0, 0.0, 0.0, 1.0, tx, ty]
}

struct Font<'a> {
    encoding: Option<Encoding<'a>>,
    /// (first code, widths in 1/1000 em) of a simple font.
    widths: Option<(i64, Vec<f32>)>,
    /// Composite (Type0) fonts use two bytes a glyph.
    composite: bool,
    /// Courier and other monospaced standard fonts.
    monospaced: bool,
}

fn number(o: &Object) -> Option<f32> {
    o.as_float()
        .ok()
        .or_else(|| o.as_i64().ok().map(|i| i as f32))
}

fn load_font<'a>(doc: &'a Document, font: &'a Dictionary) -> Font<'a> {
    let deref = |o: &'a Object| doc.dereference(o).ok().map(|(_, o)| o);
    let widths = font
        .get(b"Widths")
        .ok()
        .and_then(deref)
        .and_then(|w| w.as_array().ok())
        .map(|w| {
            w.iter()
                .take(65_536)
                .map(|x| number(x).unwrap_or(0.0))
                .collect::<Vec<_>>()
        });
    let first = font
        .get(b"FirstChar")
        .ok()
        .and_then(|f| f.as_i64().ok())
        .unwrap_or(0);
    let subtype = font
        .get(b"Subtype")
        .and_then(|s| s.as_name())
        .unwrap_or(b"");
    let base = font
        .get(b"BaseFont")
        .and_then(|s| s.as_name())
        .unwrap_or(b"");
    Font {
        encoding: font.get_font_encoding(doc).ok(),
        widths: widths.map(|w| (first, w)),
        composite: subtype == b"Type0",
        monospaced: base.windows(7).any(|w| w.eq_ignore_ascii_case(b"courier")),
    }
}

impl Font<'_> {
    /// Width in ems of the glyphs of `bytes`, and how many are single-byte spaces (for word spacing).
    fn measure(&self, bytes: &[u8], text: &str) -> (f32, usize, usize) {
        if self.composite {
            let n = text.chars().count();
            return (n as f32 * 0.5, n, 0);
        }
        let spaces = bytes.iter().filter(|b| **b == b' ').count();
        let width = |b: u8| -> f32 {
            if let Some((first, w)) = &self.widths
                && let Some(x) = usize::try_from(i64::from(b) - first)
                    .ok()
                    .and_then(|i| w.get(i))
                && *x > 0.0
            {
                return x / 1000.0;
            }
            if self.monospaced {
                return 0.6;
            }
            match b {
                32..=126 => f32::from(HELVETICA[usize::from(b - 32)]) / 1000.0,
                _ => 0.556,
            }
        };
        (bytes.iter().map(|b| width(*b)).sum(), bytes.len(), spaces)
    }
}

/// A piece of text where it is drawn: start and end on the baseline, and its height.
#[derive(Debug, Clone)]
struct Run {
    x: f32,
    end: f32,
    y: f32,
    size: f32,
    text: String,
}

struct State<'a> {
    ctm: Matrix,
    stack: Vec<Matrix>,
    tm: Matrix,
    tlm: Matrix,
    font: Option<&'a Font<'a>>,
    size: f32,
    leading: f32,
    char_spacing: f32,
    word_spacing: f32,
    scale: f32,
    rise: f32,
    runs: Vec<Run>,
}

impl State<'_> {
    fn next_line(&mut self, tx: f32, ty: f32) {
        self.tlm = mul(&translate(tx, ty), &self.tlm);
        self.tm = self.tlm;
    }

    fn show(&mut self, bytes: &[u8]) {
        let Some(font) = self.font else { return };
        let text = match &font.encoding {
            Some(enc) => Document::decode_text(enc, bytes).unwrap_or_default(),
            None => bytes.iter().map(|&b| char::from(b)).collect(),
        };
        let (ems, glyphs, spaces) = font.measure(bytes, &text);
        let advance = (ems * self.size
            + self.char_spacing * glyphs as f32
            + self.word_spacing * spaces as f32)
            * self.scale;
        let place = mul(&translate(0.0, self.rise), &mul(&self.tm, &self.ctm));
        let after = mul(&translate(advance, self.rise), &mul(&self.tm, &self.ctm));
        let height = self.size * (place[2] * place[2] + place[3] * place[3]).sqrt();
        if !text.trim().is_empty() && self.runs.len() < MAX_RUNS {
            self.runs.push(Run {
                x: place[4],
                end: after[4],
                y: place[5],
                size: height.abs().max(1.0),
                text: text.chars().filter(|c| !c.is_control()).collect(),
            });
        }
        self.tm = mul(&translate(advance, 0.0), &self.tm);
    }
}

/// The page's text, rows top to bottom, runs left to right, from its (already decoded and bounded) content.
pub fn layout_text(
    doc: &Document,
    page: lopdf::ObjectId,
    content: &[u8],
) -> anyhow::Result<String> {
    let fonts: BTreeMap<Vec<u8>, Font> = doc
        .get_page_fonts(page)?
        .into_iter()
        .map(|(name, font)| (name, load_font(doc, font)))
        .collect();
    let content = Content::decode(content)?;
    let mut s = State {
        ctm: IDENTITY,
        stack: Vec::new(),
        tm: IDENTITY,
        tlm: IDENTITY,
        font: None,
        size: 0.0,
        leading: 0.0,
        char_spacing: 0.0,
        word_spacing: 0.0,
        scale: 1.0,
        rise: 0.0,
        runs: Vec::new(),
    };
    for op in &content.operations {
        let n = |i: usize| op.operands.get(i).and_then(number);
        match op.operator.as_str() {
            "q" if s.stack.len() < MAX_STACK => s.stack.push(s.ctm),
            "Q" => s.ctm = s.stack.pop().unwrap_or(s.ctm),
            "cm" => {
                if let (Some(a), Some(b), Some(c), Some(d), Some(e), Some(f)) =
                    (n(0), n(1), n(2), n(3), n(4), n(5))
                {
                    s.ctm = mul(&[a, b, c, d, e, f], &s.ctm);
                }
            }
            "BT" => {
                s.tm = IDENTITY;
                s.tlm = IDENTITY;
            }
            "Tf" => {
                s.font = op
                    .operands
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .and_then(|name| fonts.get(name));
                s.size = n(1).unwrap_or(0.0);
            }
            "TL" => s.leading = n(0).unwrap_or(0.0),
            "Tc" => s.char_spacing = n(0).unwrap_or(0.0),
            "Tw" => s.word_spacing = n(0).unwrap_or(0.0),
            "Tz" => s.scale = n(0).unwrap_or(100.0) / 100.0,
            "Ts" => s.rise = n(0).unwrap_or(0.0),
            "Td" => s.next_line(n(0).unwrap_or(0.0), n(1).unwrap_or(0.0)),
            "TD" => {
                let ty = n(1).unwrap_or(0.0);
                s.leading = -ty;
                s.next_line(n(0).unwrap_or(0.0), ty);
            }
            "Tm" => {
                if let (Some(a), Some(b), Some(c), Some(d), Some(e), Some(f)) =
                    (n(0), n(1), n(2), n(3), n(4), n(5))
                {
                    s.tlm = [a, b, c, d, e, f];
                    s.tm = s.tlm;
                }
            }
            "T*" => s.next_line(0.0, -s.leading),
            "Tj" => {
                if let Some(Ok(bytes)) = op.operands.first().map(|o| o.as_str()) {
                    s.show(bytes);
                }
            }
            "'" | "\"" => {
                if op.operator == "\"" {
                    s.word_spacing = n(0).unwrap_or(s.word_spacing);
                    s.char_spacing = n(1).unwrap_or(s.char_spacing);
                }
                s.next_line(0.0, -s.leading);
                if let Some(Ok(bytes)) = op.operands.last().map(|o| o.as_str()) {
                    s.show(bytes);
                }
            }
            "TJ" => {
                let items = op.operands.first().and_then(|o| o.as_array().ok());
                for item in items.into_iter().flatten() {
                    match item {
                        Object::String(bytes, _) => s.show(bytes),
                        other => {
                            let adjust = number(other).unwrap_or(0.0);
                            let tx = -adjust / 1000.0 * s.size * s.scale;
                            s.tm = mul(&translate(tx, 0.0), &s.tm);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(rows(s.runs))
}

/// Runs grouped into rows by baseline (top to bottom), each row left to right with spaces and column gaps.
fn rows(mut runs: Vec<Run>) -> String {
    runs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut rows: Vec<Vec<Run>> = Vec::new();
    for run in runs {
        match rows.last_mut() {
            Some(row) if (row[0].y - run.y).abs() <= 0.4 * row[0].size.min(run.size).max(1.0) => {
                row.push(run)
            }
            _ => rows.push(vec![run]),
        }
    }
    let mut out = String::new();
    for mut row in rows {
        row.sort_by(|a, b| a.x.total_cmp(&b.x));
        let mut line = String::new();
        let mut last: Option<&Run> = None;
        for run in &row {
            if let Some(prev) = last {
                // Text drawn twice at one place (a poor man's bold) is read once.
                if (run.x - prev.x).abs() < 0.5 && run.text == prev.text {
                    continue;
                }
                let em = prev.size.max(run.size);
                let gap = run.x - prev.end;
                if gap > COLUMN_GAP_EM * em {
                    line.push_str(COLUMN);
                } else if gap > SPACE_GAP_EM * em
                    && !line.ends_with(' ')
                    && !run.text.starts_with(' ')
                {
                    line.push(' ');
                }
            }
            line.push_str(&run.text);
            last = Some(run);
        }
        let line = line.trim_end();
        if !line.is_empty() {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(x: f32, end: f32, y: f32, text: &str) -> Run {
        Run {
            x,
            end,
            y,
            size: 10.0,
            text: text.into(),
        }
    }

    #[test]
    fn rows_follow_the_page_not_the_stream() {
        // Written labels first, then values, as many invoice generators do.
        let runs = vec![
            run(50.0, 110.0, 700.0, "Total HT :"),
            run(50.0, 90.0, 686.0, "TVA :"),
            run(50.0, 115.0, 672.0, "Total TTC :"),
            run(400.0, 440.0, 700.0, "99,00 €"),
            run(400.0, 440.0, 686.0, "19,80 €"),
            run(400.0, 445.0, 672.0, "118,80 €"),
            run(50.0, 120.0, 760.0, "FACTURE"),
            run(124.0, 160.0, 760.5, "N° 42"),
            run(50.0, 120.0, 760.0, "FACTURE"),
        ];
        assert_eq!(
            rows(runs),
            "FACTURE N° 42\nTotal HT :   99,00 €\nTVA :   19,80 €\nTotal TTC :   118,80 €\n"
        );
    }

    #[test]
    fn glyph_runs_close_together_make_words() {
        let runs = vec![
            run(10.0, 16.0, 100.0, "V"),
            run(16.2, 22.0, 100.0, "i"),
            run(22.0, 30.0, 100.0, "dange"),
            run(33.0, 40.0, 100.0, "5W30"),
        ];
        assert_eq!(rows(runs), "Vidange 5W30\n");
    }

    #[test]
    fn matrices_compose_in_pdf_order() {
        let m = mul(&translate(10.0, 20.0), &[2.0, 0.0, 0.0, 2.0, 5.0, 5.0]);
        assert_eq!(m, [2.0, 0.0, 0.0, 2.0, 25.0, 45.0]);
    }
}
