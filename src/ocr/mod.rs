//! Offline text recognition in pure Rust: PP-OCRv6 small detection and recognition models (Apache-2.0, bundled
//! under `models/` and embedded in the binary) run with rten. The pipeline: DB text detection → rotated boxes
//! (min-area rectangles of the probability-map components, unclipped) → upright crops sampled along each box →
//! CTC recognition → reading order. Models load once; callers run `recognise` on a blocking thread.

mod attachments;
mod crop;
mod detect;
mod handle;
pub mod image_input;
mod lines;
mod pdf_filters;
mod pdf_text;

use crop::Crop;
pub use handle::OcrHandle;
pub use lines::{Line, Recognised};

use std::path::Path;

use anyhow::{Context, bail};
use image::RgbImage;
use rten::Model;
use rten_imageproc::RotatedRect;
use rten_tensor::prelude::*;
use rten_tensor::{NdTensor, NdTensorView};

const DET_MODEL: &str = "PP-OCRv6_det_small.rten";
const REC_MODEL: &str = "PP-OCRv6_rec_small.rten";
const DICT: &str = "ppocrv6_dict.txt";

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
    /// own part of the strip. That spares the work each run repeats (the classifier's weights prepared, buffers
    /// sized); the rest follows the width of text read (docs/BENCHMARKS.md, OCR).
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
        let mut lines = Vec::with_capacity(boxes.len());
        let mut buffer = Vec::new();
        let mut rest = &boxes[..];
        while !rest.is_empty() {
            let (mut n, mut width) = (0, 0);
            for (_, crop) in rest {
                let next = width + REC_GAP * usize::from(n > 0) + crop.width as usize;
                if n > 0 && next > REC_STRIP {
                    break;
                }
                (n, width) = (n + 1, next);
            }
            let (strip, tail) = rest.split_at(n);
            rest = tail;
            let read = self.read_strip(image, strip, width, REC_GAP, &mut buffer)?;
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
