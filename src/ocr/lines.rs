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
        let mut rows: Vec<Vec<Line>> = Vec::new();
        for l in lines {
            match rows.last_mut() {
                // Same row when the boxes share half the smaller one's height: a small label beside large print
                // (the "A" before a certificate's plate) is on the row of the print.
                Some(row)
                    if (row[0].center_y - l.center_y).abs()
                        <= row[0].height.max(l.height) * 0.5 =>
                {
                    row.push(l)
                }
                _ => rows.push(vec![l]),
            }
        }
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
