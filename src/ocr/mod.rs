//! Offline text recognition in pure Rust: PP-OCRv6 small detection and recognition models (Apache-2.0, bundled
//! under `models/` and embedded in the binary) run with rten. The pipeline: DB text detection → rotated boxes
//! (min-area rectangles of the probability-map components, unclipped) → upright crops sampled along each box →
//! CTC recognition → reading order. Models load once; callers run `recognise` on a blocking thread.

mod attachments;
mod crop;
mod handle;
pub mod image_input;
mod pdf_filters;
mod pdf_text;

use crop::Crop;
pub use handle::OcrHandle;

use std::path::Path;

use anyhow::{Context, bail};
use image::RgbImage;
use rten::Model;
use rten_imageproc::{
    PointF, RetrievalMode, RotatedRect, find_contours, min_area_rect, simplify_polygon,
};
use rten_tensor::prelude::*;
use rten_tensor::{NdTensor, NdTensorView};

const DET_MODEL: &str = "PP-OCRv6_det_small.rten";
const REC_MODEL: &str = "PP-OCRv6_rec_small.rten";
const DICT: &str = "ppocrv6_dict.txt";

/// Longest side given to the detector (multiples of 32 are required by the model). 960 keeps an A4 page at
/// 150 dpi under 1.5 s of CPU; 1024 read one more field of the benchmark corpus for 0.1 s more.
const DET_MAX_SIDE: u32 = 960;
/// Probability above which a pixel is text, and mean probability a box needs to be kept.
const DET_THRESHOLD: f32 = 0.3;
/// Written between two boxes of a row far apart: the column separator of the PDF text layer.
const COLUMN_GAP: &str = "   ";
/// Rows of the detector's input read per run, and the rows of context added above and below (multiples of 32).
const DET_BAND: usize = 480;
const DET_BAND_MARGIN: usize = 64;
const BOX_THRESHOLD: f32 = 0.5;
/// Boxes are grown by `area × ratio / perimeter` (the DB "unclip").
const UNCLIP_RATIO: f32 = 1.6;
/// Height of the recognition input, and the widest crop given to it.
const REC_HEIGHT: u32 = 48;
const REC_MAX_WIDTH: u32 = 2400;
/// Crops are narrowed to this share of their width: the model reads text squeezed this much as well as at its
/// own proportions (the hard corpus read the same fields) for a quarter less work.
const REC_SQUEEZE: f32 = 0.75;
/// The widest strip of crops read in one run, and the blank columns between two crops in it.
const REC_STRIP: usize = 1200;
const REC_GAP: usize = 24;

/// The bundled model files, embedded 64-byte aligned: rten then uses the weights where they lie in the binary. From an
/// unaligned slice (what a plain `include_bytes!` or rust-embed gives) it copies every tensor, 31 MB more memory in
/// each analysis worker.
#[repr(C, align(64))]
struct Aligned<T: ?Sized>(T);

static DET_BYTES: &Aligned<[u8]> =
    &Aligned(*include_bytes!("../../models/PP-OCRv6_det_small.rten"));
static REC_BYTES: &Aligned<[u8]> =
    &Aligned(*include_bytes!("../../models/PP-OCRv6_rec_small.rten"));
static DICT_TEXT: &str = include_str!("../../models/ppocrv6_dict.txt");

/// A bundled model or dictionary by file name.
fn bundled(name: &str) -> Option<&'static [u8]> {
    match name {
        DET_MODEL => Some(&DET_BYTES.0),
        REC_MODEL => Some(&REC_BYTES.0),
        DICT => Some(DICT_TEXT.as_bytes()),
        _ => None,
    }
}

