//! The recognition input: a detected box sampled into an upright crop of the recognition model's height.

use image::RgbImage;
use rten_imageproc::RotatedRect;

use super::{REC_HEIGHT, REC_MAX_WIDTH};

/// Samples the box into an upright, 48-pixel-high, normalised crop (bilinear), returning it with its height in the
/// source image and the crop width. Boxes are read along their longer side.
pub(super) fn upright_crop(image: &RgbImage, rect: &RotatedRect) -> Option<(Vec<f32>, f32, u32)> {
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
    let origin = (
        center.x - ux * w / 2.0 - vx * h / 2.0,
        center.y - uy * w / 2.0 - vy * h / 2.0,
    );
    let out_w = ((REC_HEIGHT as f32 * w / h).round() as u32).clamp(16, REC_MAX_WIDTH);
    let (ow, oh) = (out_w as usize, REC_HEIGHT as usize);
    let mut data = vec![0f32; 3 * ow * oh];
    for oy in 0..oh {
        for ox in 0..ow {
            let (s, t) = (
                (ox as f32 + 0.5) / ow as f32 * w,
                (oy as f32 + 0.5) / oh as f32 * h,
            );
            let (x, y) = (origin.0 + ux * s + vx * t, origin.1 + uy * s + vy * t);
            let px = bilinear(image, x, y);
            for ch in 0..3 {
                data[ch * ow * oh + oy * ow + ox] = (px[ch] / 255.0 - 0.5) / 0.5;
            }
        }
    }
    Some((data, h, out_w))
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
