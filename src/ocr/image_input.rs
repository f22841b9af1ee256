//! Turning stored files into text sources: images decoded with their EXIF orientation (after a pixel-count check
//! from the header), and PDFs read page by page (the text layer when there is one, else the page's embedded
//! raster images for OCR).

use std::io::Cursor;

use anyhow::{Context, bail};
use image::{DynamicImage, ImageDecoder, ImageReader, Limits, RgbImage};

/// Largest image analysed (documents.md §6.2).
pub const MAX_PIXELS: u64 = 40_000_000;
/// Text layer read for at most this many pages; OCR on at most this many scanned pages.
pub const MAX_TEXT_PAGES: usize = 50;
pub const MAX_OCR_PAGES: usize = 10;
/// A page whose text layer has fewer non-space characters is treated as scanned.
const MIN_LAYER_CHARS: usize = 20;

#[derive(Debug)]
pub enum InputError {
    TooLarge,
    Unreadable(String),
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputError::TooLarge => write!(f, "image too large to analyse"),
            InputError::Unreadable(e) => write!(f, "unreadable file: {e}"),
        }
    }
}

impl std::error::Error for InputError {}

/// Decodes an image (GIF: first frame), refusing more than 40 megapixels before decoding, and applies the EXIF
/// orientation.
pub fn decode_image(bytes: &[u8]) -> Result<RgbImage, InputError> {
    let unreadable = |e: &dyn std::fmt::Display| InputError::Unreadable(e.to_string());
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| unreadable(&e))?;
    let (w, h) = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| unreadable(&e))?
        .into_dimensions()
        .map_err(|e| match e {
            // The decoder refuses to even describe an image past its own limits: that is a too-large image.
            image::ImageError::Limits(_) => InputError::TooLarge,
            other => unreadable(&other),
        })?;
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(InputError::TooLarge);
    }
    let mut reader = reader;
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| unreadable(&e))?;
    let orientation = decoder.orientation().map_err(|e| unreadable(&e))?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| unreadable(&e))?;
    img.apply_orientation(orientation);
    Ok(img.into_rgb8())
}

/// One PDF page: its text layer, or the images to OCR.
pub enum PdfPage {
    Text(String),
    Scanned(Vec<RgbImage>),
}

/// Reads a PDF's pages (bounded): text layers, and for pages without one their embedded JPEG or 8-bit raw images.
/// A PDF's pages and its XML attachments (an e-invoice travels as one).
pub struct PdfContent {
    pub pages: Vec<PdfPage>,
    /// (file name, decoded bytes) of each embedded `.xml` file.
    pub xml_files: Vec<(String, Vec<u8>)>,
}

pub fn read_pdf(bytes: &[u8]) -> anyhow::Result<PdfContent> {
    guard_streams(bytes)?;
    let doc = lopdf::Document::load_mem(bytes).context("not a readable PDF")?;
    let mut pages = Vec::new();
    let mut scanned = 0;
    for (_, id) in doc.get_pages().into_iter().take(MAX_TEXT_PAGES) {
        let text = match page_text(&doc, id) {
            Ok(t) => t,
            Err(e) if matches!(e.downcast_ref::<InputError>(), Some(InputError::TooLarge)) => {
                return Err(e);
            }
            Err(_) => String::new(),
        };
        if text.chars().filter(|c| !c.is_whitespace()).count() >= MIN_LAYER_CHARS {
            pages.push(PdfPage::Text(text));
            continue;
        }
        if scanned >= MAX_OCR_PAGES {
            continue;
        }
        scanned += 1;
        let mut images = Vec::new();
        for img in doc.get_page_images(id).unwrap_or_default() {
            if (img.width.max(0) as u64) * (img.height.max(0) as u64) > MAX_PIXELS {
                bail!(InputError::TooLarge);
            }
            let filters = img.filters.clone().unwrap_or_default();
            let decoded = if filters.iter().any(|f| f == "DCTDecode") {
                decode_image(img.content).ok()
            } else {
                raw_image(
                    &doc,
                    img.id,
                    img.width,
                    img.height,
                    img.color_space.as_deref(),
                    img.bits_per_component,
                )
            };
            if let Some(d) = decoded {
                images.push(d);
            }
        }
        pages.push(PdfPage::Scanned(images));
    }
    if pages.is_empty() {
        bail!("the PDF has no pages");
    }
    Ok(PdfContent {
        pages,
        xml_files: super::attachments::xml_files(&doc),
    })
}

