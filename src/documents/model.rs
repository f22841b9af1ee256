//! Document rows, the metadata input (the same rules on upload and update) and the representations.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use crate::error::AppResult;
use crate::http::list::{ListFilter, bool_param, choice_param, id_param};
use crate::http::validate::Input;
use crate::vehicles::model::{Owner, Vehicle, VehicleRow};

pub const TYPES: &[&str] = &[
    "invoice",
    "insurance",
    "registration",
    "inspection",
    "maintenance",
    "other",
];
pub const STATUSES: &[&str] = &["pending", "processing", "done", "failed"];

/// `document_type` values (the same as `TYPES`; a test keeps them equal).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum DocumentType {
    Invoice,
    Insurance,
    Registration,
    Inspection,
    Maintenance,
    Other,
}

/// `analysis_status` values (the same as `STATUSES`).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum AnalysisStatus {
    Pending,
    Processing,
    Done,
    Failed,
}

/// The stored `mime_type`: the type sniffed from the file's first bytes (documents.md §2; a test keeps these equal
/// to `storage::FileKind::mime`).
#[derive(ToSchema)]
pub enum MimeType {
    #[schema(rename = "application/pdf")]
    Pdf,
    #[schema(rename = "image/jpeg")]
    Jpeg,
    #[schema(rename = "image/png")]
    Png,
    #[schema(rename = "image/webp")]
    Webp,
    #[schema(rename = "image/gif")]
    Gif,
    #[schema(rename = "application/msword")]
    Doc,
    #[schema(rename = "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    Docx,
}

