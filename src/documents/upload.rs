//! Reading a multipart upload: text parts, and one file part streamed to a temporary file with the size limit
//! enforced while streaming and the type decided by magic bytes.

use std::collections::HashMap;
use std::path::PathBuf;

use axum::extract::Multipart;
use axum::http::StatusCode;
use serde_json::{Map, Value};
use tokio::io::AsyncWriteExt;

use super::storage::{FileKind, Storage, sanitize_filename};
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;

/// A file written to a temporary path, not yet committed.
pub struct Received {
    pub temp: PathBuf,
    pub file: tokio::fs::File,
    pub size: i64,
    pub kind: FileKind,
    pub name: String,
}

pub struct Upload {
    pub fields: HashMap<String, String>,
    pub file: Option<Received>,
}

fn file_error(message: Tr) -> AppError {
    AppError::field("file", message)
}

pub fn too_large(max: u64) -> AppError {
    let mb = max as f64 / 1_048_576.0;
    let mb = if mb.fract() == 0.0 {
        format!("{}", mb as u64)
    } else {
        format!("{mb:.1}")
    };
    let mut e = AppError::payload_too_large(max);
    let mut errors = crate::error::FieldErrors::new();
    errors.insert(
        "file".into(),
        vec![Tr::new(
            format!("File size must not exceed {mb} MB."),
            format!("La taille du fichier ne doit pas dépasser {mb} Mo."),
        )],
    );
    e.errors = Some(errors);
    e
}

fn malformed() -> AppError {
    AppError::field(
        "non_field_errors",
        Tr::new(
            "The multipart body is malformed.",
            "Le corps multipart est invalide.",
        ),
    )
}

/// Reads every part; a second file part is refused. On any error the temporary file is removed.
pub async fn read(mut multipart: Multipart, storage: &Storage, max: u64) -> AppResult<Upload> {
    let mut fields = HashMap::new();
    let mut file: Option<Received> = None;
    let result = async {
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large(max)),
                Err(_) => return Err(malformed()),
            };
            let name = field.name().unwrap_or("").to_owned();
            if name == "file" {
                if file.is_some() {
                    return Err(file_error(Tr::new("Only one file may be uploaded.", "Un seul fichier peut être envoyé.")));
                }
                let client_name = sanitize_filename(field.file_name().unwrap_or(""));
                let (temp, mut out) = storage.temp_file().await.map_err(AppError::internal)?;
                // Registered at once so that an error below removes the temporary file.
                let mut size: u64 = 0;
                let mut head: Vec<u8> = Vec::with_capacity(16);
                let mut field = field;
                let mut failure = None;
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            size += chunk.len() as u64;
                            if size > max {
                                failure = Some(too_large(max));
                                break;
                            }
                            if head.len() < 16 {
                                head.extend_from_slice(&chunk[..chunk.len().min(16 - head.len())]);
                            }
                            if let Err(e) = out.write_all(&chunk).await {
                                failure = Some(AppError::internal(e));
                                break;
                            }
                        }
                        Ok(None) => break,
                        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                            failure = Some(too_large(max));
                            break;
                        }
                        Err(_) => {
                            failure = Some(malformed());
                            break;
                        }
                    }
                }
                if let Some(e) = failure {
                    drop(out);
                    let _ = tokio::fs::remove_file(&temp).await;
                    return Err(e);
                }
                if size == 0 {
                    drop(out);
                    let _ = tokio::fs::remove_file(&temp).await;
                    return Err(file_error(Tr::new("The submitted file is empty.", "Le fichier envoyé est vide.")));
                }
                out.flush().await.map_err(AppError::internal)?;
                let path = temp.clone();
                let kind = super::storage::sniff(&head, || std::fs::read(&path).unwrap_or_default());
                let Some(kind) = kind else {
                    drop(out);
                    let _ = tokio::fs::remove_file(&temp).await;
                    return Err(file_error(Tr::new(
                        "File type not allowed. Allowed types: PDF, JPEG, PNG, WebP, GIF, DOC, DOCX.",
                        "Type de fichier non autorisé. Types acceptés : PDF, JPEG, PNG, WebP, GIF, DOC, DOCX.",
                    )));
                };
                file = Some(Received { temp, file: out, size: size as i64, kind, name: client_name });
            } else if !name.is_empty() {
                let text = field.text().await.map_err(|_| malformed())?;
                if text.len() > 64 * 1024 {
                    return Err(AppError::field(&name, crate::i18n::msg::max_length(64 * 1024)));
                }
                fields.insert(name, text);
            }
        }
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Ok(Upload { fields, file }),
        Err(e) => {
            if let Some(f) = file.take() {
                drop(f.file);
                let _ = tokio::fs::remove_file(&f.temp).await;
            }
            Err(e)
        }
    }
}

impl Upload {
    /// The text parts as a JSON object for the validator (an empty `vehicle` means none), and the file.
    pub fn into_parts(self) -> (Map<String, Value>, Option<Received>) {
        let body = self
            .fields
            .into_iter()
            .map(|(k, v)| {
                let value = if k == "vehicle" && v.trim().is_empty() {
                    Value::Null
                } else {
                    Value::String(v)
                };
                (k, value)
            })
            .collect();
        (body, self.file)
    }

    /// Removes the temporary file of an upload that is not going to be kept.
    pub async fn discard(self) {
        if let Some(f) = self.file {
            drop(f.file);
            let _ = tokio::fs::remove_file(&f.temp).await;
        }
    }
}
