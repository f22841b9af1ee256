//! The analysis of one document: text from the PDF text layer or OCR, then type detection and typed fields
//! (`extract.rs`). Pure of the database: the `analyze_documents` job and `autotrack ocr` both call it.

use crate::i18n::Tr;
use crate::ocr::Ocr;
use crate::ocr::image_input::{self, InputError, PdfPage};

use super::einvoice::EInvoice;
use super::storage::FileKind;

/// Text extracted from a file.
#[derive(Debug, Clone)]
pub struct Text {
    /// Pages separated by a blank line.
    pub text: String,
    /// `text_layer`, `ocr` or `mixed`.
    pub source: &'static str,
    pub pages: usize,
    /// The structured invoice a PDF carries (Factur-X, ZUGFeRD, UBL), when it has one.
    pub e_invoice: Option<EInvoice>,
}

/// Why an analysis failed; `retry` for errors that may pass on a new attempt.
#[derive(Debug)]
pub struct Failure {
    pub message: Tr,
    pub retry: bool,
}

fn no_ocr() -> Failure {
    Failure {
        message: Tr::new(
            "Text recognition is not available on this server.",
            "La reconnaissance de texte n'est pas disponible sur ce serveur.",
        ),
        retry: false,
    }
}

fn from_input(e: InputError) -> Failure {
    match e {
        InputError::TooLarge => Failure {
            message: Tr::new(
                "Image too large to analyse.",
                "Image trop grande pour être analysée.",
            ),
            retry: false,
        },
        InputError::Unreadable(_) => Failure {
            message: Tr::new(
                "The file could not be read (damaged or unsupported).",
                "Le fichier n'a pas pu être lu (endommagé ou non pris en charge).",
            ),
            retry: false,
        },
    }
}

/// The analysis ran out of its time budget.
pub fn too_long() -> Failure {
    Failure {
        message: Tr::new(
            "The analysis took too long.",
            "L'analyse a pris trop de temps.",
        ),
        retry: false,
    }
}

/// Extracts the text of a file (blocking). `ocr` gives the engine when a page needs it (loaded on first use, so a
/// PDF with text layers never loads the models); the work stops with `too_long` once `deadline` has passed,
/// checked before each recognition.
pub fn extract_text<'a>(
    ocr: impl Fn() -> Option<&'a Ocr>,
    bytes: &[u8],
    kind: FileKind,
    deadline: std::time::Instant,
) -> Result<Text, Failure> {
    let in_time = || {
        if std::time::Instant::now() > deadline {
            Err(too_long())
        } else {
            Ok(())
        }
    };
    match kind {
        FileKind::Pdf => {
            let content =
                image_input::read_pdf(bytes).map_err(|e| match e.downcast::<InputError>() {
                    Ok(InputError::TooLarge) => Failure {
                        message: Tr::new(
                            "The PDF is too large to analyse once decompressed.",
                            "Le PDF est trop volumineux pour être analysé une fois décompressé.",
                        ),
                        retry: false,
                    },
                    Ok(input) => from_input(input),
                    Err(_) => from_input(InputError::Unreadable("pdf".into())),
                })?;
            let pages = &content.pages;
            let e_invoice = content
                .xml_files
                .iter()
                .find_map(|(name, xml)| super::einvoice::parse(name, xml));
            let (mut layer, mut scanned) = (0, 0);
            let mut texts = Vec::with_capacity(pages.len());
            for page in pages {
                match page {
                    PdfPage::Text(t) => {
                        layer += 1;
                        texts.push(t.trim().to_owned());
                    }
                    PdfPage::Scanned(images) => {
                        scanned += 1;
                        let ocr = ocr().ok_or_else(no_ocr)?;
                        let mut page_text = Vec::new();
                        for img in images {
                            in_time()?;
                            page_text.push(ocr.read_text(img).map_err(|e| Failure {
                                message: internal(&e),
                                retry: true,
                            })?);
                        }
                        texts.push(page_text.join("\n"));
                    }
                }
            }
            let source = match (layer, scanned) {
                (_, 0) => "text_layer",
                (0, _) => "ocr",
                _ => "mixed",
            };
            Ok(Text {
                text: texts.join("\n\n"),
                source,
                pages: pages.len(),
                e_invoice,
            })
        }
        FileKind::Jpeg | FileKind::Png | FileKind::Webp | FileKind::Gif => {
            let ocr = ocr().ok_or_else(no_ocr)?;
            let img = image_input::decode_image(bytes).map_err(from_input)?;
            in_time()?;
            let text = ocr.read_text(&img).map_err(|e| Failure {
                message: internal(&e),
                retry: true,
            })?;
            Ok(Text {
                text,
                source: "ocr",
                pages: 1,
                e_invoice: None,
            })
        }
        FileKind::Doc | FileKind::Docx => Err(Failure {
            message: Tr::new(
                "Analysis is only available for images and PDFs.",
                "L'analyse n'est disponible que pour les images et les PDF.",
            ),
            retry: false,
        }),
    }
}

fn internal(e: &anyhow::Error) -> Tr {
    tracing::warn!(error = format!("{e:#}"), "text recognition failed");
    Tr::new(
        "Text recognition failed.",
        "La reconnaissance de texte a échoué.",
    )
}
