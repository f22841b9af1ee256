//! Text detection: the DB detector's probability map, run over the page in bands, turned into rotated boxes.

use anyhow::bail;
use image::RgbImage;
use rten_imageproc::{
    PointF, RetrievalMode, RotatedRect, find_contours, min_area_rect, simplify_polygon,
};
use rten_tensor::prelude::*;
use rten_tensor::{NdTensor, NdTensorView};

use super::Ocr;

/// Longest side given to the detector (multiples of 32 are required by the model). At 960 the 7-point footer of
/// an A4 page at 150 dpi is still found, for about 0.5 s of CPU.
const DET_MAX_SIDE: u32 = 960;
/// Probability above which a pixel is text, and mean probability a box needs to be kept.
const DET_THRESHOLD: f32 = 0.3;
/// Rows of the detector's input read per run, and the rows of context added above and below (multiples of 32).
const DET_BAND: usize = 480;
const DET_BAND_MARGIN: usize = 64;
const BOX_THRESHOLD: f32 = 0.5;
/// Boxes are grown by `area × ratio / perimeter` (the DB "unclip").
const UNCLIP_RATIO: f32 = 1.6;

impl Ocr {
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
    pub(super) fn detect(&self, image: &RgbImage) -> anyhow::Result<Vec<RotatedRect>> {
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
}
