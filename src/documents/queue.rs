//! The analysis queue: the `analyze` and `batch_analyze` actions that queue a document, and the run of one claimed
//! document by the `analyze_documents` job (its text from a worker process, then the typed fields).

use serde_json::{Map, Value};

use super::model::{AnalysisQueued, BatchQueued, DocumentRow};
use super::repo;
use super::service::owned;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ts;
use crate::error::{AppError, AppResult, Code};
use crate::i18n::Tr;

/// Analyses one claimed document (text extraction in a worker process, bounded by the OCR gate) and stores the
/// outcome; returns whether it succeeded.
pub async fn run_analysis(state: &AppState, claim: super::repo::Claim) -> AppResult<bool> {
    use super::analysis;
    const MAX_ATTEMPTS: i64 = 3;
    let started = std::time::Instant::now();
    let lang = {
        let uid = claim.user_id;
        crate::i18n::Lang::from_setting(
            &state
                .db
                .read(move |c| Ok(crate::user_settings::repo::language(c, uid)?))
                .await?,
        )
    };
    let kind = super::storage::FileKind::from_mime(&claim.mime_type);
    let path = match state.storage.path(&claim.storage_key) {
        Some(p) if tokio::fs::try_exists(&p).await.unwrap_or(false) => Some(p),
        _ => None,
    };
    let outcome: Result<analysis::Text, analysis::Failure> = match (kind, path) {
        (Some(kind), Some(path)) => {
            super::sandbox::extract_text(state, claim.id, &path, kind).await
        }
        (Some(_), None) => {
            tracing::error!(document_id = claim.id, "stored file missing");
            Err(analysis::Failure {
                message: Tr::new(
                    "The stored file is missing.",
                    "Le fichier stocké est introuvable.",
                ),
                retry: false,
            })
        }
        _ => Err(analysis::Failure {
            message: Tr::new(
                "Analysis is only available for images and PDFs.",
                "L'analyse n'est disponible que pour les images et les PDF.",
            ),
            retry: false,
        }),
    };
    let now = ts(state.clock.now());
    match outcome {
        Ok(text) => {
            let result = super::extract::analyse_with(
                &text.text,
                &claim.document_type,
                text.source,
                text.pages,
                text.e_invoice.as_ref(),
            );
            let data = &result.analysis_data;
            // One line per analysed document, with what an operator needs to judge it (no content: it is private).
            tracing::info!(
                document_id = claim.id,
                outcome = "done",
                document_type = %result.document_type,
                source = text.source,
                pages = text.pages,
                fields = data["fields"].as_object().map_or(0, |f| f.len()),
                confidence = data["confidence"].as_f64().unwrap_or(0.0),
                ms = started.elapsed().as_millis() as u64,
                "document analysed"
            );
            let stored = state
                .db
                .write(move |tx| {
                    Ok(super::repo::finish_done(
                        tx,
                        &claim,
                        &result.document_type,
                        &text.text,
                        &result.analysis_data,
                        &now,
                    )?)
                })
                .await?;
            Ok(stored)
        }
        Err(f) => {
            let retry = f.retry && claim.attempts < MAX_ATTEMPTS;
            let message = f.message.get(lang).to_owned();
            tracing::info!(
                document_id = claim.id,
                outcome = if retry { "retry" } else { "failed" },
                attempt = claim.attempts,
                reason = f.message.get(crate::i18n::Lang::En),
                ms = started.elapsed().as_millis() as u64,
                "document analysed"
            );
            state
                .db
                .write(move |tx| {
                    Ok(super::repo::finish_failed(
                        tx, &claim, &message, retry, &now,
                    )?)
                })
                .await?;
            Ok(false)
        }
    }
}

fn not_supported() -> AppError {
    AppError::new(Code::AnalysisNotSupported).with_detail(Tr::new(
        "Analysis is only available for images and PDFs.",
        "L'analyse n'est disponible que pour les images et les PDF.",
    ))
}

fn analysable(d: &DocumentRow) -> bool {
    super::storage::FileKind::from_mime(&d.mime_type).is_some_and(|k| k.analysable())
}

pub async fn analyze(state: &AppState, user: &AuthUser, id: i64) -> AppResult<AnalysisQueued> {
    let (uid, now) = (user.id, ts(state.clock.now()));
    let run = state
        .db
        .write(move |tx| {
            let d = owned(tx, uid, id)?;
            if !analysable(&d) {
                return Err(not_supported());
            }
            if d.analysis_status.as_deref() == Some("processing") {
                return Err(AppError::new(Code::AnalysisInProgress));
            }
            Ok(repo::queue(tx, id, &now)?)
        })
        .await?;
    state.kick_analysis();
    Ok(AnalysisQueued {
        message: Tr::new(
            "Document analysis started. Results will be available shortly.",
            "Analyse du document lancée. Les résultats seront bientôt disponibles.",
        )
        .get(user.lang)
        .to_owned(),
        document_id: id,
        task_id: format!("analysis-{id}-{run}"),
    })
}

pub async fn batch_analyze(
    state: &AppState,
    user: &AuthUser,
    body: Map<String, Value>,
) -> AppResult<BatchQueued> {
    let field = |en: &str, fr: &str| AppError::field("document_ids", Tr::new(en, fr));
    let ids: Vec<i64> = match body.get("document_ids") {
        Some(Value::Array(items)) if items.is_empty() => {
            return Err(field(
                "No document IDs provided.",
                "Aucun identifiant de document fourni.",
            ));
        }
        Some(Value::Array(items)) if items.len() > 100 => {
            return Err(field(
                "Ensure this field has no more than 100 elements.",
                "Assurez-vous que ce champ ne contient pas plus de 100 éléments.",
            ));
        }
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_i64())
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                field(
                    "A valid integer is required.",
                    "Un nombre entier valide est requis.",
                )
            })?,
        None | Some(Value::Null) => {
            return Err(field(
                "No document IDs provided.",
                "Aucun identifiant de document fourni.",
            ));
        }
        Some(_) => {
            return Err(field(
                "Expected a list of items.",
                "Une liste d'éléments est attendue.",
            ));
        }
    };
    let (uid, now) = (user.id, ts(state.clock.now()));
    let (queued, skipped) = state
        .db
        .write(move |tx| {
            let mut docs = Vec::new();
            for id in &ids {
                match repo::find_for_owner(tx, uid, *id)? {
                    Some(d) => docs.push(d),
                    None => {
                        return Err(AppError::field(
                            "document_ids",
                            Tr::new(
                                "Some documents not found or not accessible.",
                                "Certains documents sont introuvables ou inaccessibles.",
                            ),
                        ));
                    }
                }
            }
            let (mut queued, mut skipped) = (0, Vec::new());
            for d in docs {
                if !analysable(&d) || d.analysis_status.as_deref() == Some("processing") {
                    skipped.push(d.id);
                } else {
                    repo::queue(tx, d.id, &now)?;
                    queued += 1;
                }
            }
            Ok((queued, skipped))
        })
        .await?;
    state.kick_analysis();
    Ok(BatchQueued {
        message: Tr::new(
            format!("Batch analysis started for {queued} documents."),
            format!("Analyse lancée pour {queued} documents."),
        )
        .get(user.lang)
        .to_owned(),
        document_count: queued,
        skipped,
        task_id: format!("batch-{}", &crate::auth::secrets::new_jti()[..12]),
    })
}