pub struct Ocr {
    det: Model,
    rec: Model,
    /// Class `i` of the recogniser is `dict[i - 1]`; 0 is the CTC blank; one past the dictionary is a space.
    dict: Vec<String>,
    /// The classes decoding chooses from: the blank, the space and the characters of Latin-script documents. The
    /// model also knows 18,000 CJK characters, which a smudged "I" or "1" otherwise becomes (工, 丨).
    classes: Vec<usize>,
    /// The ocrs engine, used instead when an operator supplies ocrs's own model files in the models directory.
    ocrs: Option<ocrs::OcrEngine>,
    /// Threads for inference; `None`: rten's default pool (every core).
    pool: Option<std::sync::Arc<rten::ThreadPool>>,
    pub engine: String,
}

/// ocrs's own model files (not distributed by any registry; an operator may provide them).
const OCRS_DET: &str = "text-detection.rten";
const OCRS_REC: &str = "text-recognition.rten";

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

fn load_model(dir: Option<&Path>, name: &str) -> anyhow::Result<Model> {
    match dir {
        Some(d) => Model::load_file(d.join(name))
            .with_context(|| format!("while loading {}", d.join(name).display())),
        None => match bundled(name) {
            Some(bytes) => Ok(Model::load_static_slice(bytes)?),
            None => bail!("model {name} is not bundled in this binary"),
        },
    }
}

fn load_dict(dir: Option<&Path>) -> anyhow::Result<Vec<String>> {
    let raw = match dir {
        Some(d) => std::fs::read_to_string(d.join(DICT))
            .with_context(|| format!("while reading {}", d.join(DICT).display()))?,
        None => DICT_TEXT.to_owned(),
    };
    Ok(raw
        .lines()
        .map(|l| l.trim_end_matches('\r').to_owned())
        .collect())
}

impl Ocr {
    /// Loads the models from `dir` (`AUTOTRACK_MODELS_DIR`), or the ones embedded in the binary.
    pub fn load(dir: Option<&Path>) -> anyhow::Result<Ocr> {
        let det = load_model(dir, DET_MODEL)?;
        let rec = load_model(dir, REC_MODEL)?;
        let dict = load_dict(dir)?;
        if dict.len() < 100 {
            bail!("the recognition dictionary has only {} entries", dict.len());
        }
        let ocrs = match dir {
            Some(d) if d.join(OCRS_DET).is_file() && d.join(OCRS_REC).is_file() => {
                Some(ocrs::OcrEngine::new(ocrs::OcrEngineParams {
                    detection_model: Some(Model::load_file(d.join(OCRS_DET))?),
                    recognition_model: Some(Model::load_file(d.join(OCRS_REC))?),
                    ..Default::default()
                })?)
            }
            _ => None,
        };
        let classes = std::iter::once(0)
            .chain((1..=dict.len()).filter(|&c| latin(&dict[c - 1])))
            .chain(std::iter::once(dict.len() + 1))
            .collect();
        let engine = if ocrs.is_some() {
            "ocrs (rten)"
        } else {
            "pp-ocrv6-small (rten)"
        }
        .to_owned();
        Ok(Ocr {
            det,
            rec,
            dict,
            classes,
            ocrs,
            engine,
            pool: None,
        })
    }

    /// Runs inference on `threads` threads (the server keeps a core free for requests).
    pub fn with_threads(mut self, threads: usize) -> Ocr {
        self.pool = Some(std::sync::Arc::new(rten::ThreadPool::with_num_threads(
            threads.max(1),
        )));
        self
    }

    fn run_options(&self) -> Option<rten::RunOptions> {
        self.pool
            .as_ref()
            .map(|p| rten::RunOptions::default().with_thread_pool(Some(p.clone())))
    }

    /// The text of an image, in reading order.
    pub fn read_text(&self, image: &RgbImage) -> anyhow::Result<String> {
        match &self.ocrs {
            Some(engine) => {
                let source = ocrs::ImageSource::from_bytes(image.as_raw(), image.dimensions())?;
                let input = engine.prepare_input(source)?;
                engine.get_text(&input)
            }
            None => Ok(self.recognise(image)?.text()),
        }
    }

