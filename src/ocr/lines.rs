//! What recognition gives: boxes of text with their place, and the page's text in reading order.

/// Written between two boxes of a row far apart: the column separator of the PDF text layer.
const COLUMN_GAP: &str = "   ";

/// One recognised line, in image coordinates.
#[derive(Debug, Clone)]
pub struct Line {
    pub text: String,
    pub confidence: f32,
    /// Height of the centre on the page, the page's skew taken out (so that a row's boxes share it).
    pub center_y: f32,
    pub left: f32,
    pub right: f32,
    pub height: f32,
}

#[derive(Debug, Clone, Default)]
pub struct Recognised {
    pub lines: Vec<Line>,
}

impl Recognised {
    /// The text in reading order: rows top to bottom (boxes that overlap vertically share a row), left to right.
    pub fn text(&self) -> String {
        let mut lines = self.lines.clone();
        lines.sort_by(|a, b| a.center_y.total_cmp(&b.center_y));
        // A box joins the nearest of the last rows whose middle is within half the taller height (a small label
        // beside large print, the "A" before a certificate's plate, is on the row of the print) and which holds
        // no box above or below it: two boxes of one column are never one row, however close the lines (a
        // header's left column often has a tighter line pitch than its right one).
        let mut rows: Vec<Vec<Line>> = Vec::new();
        for l in lines {
            let fits = |row: &[Line]| {
                let tall = row.iter().map(|o| o.height).fold(l.height, f32::max);
                (middle(row) - l.center_y).abs() <= tall * 0.5
                    && row.iter().all(|o| {
                        let overlap = o.right.min(l.right) - o.left.max(l.left);
                        overlap <= 0.3 * (o.right - o.left).min(l.right - l.left)
                    })
            };
            let nearest = rows
                .iter_mut()
                .rev()
                .take(3)
                .filter(|row| fits(row))
                .min_by(|a, b| {
                    (middle(a) - l.center_y)
                        .abs()
                        .total_cmp(&(middle(b) - l.center_y).abs())
                });
            match nearest {
                Some(row) => row.push(l),
                None => rows.push(vec![l]),
            }
        }
        rows.sort_by(|a, b| middle(a).total_cmp(&middle(b)));
        rows.into_iter()
            .map(|mut row| {
                row.sort_by(|a, b| a.left.total_cmp(&b.left));
                let mut out = String::new();
                let mut previous: Option<&Line> = None;
                for l in &row {
                    if let Some(p) = previous {
                        // Boxes of one phrase touch; a gap wider than the text is tall parts columns, written as
                        // the text layer writes them.
                        let gap = l.left - p.right;
                        out.push_str(if gap > p.height.min(l.height) {
                            COLUMN_GAP
                        } else {
                            " "
                        });
                    }
                    out.push_str(&l.text);
                    previous = Some(l);
                }
                out
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    pub fn mean_confidence(&self) -> f32 {
        if self.lines.is_empty() {
            0.0
        } else {
            self.lines.iter().map(|l| l.confidence).sum::<f32>() / self.lines.len() as f32
        }
    }
}

/// The mean height of a row's boxes.
fn middle(row: &[Line]) -> f32 {
    row.iter().map(|o| o.center_y).sum::<f32>() / row.len().max(1) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, left: f32, right: f32, center_y: f32, height: f32) -> Line {
        Line {
            text: text.into(),
            confidence: 0.9,
            center_y,
            left,
            right,
            height,
        }
    }

    #[test]
    fn rows_keep_columns_of_different_line_pitch_apart() {
        // Left: an address at a tight pitch; right: a label and its larger value, between the address lines.
        let page = Recognised {
            lines: vec![
                line("5 Oakfield Park", 100.0, 300.0, 100.0, 20.0),
                line("25-INV8300", 700.0, 900.0, 104.0, 26.0),
                line("Invoice no.", 500.0, 640.0, 110.0, 20.0),
                line("Norwich NR6 6XA", 100.0, 290.0, 119.0, 20.0),
                line("A", 60.0, 70.0, 208.0, 10.0),
                line("TE-022-ZZ", 80.0, 300.0, 200.0, 30.0),
            ],
        };
        assert_eq!(
            page.text(),
            "5 Oakfield Park   Invoice no.   25-INV8300\nNorwich NR6 6XA\nA TE-022-ZZ"
        );
    }
}