#[derive(Debug, Clone)]
pub struct DocumentRow {
    pub id: i64,
    pub user_id: i64,
    pub vehicle_id: Option<i64>,
    pub title: String,
    pub description: Option<String>,
    pub document_type: String,
    pub storage_key: String,
    pub original_filename: String,
    pub file_size: i64,
    pub mime_type: String,
    pub extracted_text: Option<String>,
    pub analysis_data: Value,
    pub analysis_status: Option<String>,
    pub analysis_error: Option<String>,
    pub analysis_attempts: i64,
    pub analysis_run: i64,
    pub analyzed_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// A document as the API shows it (documents.md §5).
#[derive(Debug, Serialize, ToSchema)]
pub struct Document {
    pub id: i64,
    /// The owner's user id (always the caller).
    pub user: i64,
    pub vehicle: Option<i64>,
    /// The vehicle's list representation, `null` without a vehicle.
    pub vehicle_info: Option<Vehicle>,
    #[schema(value_type = DocumentType)]
    pub document_type: String,
    pub title: String,
    pub description: Option<String>,
    /// The download path, `/api/documents/{id}/download/`.
    pub file: String,
    /// The absolute download URL.
    pub file_url: String,
    pub original_filename: String,
    /// Bytes.
    pub file_size: i64,
    #[schema(value_type = MimeType)]
    pub mime_type: String,
    /// The full text (text layer and/or OCR), pages separated by a blank line.
    pub extracted_text: Option<String>,
    /// The analysis result (documents.md §6.4): `document_type`, `document_type_score`, `source`, `pages`,
    /// `confidence` and `fields`, whose members depend on the type; `{}` before the first successful analysis.
    /// Left an open object: the contract's fields vary by document type.
    pub analysis_data: Map<String, Value>,
    /// `null` for Word files (not analysed).
    #[schema(value_type = Option<AnalysisStatus>)]
    pub analysis_status: Option<String>,
    /// The reason of a `failed` analysis, in the owner's language.
    pub analysis_error: Option<String>,
    #[schema(format = DateTime)]
    pub analyzed_at: Option<String>,
    /// `analysis_status == "done"`.
    pub is_analyzed: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl DocumentRow {
    /// `vehicle` is the document's vehicle (the caller's) if any; `base` the public URL.
    pub fn into_dto(self, vehicle: Option<&VehicleRow>, owner: &Owner, base: &str) -> Document {
        let file = format!("/api/documents/{}/download/", self.id);
        let analysis_data = match self.analysis_data {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        Document {
            id: self.id,
            user: self.user_id,
            vehicle: self.vehicle_id,
            vehicle_info: vehicle.map(|v| v.clone().into_dto(owner)),
            document_type: self.document_type,
            title: self.title,
            description: self.description,
            file_url: format!("{base}{file}"),
            file,
            original_filename: self.original_filename,
            file_size: self.file_size,
            mime_type: self.mime_type,
            extracted_text: self.extracted_text,
            analysis_data,
            is_analyzed: self.analysis_status.as_deref() == Some("done"),
            analysis_status: self.analysis_status,
            analysis_error: self.analysis_error,
            analyzed_at: self.analyzed_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// `{id, make, model, year}` of a `by_vehicle` group.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupVehicle {
    pub id: i64,
    pub make: String,
    pub model: String,
    pub year: i64,
}

/// One group of `GET /api/documents/by_vehicle/`: a vehicle (`null` for the documents without one) and its
/// documents, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct VehicleDocuments {
    pub vehicle: Option<GroupVehicle>,
    pub documents: Vec<Document>,
}

/// A count per document type.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentTypeCount {
    #[schema(value_type = DocumentType)]
    pub document_type: String,
    pub count: i64,
}

/// `GET /api/documents/stats/` (documents.md §5).
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentStats {
    pub total_documents: i64,
    pub by_type: Vec<DocumentTypeCount>,
    pub analyzed: i64,
    pub unanalyzed: i64,
    pub total_storage_bytes: i64,
    /// bytes / 1 048 576, 2 decimals.
    pub total_storage_mb: f64,
}

/// The answer of `POST /api/documents/{id}/analyze/`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnalysisQueued {
    pub message: String,
    pub document_id: i64,
    /// Opaque id of the queued run.
    pub task_id: String,
}

/// The answer of `POST /api/documents/batch_analyze/`.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchQueued {
    pub message: String,
    /// How many documents were queued.
    pub document_count: i64,
    /// The ids not queued: Word files, and documents being analysed.
    pub skipped: Vec<i64>,
    /// Opaque id of the batch.
    pub task_id: String,
}

/// The body of `POST /api/documents/batch_analyze/`.
#[derive(ToSchema)]
pub struct BatchAnalyze {
    /// Ids of the caller's documents (any other id refuses the whole batch).
    #[schema(min_items = 1, max_items = 100)]
    pub document_ids: Vec<i64>,
}

/// The list filters of `GET /api/documents/`.
#[derive(Debug, Clone, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentFilter {
    /// Vehicle id.
    pub vehicle: Option<i64>,
    #[param(value_type = Option<DocumentType>)]
    pub document_type: Option<String>,
    /// `analysis_status` is `done`.
    pub is_analyzed: Option<bool>,
    #[param(value_type = Option<AnalysisStatus>)]
    pub analysis_status: Option<String>,
}

impl ListFilter for DocumentFilter {
    fn from_query(q: &HashMap<String, String>) -> AppResult<DocumentFilter> {
        Ok(DocumentFilter {
            vehicle: id_param(q, "vehicle")?,
            document_type: choice_param(q, "document_type", TYPES)?,
            is_analyzed: bool_param(q, "is_analyzed")?,
            analysis_status: choice_param(q, "analysis_status", STATUSES)?,
        })
    }
}

/// The parameter of `GET /api/documents/by_type/`.
#[derive(Debug, Clone, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TypeFilter {
    /// Only this type; all documents without it.
    #[param(value_type = Option<DocumentType>)]
    pub r#type: Option<String>,
}

impl ListFilter for TypeFilter {
    fn from_query(q: &HashMap<String, String>) -> AppResult<TypeFilter> {
        Ok(TypeFilter {
            r#type: choice_param(q, "type", TYPES)?,
        })
    }
}

/// The parameter of `GET /api/documents/by_vehicle/`.
#[derive(Debug, Clone, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VehicleFilter {
    /// Only this vehicle's group (`[]` when it is not one of the caller's vehicles); without it, every vehicle
    /// and the documents without one.
    pub vehicle_id: Option<i64>,
}