/// The text layer of a page, laid out by position (`pdf_text`), from its content streams decoded within bounds
/// (lopdf's own decoding has none).
fn page_text(doc: &lopdf::Document, page: lopdf::ObjectId) -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    for id in doc.get_page_contents(page) {
        let Ok(stream) = doc.get_object(id).and_then(|o| o.as_stream()) else {
            continue;
        };
        let room = MAX_CONTENT_BYTES.saturating_sub(bytes.len() as u64);
        match super::pdf_filters::decode(stream, room) {
            Ok(Some(decoded)) => {
                bytes.extend_from_slice(&decoded);
                bytes.push(b'\n');
            }
            Ok(None) | Err(InputError::Unreadable(_)) => {}
            Err(InputError::TooLarge) => bail!(InputError::TooLarge),
        }
    }
    super::pdf_text::layout_text(doc, page, &bytes)
}

/// Largest inflated size of one stream, and of all the streams of a file, before lopdf is let near it.
const MAX_STREAM_BYTES: u64 = 160 * 1024 * 1024;
const MAX_TOTAL_STREAM_BYTES: u64 = 320 * 1024 * 1024;

/// lopdf inflates object streams whole while loading a file; a few megabytes can inflate to gigabytes. Every
/// zlib-looking stream of the raw file is therefore inflated into nothing first, within bounds. (This gives a
/// clear answer for the common bombs; the hard bound on every filter is the analysis worker's memory limit.)
fn guard_streams(bytes: &[u8]) -> anyhow::Result<()> {
    guard_streams_within(bytes, MAX_STREAM_BYTES, MAX_TOTAL_STREAM_BYTES)
}

/// A zlib header (RFC 1950): method 8 (deflate), a window of at most 32 KiB, and the header check. Any window
/// size counts (`0x78` is only the commonest first byte).
fn zlib_header(data: &[u8]) -> bool {
    match data {
        [cmf, flg, ..] => {
            cmf & 0x0F == 8 && cmf >> 4 <= 7 && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0
        }
        _ => false,
    }
}

/// Linear in the file size: keyword searches only move forward, the `endstream` found for one stream is reused
/// for the next ones it also closes, and the compressed bytes read by all inflations together are bounded too.
fn guard_streams_within(bytes: &[u8], per_stream: u64, all: u64) -> anyhow::Result<()> {
    use std::io::Read;
    let mut total = 0u64;
    let mut read_in = 0u64;
    let max_read_in = 4 * bytes.len() as u64 + (1 << 20);
    let mut from = 0;
    // The first `endstream` at or after the last search start: `Some(None)` when there is none left.
    let mut next_end: Option<Option<usize>> = None;
    while let Some(pos) = find_bytes(&bytes[from..], b"stream") {
        let keyword = from + pos;
        let mut start = keyword + b"stream".len();
        from = start;
        if keyword >= 3 && &bytes[keyword - 3..keyword] == b"end" {
            continue;
        }
        // The data starts after the end of line that follows the keyword.
        match bytes.get(start..start + 2) {
            Some(b"\r\n") => start += 2,
            Some([b'\n', _]) | Some([b'\r', _]) => start += 1,
            _ => continue,
        }
        let end = match next_end {
            Some(Some(e)) if e >= start => e,
            Some(None) => bytes.len(),
            _ => {
                let found = find_bytes(&bytes[start..], b"endstream").map(|e| start + e);
                next_end = Some(found);
                found.unwrap_or(bytes.len())
            }
        };
        let data = &bytes[start..end];
        if !zlib_header(data) {
            continue;
        }
        let mut decoder = flate2::read::ZlibDecoder::new(data);
        let inflated = std::io::copy(
            &mut (&mut decoder).take(per_stream + 1),
            &mut std::io::sink(),
        )
        .unwrap_or(0);
        total += inflated;
        read_in += decoder.total_in();
        if inflated > per_stream || total > all || read_in > max_read_in {
            bail!(InputError::TooLarge);
        }
        from = end;
    }
    Ok(())
}

fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Largest inflated content stream of a page.
const MAX_CONTENT_BYTES: u64 = 16 * 1024 * 1024;

