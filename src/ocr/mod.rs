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

use crop::upright_crop;
pub use handle::OcrHandle;

use std::borrow::Cow;
use std::path::Path;

use anyhow::{Context, anyhow, bail};
use image::RgbImage;
use rten::Model;
use rten_imageproc::{
    PointF, RetrievalMode, RotatedRect, find_contours, min_area_rect, simplify_polygon,
};
use rten_tensor::NdTensor;
use rten_tensor::prelude::*;

const DET_MODEL: &str = "PP-OCRv6_det_small.rten";
const REC_MODEL: &str = "PP-OCRv6_rec_small.rten";
const DICT: &str = "ppocrv6_dict.txt";

/// Longest side given to the detector (multiples of 32 are required by the model). 960 keeps an A4 page at
/// 150 dpi under 1.5 s of CPU; 1024 read one more field of the benchmark corpus for 0.1 s more.
const DET_MAX_SIDE: u32 = 960;
/// Probability above which a pixel is text, and mean probability a box needs to be kept.
const DET_THRESHOLD: f32 = 0.3;
const BOX_THRESHOLD: f32 = 0.5;
/// Boxes are grown by `area × ratio / perimeter` (the DB "unclip").
const UNCLIP_RATIO: f32 = 1.6;
/// Height of the recognition input, and the widest crop given to it.
const REC_HEIGHT: u32 = 48;
const REC_MAX_WIDTH: u32 = 2400;

#[derive(rust_embed::Embed)]
#[folder = "models/"]
#[include = "*.rten"]
#[include = "*.txt"]
struct Bundled;

pub struct Ocr {
    det: Model,
    rec: Model,
    /// Class `i` of the recogniser is `dict[i - 1]`; 0 is the CTC blank; one past the dictionary is a space.
    dict: Vec<String>,
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
    pub center_y: f32,
    pub left: f32,
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
                Some(row)
                    if (row[0].center_y - l.center_y).abs() < row[0].height.min(l.height) * 0.5 =>
                {
                    row.push(l)
                }
                _ => rows.push(vec![l]),
            }
        }
        rows.into_iter()
            .map(|mut row| {
                row.sort_by(|a, b| a.left.total_cmp(&b.left));
                row.iter()
                    .map(|l| l.text.as_str())
                    .collect::<Vec<_>>()
                    .join("  ")
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
        None => match Bundled::get(name).map(|f| f.data) {
            Some(Cow::Borrowed(bytes)) => Ok(Model::load_static_slice(bytes)?),
            Some(Cow::Owned(bytes)) => Ok(Model::load(bytes)?),
            None => bail!("model {name} is not bundled in this binary"),
        },
    }
}

fn load_dict(dir: Option<&Path>) -> anyhow::Result<Vec<String>> {
    let raw = match dir {
        Some(d) => std::fs::read_to_string(d.join(DICT))
            .with_context(|| format!("while reading {}", d.join(DICT).display()))?,
        None => String::from_utf8(
            Bundled::get(DICT)
                .ok_or_else(|| anyhow!("{DICT} is not bundled"))?
                .data
                .into_owned(),
        )?,
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

    /// Finds and reads the text of an image.
    pub fn recognise(&self, image: &RgbImage) -> anyhow::Result<Recognised> {
        let started = std::time::Instant::now();
        let boxes = self.detect(image)?;
        let detected = started.elapsed();
        let mut lines = Vec::with_capacity(boxes.len());
        for rect in boxes {
            let Some((crop, height, width)) = upright_crop(image, &rect) else {
                continue;
            };
            let (text, confidence) = self.read_line(&crop, width)?;
            let text = text.trim().to_owned();
            if text.is_empty() || confidence < 0.3 {
                continue;
            }
            let c = rect.center();
            let left = rect.corners().iter().map(|p| p.x).fold(f32::MAX, f32::min);
            lines.push(Line {
                text,
                confidence,
                center_y: c.y,
                left,
                height,
            });
        }
        tracing::debug!(
            boxes = lines.len(),
            detect_ms = detected.as_millis() as u64,
            recognise_ms = (started.elapsed() - detected).as_millis() as u64,
            "ocr"
        );
        Ok(Recognised { lines })
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
        const MEAN: [f32; 3] = [0.485, 0.456, 0.406];
        const STD: [f32; 3] = [0.229, 0.224, 0.225];
        let (dwu, dhu) = (dw as usize, dh as usize);
        let mut data = vec![0f32; 3 * dwu * dhu];
        for (x, y, px) in resized.enumerate_pixels() {
            for c in 0..3 {
                data[c * dwu * dhu + y as usize * dwu + x as usize] =
                    (f32::from(px[c]) / 255.0 - MEAN[c]) / STD[c];
            }
        }
        let input = NdTensor::from_data([1, 3, dhu, dwu], data);
        let output: NdTensor<f32, 4> = self
            .det
            .run_one(input.into(), self.run_options())?
            .try_into()?;
        let [_, _, oh, ow] = output.shape();
        let prob = output.slice((0, 0));
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

    /// Greedy CTC decoding of one upright crop (`[1, 3, 48, width]`, values in [-1, 1]).
    fn read_line(&self, crop: &[f32], width: u32) -> anyhow::Result<(String, f32)> {
        let input = NdTensor::from_data([1, 3, REC_HEIGHT as usize, width as usize], crop.to_vec());
        let output: NdTensor<f32, 3> = self
            .rec
            .run_one(input.into(), self.run_options())?
            .try_into()?;
        let [_, steps, classes] = output.shape();
        let mut text = String::new();
        let (mut prev, mut conf_sum, mut kept) = (0usize, 0f32, 0u32);
        for t in 0..steps {
            let (mut best, mut best_p) = (0usize, f32::MIN);
            for c in 0..classes {
                let p = output[[0, t, c]];
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
        Ok((
            text,
            if kept == 0 {
                0.0
            } else {
                conf_sum / kept as f32
            },
        ))
    }
}
