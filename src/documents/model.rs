//! Document rows and their representation.

use serde_json::{Value, json};

pub const TYPES: &[&str] = &[
    "invoice",
    "insurance",
    "registration",
    "inspection",
    "maintenance",
    "other",
];
pub const STATUSES: &[&str] = &["pending", "processing", "done", "failed"];

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

impl DocumentRow {
    /// `vehicle_info` is the vehicle list representation (or null); `base` the public URL.
    pub fn to_json(&self, vehicle_info: Value, base: &str) -> Value {
        let file = format!("/api/documents/{}/download/", self.id);
        json!({
            "id": self.id, "user": self.user_id, "vehicle": self.vehicle_id, "vehicle_info": vehicle_info,
            "document_type": self.document_type, "title": self.title, "description": self.description,
            "file_url": format!("{base}{file}"), "file": file, "original_filename": self.original_filename,
            "file_size": self.file_size, "mime_type": self.mime_type, "extracted_text": self.extracted_text,
            "analysis_data": self.analysis_data, "analysis_status": self.analysis_status,
            "analysis_error": self.analysis_error, "analyzed_at": self.analyzed_at,
            "is_analyzed": self.analysis_status.as_deref() == Some("done"),
            "created_at": self.created_at, "updated_at": self.updated_at,
        })
    }
}
