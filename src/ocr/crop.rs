//! The recognition input: a detected box sampled into an upright crop of the recognition model's height.

use image::RgbImage;
use rten_imageproc::RotatedRect;

use super::{REC_HEIGHT, REC_MAX_WIDTH, REC_SQUEEZE};

/// Where a box lies in the image, read along its longer side: the crop's origin, its unit axes, its size in source
/// pixels and the width of the 48-pixel-high crop it becomes.
#[derive(Debug, Clone, Copy)]
pub(super) struct Crop {
    origin: (f32, f32),
    along: (f32, f32),
    across: (f32, f32),
    w: f32,
    /// Height of the box in the source image.
    pub height: f32,
    /// Width of the recognition input.
    pub width: u32,
}

impl Crop {
    /// The geometry of a box, or `None` for a box too small to hold text.
    pub fn of(rect: &RotatedRect) -> Option<Crop> {
        let c = rect.corners();
        let (e1, e2) = (
            (c[1].x - c[0].x, c[1].y - c[0].y),
            (c[3].x - c[0].x, c[3].y - c[0].y),
        );
        let len = |e: (f32, f32)| (e.0 * e.0 + e.1 * e.1).sqrt();
        let (mut along, mut across) = if len(e1) >= len(e2) {
            (e1, e2)
        } else {
            (e2, e1)
        };
        // Text runs left to right and lines go down: orient the axes that way.
        if along.0 < 0.0 {
            along = (-along.0, -along.1);
        }
        if across.1 < 0.0 {
            across = (-across.0, -across.1);
        }
        let (w, h) = (len(along), len(across));
        if h < 4.0 || w < 4.0 {
            return None;
        }
        let (ux, uy) = (along.0 / w, along.1 / w);
        let (vx, vy) = (across.0 / h, across.1 / h);
        let center = rect.center();
        Some(Crop {
            origin: (
                center.x - ux * w / 2.0 - vx * h / 2.0,
                center.y - uy * w / 2.0 - vy * h / 2.0,
            ),
            along: (ux, uy),
            across: (vx, vy),
            w,
            height: h,
            width: ((REC_HEIGHT as f32 * w / h * REC_SQUEEZE).round() as u32)
                .clamp(16, REC_MAX_WIDTH),
        })
    }

    /// The slope of a long box's text line (dy/dx), which is the page's skew there; `None` for short boxes,
    /// whose angle says little.
    pub fn slope(&self) -> Option<f32> {
        (self.w > 3.0 * self.height && self.along.0 > 0.5).then(|| self.along.1 / self.along.0)
    }

    /// Samples the box (bilinear) into the left part of one item of a batch whose rows are `stride` values wide
    /// (`dst` is that item: 3 planes of 48 rows), normalised to [-1, 1]. The rest of each row is left as it is.
    pub fn fill(&self, image: &RgbImage, dst: &mut [f32], stride: usize) {
        let (ow, oh) = (self.width as usize, REC_HEIGHT as usize);
        let plane = stride * oh;
        let (ux, uy) = self.along;
        let (vx, vy) = self.across;
        for oy in 0..oh {
            let t = (oy as f32 + 0.5) / oh as f32 * self.height;
            for ox in 0..ow {
                let s = (ox as f32 + 0.5) / ow as f32 * self.w;
                let (x, y) = (
                    self.origin.0 + ux * s + vx * t,
                    self.origin.1 + uy * s + vy * t,
                );
                let px = bilinear(image, x, y);
                for (ch, v) in px.iter().enumerate() {
                    dst[ch * plane + oy * stride + ox] = (v / 255.0 - 0.5) / 0.5;
                }
            }
        }
    }
}

fn bilinear(image: &RgbImage, x: f32, y: f32) -> [f32; 3] {
    let (w, h) = image.dimensions();
    let (x, y) = (x.clamp(0.0, (w - 1) as f32), y.clamp(0.0, (h - 1) as f32));
    let (x0, y0) = (x.floor() as u32, y.floor() as u32);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let p = |xx: u32, yy: u32| image.get_pixel(xx, yy).0;
    let (a, b, c, d) = (p(x0, y0), p(x1, y0), p(x0, y1), p(x1, y1));
    let mut out = [0f32; 3];
    for i in 0..3 {
        let top = f32::from(a[i]) * (1.0 - fx) + f32::from(b[i]) * fx;
        let bottom = f32::from(c[i]) * (1.0 - fx) + f32::from(d[i]) * fx;
        out[i] = top * (1.0 - fy) + bottom * fy;
    }
    out
}
