//! `autotrack ocr`: one file analysed in this process and printed.

use std::process::ExitCode;

use anyhow::Context;

/// `autotrack ocr FILE [--json]`: the same analysis as uploaded documents get, printed.
pub fn ocr_command(
    file: &std::path::Path,
    json: bool,
    from_text: bool,
    models_dir: Option<&std::path::Path>,
) -> anyhow::Result<ExitCode> {
    use crate::documents::storage::{FileKind, sniff};
    let bytes = std::fs::read(file).with_context(|| format!("while reading {}", file.display()))?;
    if from_text {
        let text = String::from_utf8_lossy(&bytes);
        let result = crate::documents::extract::analyse(&text, "other", "ocr", 1);
        println!(
            "{}",
            serde_json::json!({"document_type": result.document_type, "analysis_data": result.analysis_data})
        );
        return Ok(ExitCode::SUCCESS);
    }
    let kind = sniff(&bytes[..bytes.len().min(16)], || bytes.clone())
        .context("not a PDF, JPEG, PNG, WebP or GIF file")?;
    let started = std::time::Instant::now();
    // A PDF with a text layer needs no models: they are loaded at the first scanned page.
    let engine = std::cell::OnceCell::new();
    if !matches!(kind, FileKind::Pdf) {
        let _ = engine.set(Some(crate::ocr::Ocr::load(models_dir)?));
    }
    let loaded = started.elapsed();
    // An operator's own file, read in this process without the worker's limits or deadline.
    let no_deadline = std::time::Instant::now() + std::time::Duration::from_secs(86_400);
    let text = crate::documents::analysis::extract_text(
        || {
            engine
                .get_or_init(|| crate::ocr::Ocr::load(models_dir).ok())
                .as_ref()
        },
        &bytes,
        kind,
        no_deadline,
    )
    .map_err(|f| anyhow::anyhow!("{}", f.message.en))?;
    let elapsed = started.elapsed() - loaded;
    let result = crate::documents::extract::analyse_with(
        &text.text,
        "other",
        text.source,
        text.pages,
        text.e_invoice.as_ref(),
    );
    if json {
        let out = serde_json::json!({"text": text.text, "source": text.source, "pages": text.pages, "document_type": result.document_type,
            "analysis_data": result.analysis_data, "seconds": elapsed.as_secs_f64()});
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!("{}\n", text.text);
        println!(
            "source: {} ({} page(s), {:.2} s, models loaded in {:.2} s)",
            text.source,
            text.pages,
            elapsed.as_secs_f64(),
            loaded.as_secs_f64()
        );
        println!(
            "type: {} (score {})",
            result.document_type, result.analysis_data["document_type_score"]
        );
        if let Some(fields) = result.analysis_data["fields"].as_object() {
            for (name, f) in fields {
                println!("  {name}: {} (confidence {})", f["value"], f["confidence"]);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