    /// Finds and reads the text of an image. The boxes are read in reading order, several to an inference: their
    /// crops are laid side by side in one strip, as words on a line, and each box takes the output steps over its
    /// own part of the strip. The recogniser's cost is mostly per channel and per run (its depthwise layers and the
    /// weights prepared for each run), not per pixel, so a page's 200–300 boxes cost a fraction of one run each.
    pub fn recognise(&self, image: &RgbImage) -> anyhow::Result<Recognised> {
        let started = std::time::Instant::now();
        let mut boxes: Vec<(RotatedRect, Crop)> = self
            .detect(image)?
            .into_iter()
            .filter_map(|rect| Crop::of(&rect).map(|crop| (rect, crop)))
            .collect();
        let detected = started.elapsed();
        // A scan or a photo is rarely square to the page: rows are found along the text's own slope (the median of
        // the long boxes'), or across a wide page the right column drifts onto the row below.
        let mut slopes: Vec<f32> = boxes.iter().filter_map(|(_, c)| c.slope()).collect();
        slopes.sort_by(f32::total_cmp);
        let slope = slopes.get(slopes.len() / 2).copied().unwrap_or(0.0);
        boxes.sort_by(|(a, _), (b, _)| {
            (a.center().y, a.center().x)
                .partial_cmp(&(b.center().y, b.center().x))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let (strip_max, gap) = (REC_STRIP, REC_GAP);
        let mut lines = Vec::with_capacity(boxes.len());
        let mut buffer = Vec::new();
        let mut rest = &boxes[..];
        while !rest.is_empty() {
            let (mut n, mut width) = (0, 0);
            for (_, crop) in rest {
                let next = width + gap * usize::from(n > 0) + crop.width as usize;
                if n > 0 && next > strip_max {
                    break;
                }
                (n, width) = (n + 1, next);
            }
            let (strip, tail) = rest.split_at(n);
            rest = tail;
            let read = self.read_strip(image, strip, width, gap, &mut buffer)?;
            for ((rect, crop), (text, confidence)) in strip.iter().zip(read) {
                let text = text.trim().to_owned();
                if text.is_empty() || confidence < 0.3 {
                    continue;
                }
                let c = rect.center();
                let xs = rect.corners().map(|p| p.x);
                lines.push(Line {
                    text,
                    confidence,
                    center_y: c.y - c.x * slope,
                    left: xs.iter().copied().fold(f32::MAX, f32::min),
                    right: xs.iter().copied().fold(f32::MIN, f32::max),
                    height: crop.height,
                });
            }
        }
        tracing::debug!(
            boxes = lines.len(),
            detect_ms = detected.as_millis() as u64,
            recognise_ms = (started.elapsed() - detected).as_millis() as u64,
            "ocr"
        );
        Ok(Recognised { lines })
    }

    /// Reads boxes laid side by side in one strip `width` wide, `gap` columns apart. A gap is filled with the
    /// colour of the crop edges beside it (a blank stretch of the page, not a hard edge the model could read as a
    /// letter); each output step goes to the nearest box.
    fn read_strip(
        &self,
        image: &RgbImage,
        strip: &[(RotatedRect, Crop)],
        width: usize,
        gap: usize,
        buffer: &mut Vec<f32>,
    ) -> anyhow::Result<Vec<(String, f32)>> {
        let (height, plane) = (REC_HEIGHT as usize, REC_HEIGHT as usize * width);
        buffer.clear();
        buffer.resize(3 * plane, 1.0);
        let mut spans = Vec::with_capacity(strip.len());
        let mut x = 0;
        for (i, (_, crop)) in strip.iter().enumerate() {
            if i > 0 {
                x += gap;
            }
            crop.fill(image, &mut buffer[x..], width);
            spans.push((x, x + crop.width as usize));
            x += crop.width as usize;
        }
        for pair in spans.windows(2) {
            let ((_, end), (start, _)) = (pair[0], pair[1]);
            for ch in 0..3 {
                let (mut sum, base) = (0f32, ch * plane);
                for y in 0..height {
                    sum += buffer[base + y * width + end - 1] + buffer[base + y * width + start];
                }
                let fill = sum / (2 * height) as f32;
                for y in 0..height {
                    buffer[base + y * width + end..base + y * width + start].fill(fill);
                }
            }
        }
        let input = NdTensorView::from_data([1, 3, height, width], buffer.as_slice());
        let output: NdTensor<f32, 3> = self
            .rec
            .run_one(input.into(), self.run_options())?
            .try_into()?;
        let [_, steps, _] = output.shape();
        let column = width as f32 / steps.max(1) as f32;
        // Step t covers columns [t·column, (t+1)·column): it belongs to the box nearest its centre.
        let mut owner = Vec::with_capacity(steps);
        let mut k = 0;
        for t in 0..steps {
            let centre = (t as f32 + 0.5) * column;
            while k + 1 < spans.len() && centre >= (spans[k].1 + spans[k + 1].0) as f32 / 2.0 {
                k += 1;
            }
            owner.push(k);
        }
        Ok((0..spans.len())
            .map(|k| {
                let first = owner.iter().position(|&o| o == k).unwrap_or(steps);
                let last = owner.iter().rposition(|&o| o == k).map_or(first, |l| l + 1);
                self.decode(output.slice((0, first..last)))
            })
            .collect())
    }

    /// The detector's text probability for every pixel of `resized`. A tall page is run in horizontal bands that
    /// overlap by `DET_BAND_MARGIN` rows, each keeping the rows it owns: the activations of one band are a fraction of
    /// the whole page's (the peak memory of a dense A4 page fell from 169 to …), for about 13 % more CPU.
    fn probability_map(&self, resized: &RgbImage) -> anyhow::Result<NdTensor<f32, 2>> {
        const MEAN: [f32; 3] = [0.485, 0.456, 0.406];
        const STD: [f32; 3] = [0.229, 0.224, 0.225];
        let (w, h) = (resized.width() as usize, resized.height() as usize);
        let mut prob = NdTensor::<f32, 2>::zeros([h, w]);
        let mut data = Vec::new();
        let mut top = 0;
        while top < h {
            // Rows [top, own_end) are taken from the band [from, to), which has context on both sides.
            let own_end = if h - top <= DET_BAND + 2 * DET_BAND_MARGIN {
                h
            } else {
                top + DET_BAND
            };
            let (from, to) = (
                top.saturating_sub(DET_BAND_MARGIN),
                (own_end + DET_BAND_MARGIN).min(h),
            );
            let rows = to - from;
            data.clear();
            data.resize(3 * rows * w, 0f32);
            for y in from..to {
                for x in 0..w {
                    let px = resized.get_pixel(x as u32, y as u32);
                    for c in 0..3 {
                        data[(c * rows + y - from) * w + x] =
                            (f32::from(px[c]) / 255.0 - MEAN[c]) / STD[c];
                    }
                }
            }
            let input = NdTensorView::from_data([1, 3, rows, w], data.as_slice());
            let output: NdTensor<f32, 4> = self
                .det
                .run_one(input.into(), self.run_options())?
                .try_into()?;
            let [_, _, oh, ow] = output.shape();
            if oh != rows || ow != w {
                bail!("the detector answered {oh}×{ow} for a {rows}×{w} input");
            }
            for y in top..own_end {
                for x in 0..w {
                    prob[[y, x]] = output[[0, 0, y - from, x]];
                }
            }
            top = own_end;
        }
        Ok(prob)
    }

    /// Text boxes, as rotated rectangles in image coordinates.
    fn detect(&self, image: &RgbImage) -> anyhow::Result<Vec<RotatedRect>> {
        let (w, h) = image.dimensions();
        if w < 8 || h < 8 {
            return Ok(Vec::new());
        }
        let scale = (DET_MAX_SIDE as f32 / w.max(h) as f32).min(1.0);
        let round32 = |v: f32| ((v / 32.0).round().max(1.0) as u32) * 32;
        let (dw, dh) = (round32(w as f32 * scale), round32(h as f32 * scale));
        let resized = image::imageops::resize(image, dw, dh, image::imageops::FilterType::Triangle);
        let prob = self.probability_map(&resized)?;
        let [oh, ow] = prob.shape();
        let mask = NdTensor::from_data(
            [oh, ow],
            prob.iter().map(|p| *p > DET_THRESHOLD).collect::<Vec<_>>(),
        );
        let (sx, sy) = (w as f32 / ow as f32, h as f32 / oh as f32);
        let mut rects = Vec::new();
        for poly in find_contours(mask.view(), RetrievalMode::External).iter() {
            if poly.len() < 4 {
                continue;
            }
            let points: Vec<PointF> = poly.iter().map(|p| p.to_f32()).collect();
            let Some(rect) = min_area_rect(&simplify_polygon(&points, 1.0)) else {
                continue;
            };
            let (rw, rh) = (rect.width(), rect.height());
            if rw.min(rh) < 2.0 {
                continue;
            }
            // Mean probability over the component's bounding box pixels that are text.
            let (mut sum, mut n) = (0f32, 0u32);
            let (x0, x1) = (
                poly.iter().map(|p| p.x).min().unwrap_or(0),
                poly.iter().map(|p| p.x).max().unwrap_or(0),
            );
            let (y0, y1) = (
                poly.iter().map(|p| p.y).min().unwrap_or(0),
                poly.iter().map(|p| p.y).max().unwrap_or(0),
            );
            for y in y0.max(0) as usize..=(y1.max(0) as usize).min(oh - 1) {
                for x in x0.max(0) as usize..=(x1.max(0) as usize).min(ow - 1) {
                    let p = prob[[y, x]];
                    if p > DET_THRESHOLD {
                        sum += p;
                        n += 1;
                    }
                }
            }
            if n == 0 || sum / n as f32 <= BOX_THRESHOLD {
                continue;
            }
            let grow = rw * rh * UNCLIP_RATIO / (2.0 * (rw + rh));
            let mut rect = rect;
            rect.resize(rw + 2.0 * grow, rh + 2.0 * grow);
            // Back to image coordinates (the map is the size of the resized input).
            let corners = rect.corners().map(|p| PointF::from_yx(p.y * sy, p.x * sx));
            if let Some(r) = min_area_rect(&corners) {
                rects.push(r);
            }
        }
        Ok(rects)
    }

    /// Greedy CTC decoding of one line's output steps (`[steps, classes]`).
    fn decode(&self, output: NdTensorView<f32, 2>) -> (String, f32) {
        let [steps, classes] = output.shape();
        let mut text = String::new();
        let (mut prev, mut conf_sum, mut kept) = (0usize, 0f32, 0u32);
        for t in 0..steps {
            let (mut best, mut best_p) = (0usize, f32::MIN);
            for &c in self.classes.iter().filter(|&&c| c < classes) {
                let p = output[[t, c]];
                if p > best_p {
                    best = c;
                    best_p = p;
                }
            }
            if best != 0 && best != prev {
                match self.dict.get(best - 1) {
                    Some(ch) => text.push_str(ch),
                    None => text.push(' '),
                }
                conf_sum += best_p;
                kept += 1;
            }
            prev = best;
        }
        (
            text,
            if kept == 0 {
                0.0
            } else {
                conf_sum / kept as f32
            },
        )
    }
}

/// A character of French, English and other Latin-script documents: ASCII, Latin-1, Latin Extended-A (œ, Œ)
/// and the typographic signs of invoices (quotes, dashes, bullets, €, №).
fn latin(entry: &str) -> bool {
    let mut chars = entry.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => {
            (' '..='~').contains(&c)
                || ('\u{a0}'..='\u{17f}').contains(&c)
                || "‘’‚“”„–—•…€£™№".contains(c)
        }
        _ => false,
    }
}