impl ListFilter for VehicleFilter {
    fn from_query(q: &HashMap<String, String>) -> AppResult<VehicleFilter> {
        Ok(VehicleFilter {
            vehicle_id: id_param(q, "vehicle_id")?,
        })
    }
}

/// The multipart body of `POST /api/documents/` (text parts are UTF-8; unknown parts are ignored).
#[derive(ToSchema)]
pub struct DocumentUpload {
    /// Exactly one file, at most the configured size (10 MiB by default). Its type is read from its first bytes
    /// (the declared type and the name do not count): PDF, JPEG, PNG, WebP, GIF, DOC or DOCX.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// Default: the uploaded file's name.
    #[schema(nullable = false, max_length = 255)]
    pub title: Option<String>,
    /// Default `other`.
    #[schema(value_type = Option<DocumentType>, nullable = false)]
    pub document_type: Option<String>,
    /// One of the caller's vehicles; empty for none.
    #[schema(nullable = false)]
    pub vehicle: Option<i64>,
    #[schema(nullable = false, max_length = 10000)]
    pub description: Option<String>,
}

/// The multipart body of `PUT`/`PATCH /api/documents/{id}/`: the metadata parts sent, and a new file if any.
#[derive(ToSchema)]
pub struct DocumentForm {
    /// A new file (its analysis starts over); the same rules as on upload.
    #[schema(value_type = Option<String>, format = Binary, nullable = false)]
    pub file: Option<Vec<u8>>,
    /// Blank keeps the current title.
    #[schema(nullable = false, max_length = 255)]
    pub title: Option<String>,
    #[schema(value_type = Option<DocumentType>, nullable = false)]
    pub document_type: Option<String>,
    /// One of the caller's vehicles; empty for none.
    #[schema(nullable = false)]
    pub vehicle: Option<i64>,
    /// Blank clears it.
    #[schema(nullable = false, max_length = 10000)]
    pub description: Option<String>,
}

/// The writable metadata, and the JSON body of `PUT` and `PATCH` (both partial: a field not sent is kept).
#[derive(Debug, Default, Clone, ToSchema)]
pub struct DocumentInput {
    /// A null or blank title keeps the current one.
    #[schema(value_type = Option<String>, max_length = 255)]
    pub title: Option<Option<String>>,
    #[schema(value_type = Option<String>, max_length = 10000)]
    pub description: Option<Option<String>>,
    #[schema(value_type = Option<DocumentType>)]
    pub document_type: Option<String>,
    /// One of the caller's vehicles, or null for none.
    #[schema(value_type = Option<i64>)]
    pub vehicle: Option<Option<i64>>,
}

/// Reads the metadata fields (all optional, on upload and on update).
pub fn parse(body: Map<String, Value>) -> (Input, DocumentInput) {
    let mut input = Input::new(body);
    let d = DocumentInput {
        title: input.opt_text("title", 255),
        description: input.opt_text("description", 10_000),
        document_type: input.opt_choice("document_type", TYPES),
        vehicle: input.int("vehicle", i64::MIN, i64::MAX, false),
    };
    (input, d)
}

/// Applies an input onto a row (a null or blank title keeps the stored one).
pub fn merge(mut d: DocumentRow, input: DocumentInput) -> DocumentRow {
    if let Some(Some(t)) = input.title {
        d.title = t;
    }
    if let Some(x) = input.description {
        d.description = x;
    }
    if let Some(x) = input.document_type {
        d.document_type = x;
    }
    if let Some(x) = input.vehicle {
        d.vehicle_id = x;
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::testing::enum_values;
    use crate::documents::storage::FileKind;

    #[test]
    fn the_documented_enums_are_the_accepted_values() {
        assert_eq!(enum_values::<DocumentType>(), TYPES);
        assert_eq!(enum_values::<AnalysisStatus>(), STATUSES);
        assert_eq!(
            enum_values::<MimeType>(),
            FileKind::ALL.map(FileKind::mime).to_vec()
        );
    }
}