/// An uncompressed (after the stream filters) 8-bit RGB or grey image.
fn raw_image(
    doc: &lopdf::Document,
    id: lopdf::ObjectId,
    w: i64,
    h: i64,
    space: Option<&str>,
    bits: Option<i64>,
) -> Option<RgbImage> {
    if bits != Some(8) || w <= 0 || h <= 0 {
        return None;
    }
    let stream = doc.get_object(id).ok()?.as_stream().ok()?;
    let (w, h) = (u32::try_from(w).ok()?, u32::try_from(h).ok()?);
    // Never decode more than the declared pixels need (decompression bombs), whatever the filters; lopdf then
    // decodes it for real (it also undoes predictors).
    super::pdf_filters::decode(stream, u64::from(w) * u64::from(h) * 3 + 4096)
        .ok()
        .flatten()?;
    let data = stream.decompressed_content().ok()?;
    match space {
        Some("DeviceRGB") => RgbImage::from_raw(w, h, data.get(..(w * h * 3) as usize)?.to_vec()),
        Some("DeviceGray") => {
            let grey = image::GrayImage::from_raw(w, h, data.get(..(w * h) as usize)?.to_vec())?;
            Some(DynamicImage::ImageLuma8(grey).to_rgb8())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A one-page PDF whose content stream is `content` deflated.
    fn pdf_with_stream(content: &[u8]) -> Vec<u8> {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(content).unwrap();
        let data = z.finish().unwrap();
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        let objects: Vec<Vec<u8>> = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec(),
            [
                format!(
                    "<< /Length {} /Filter /FlateDecode >>\nstream\n",
                    data.len()
                )
                .into_bytes(),
                data,
                b"\nendstream".to_vec(),
            ]
            .concat(),
        ];
        for (i, o) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend(format!("{} 0 obj\n", i + 1).into_bytes());
            out.extend(o);
            out.extend(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).into_bytes());
        for off in offsets {
            out.extend(format!("{off:010} 00000 n \n").into_bytes());
        }
        out.extend(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .into_bytes(),
        );
        out
    }

    #[test]
    fn decompression_bombs_are_refused() {
        // 64 MiB of zeros deflate to about 64 KiB.
        let bomb = pdf_with_stream(&vec![b' '; 64 * 1024 * 1024]);
        assert!(bomb.len() < 200_000);
        let err = read_pdf(&bomb).err().expect("refused");
        assert!(
            matches!(err.downcast_ref::<InputError>(), Some(InputError::TooLarge)),
            "{err:#}"
        );
        let fine = pdf_with_stream(b"BT /F1 12 Tf 72 700 Td (hello) Tj ET");
        assert!(read_pdf(&fine).is_ok());
    }

    #[test]
    fn zlib_headers_of_every_window_size_are_recognised() {
        assert!(zlib_header(&[0x78, 0x9C]));
        assert!(zlib_header(&[0x78, 0x01]));
        assert!(zlib_header(&[0x68, 0x05]), "16 KiB window");
        assert!(zlib_header(&[0x08, 0x1D]), "256-byte window");
        assert!(!zlib_header(&[0x78, 0x00]), "bad header check");
        assert!(!zlib_header(&[0x88, 0x98]), "window over 32 KiB");
        assert!(!zlib_header(&[0x79, 0x80]), "not deflate");
        assert!(!zlib_header(&[0x78]));
    }

    #[test]
    fn many_stream_keywords_share_one_endstream_search() {
        // Every keyword is closed by the same (missing) endstream: one search serves them all.
        let flood = [b"%PDF-1.4\n".as_slice(), &b"stream\n".repeat(200_000)].concat();
        assert!(guard_streams_within(&flood, 1 << 20, 1 << 20).is_ok());
    }

    #[test]
    fn every_stream_of_the_file_is_bounded_before_parsing() {
        let pdf = pdf_with_stream(&vec![b' '; 2 * 1024 * 1024]);
        assert!(guard_streams_within(&pdf, 4 * 1024 * 1024, 8 * 1024 * 1024).is_ok());
        let err = guard_streams_within(&pdf, 1024 * 1024, 8 * 1024 * 1024).unwrap_err();
        assert!(matches!(
            err.downcast_ref::<InputError>(),
            Some(InputError::TooLarge)
        ));
        let err = guard_streams_within(
            &[pdf.clone(), pdf].concat(),
            4 * 1024 * 1024,
            3 * 1024 * 1024,
        )
        .unwrap_err();
        assert!(
            matches!(err.downcast_ref::<InputError>(), Some(InputError::TooLarge)),
            "the total is bounded too"
        );
    }

    #[test]
    fn huge_images_are_refused_before_decoding() {
        // A PNG header announcing 50,000 × 50,000 pixels.
        let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend(50_000u32.to_be_bytes());
        ihdr.extend(50_000u32.to_be_bytes());
        ihdr.extend([8, 2, 0, 0, 0]);
        // IHDR, then a (tiny) IDAT and IEND so that a decoder can read the header as it would in a real file.
        for (len, chunk) in [
            (13u32, ihdr),
            (2, [b"IDAT".as_slice(), &[0x78, 0x9C]].concat()),
            (0, b"IEND".to_vec()),
        ] {
            png.extend(len.to_be_bytes());
            png.extend(&chunk);
            png.extend(crc32(&chunk).to_be_bytes());
        }
        assert!(matches!(decode_image(&png), Err(InputError::TooLarge)));
        assert!(matches!(
            decode_image(&[0xFF, 0xD8, 0xFF, b'g', b'a', b'r']),
            Err(InputError::Unreadable(_))
        ));
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for b in data {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}
