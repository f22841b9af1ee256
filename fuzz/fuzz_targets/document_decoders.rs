//! Stored document bytes, as the upload check and the analysis job read them: the magic-byte type check
//! (`documents::storage::sniff`), the image decoder and the PDF reader (`ocr::image_input::decode_image`,
//! `read_pdf`), and the field extractor on a PDF's text layer (`documents::extract::analyse`). Both decoders see
//! every input whatever its magic bytes: a damaged file can carry any.
//!
//! Checked on every input: no panic, no abort, memory within libFuzzer's RSS limit; a decoded image is within
//! the pixel limit; a read PDF has 1..=50 pages.

#![no_main]

use autotrack::documents::extract;
use autotrack::documents::storage::{FileKind, sniff};
use autotrack::ocr::image_input::{self, InputError, MAX_PIXELS, MAX_TEXT_PAGES, PdfPage};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let kind = sniff(&data[..data.len().min(16)], || data.to_vec());
    if let Some(kind) = kind {
        assert_eq!(FileKind::from_mime(kind.mime()), Some(kind));
    }
    match image_input::decode_image(data) {
        Ok(img) => {
            let pixels = u64::from(img.width()) * u64::from(img.height());
            assert!(pixels <= MAX_PIXELS, "{pixels} pixels decoded");
        }
        Err(InputError::TooLarge | InputError::Unreadable(_)) => {}
    }
    if let Ok(pages) = image_input::read_pdf(data) {
        assert!(
            (1..=MAX_TEXT_PAGES).contains(&pages.len()),
            "{} pages",
            pages.len()
        );
        let text: Vec<&str> = pages
            .iter()
            .filter_map(|p| match p {
                PdfPage::Text(t) => Some(t.as_str()),
                PdfPage::Scanned(_) => None,
            })
            .collect();
        let e = extract::analyse(&text.join("\n\n"), "other", "text_layer", pages.len());
        assert!(e.analysis_data["fields"].is_object());
    }
});
