//! Diagnostic and reply rows, their representations and the list filters (assistant.md §1, §1.1).

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::error::AppResult;
use crate::http::list::{ListFilter, choice_param, id_param};
pub use crate::maintenances::model::{ByVehicleParams, VehicleSummary};
use crate::vehicles::model::Vehicle;

pub const STATUSES: &[&str] = &["pending", "in_progress", "completed"];
pub const SENDER_TYPES: &[&str] = &["user", "ai", "mechanic"];

/// `status` values (the same as `STATUSES`).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum DiagnosticStatus {
    Pending,
    InProgress,
    Completed,
}

#[derive(Debug, Clone)]
pub struct DiagnosticRow {
    pub id: i64,
    pub user_id: i64,
    pub vehicle_id: i64,
    pub title: String,
    pub description: String,
    pub status: String,
    pub trouble_codes: Vec<String>,
    pub ai_analysis: Option<String>,
    pub confidence_score: Option<f64>,
    pub analysis_data: Value,
    pub analyzed_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub replies_count: i64,
}

#[derive(Debug, Clone)]
pub struct ReplyRow {
    pub id: i64,
    pub diagnostic_id: i64,
    pub sender_id: Option<i64>,
    pub sender_type: String,
    pub message: String,
    pub metadata: Value,
    pub created_at: String,
    pub updated_at: String,
}

/// A reply (assistant.md §1.1).
#[derive(Debug, Serialize, ToSchema)]
pub struct Reply {
    pub id: i64,
    pub diagnostic: i64,
    /// `null` for `ai` replies.
    pub sender: Option<i64>,
    #[schema(pattern = "^(user|ai|mechanic)$")]
    pub sender_type: String,
    pub message: String,
    #[schema(value_type = Object)]
    pub metadata: Value,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<ReplyRow> for Reply {
    fn from(r: ReplyRow) -> Reply {
        Reply {
            id: r.id,
            diagnostic: r.diagnostic_id,
            sender: r.sender_id,
            sender_type: r.sender_type,
            message: r.message,
            metadata: r.metadata,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A diagnostic (assistant.md §1).
#[derive(Debug, Serialize, ToSchema)]
pub struct Diagnostic {
    pub id: i64,
    pub user: i64,
    pub vehicle: i64,
    /// The vehicle's list representation.
    pub vehicle_info: Vehicle,
    pub title: String,
    pub description: String,
    #[schema(value_type = DiagnosticStatus)]
    pub status: String,
    pub trouble_codes: Vec<String>,
    /// The readable summary of the last analysis.
    pub ai_analysis: Option<String>,
    /// A decimal string with 2 decimals (`"0.85"`).
    #[schema(example = "0.85")]
    pub confidence_score: Option<String>,
    /// The structured result of the last analysis (`{}` before the first).
    #[schema(value_type = Object)]
    pub analysis_data: Value,
    #[schema(format = DateTime)]
    pub analyzed_at: Option<String>,
    pub replies_count: i64,
    pub latest_reply: Option<Reply>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// The detail: the diagnostic and all its replies, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiagnosticDetail {
    #[serde(flatten)]
    pub diagnostic: Diagnostic,
    pub all_replies: Vec<Reply>,
}

impl DiagnosticRow {
    pub fn into_dto(self, vehicle: Vehicle, latest: Option<ReplyRow>) -> Diagnostic {
        Diagnostic {
            id: self.id,
            user: self.user_id,
            vehicle: self.vehicle_id,
            vehicle_info: vehicle,
            title: self.title,
            description: self.description,
            status: self.status,
            trouble_codes: self.trouble_codes,
            ai_analysis: self.ai_analysis,
            confidence_score: self.confidence_score.map(|c| format!("{c:.2}")),
            analysis_data: self.analysis_data,
            analyzed_at: self.analyzed_at,
            replies_count: self.replies_count,
            latest_reply: latest.map(Reply::from),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// The answer of `request_ai_analysis`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnalysisDone {
    pub message: String,
    pub diagnostic_id: i64,
    pub diagnostic: DiagnosticDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusCount {
    pub status: String,
    pub count: i64,
}

/// `GET /api/diagnostics/stats/`.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiagnosticStats {
    pub total_diagnostics: i64,
    pub by_status: Vec<StatusCount>,
    /// Mean over analysed diagnostics, 2 decimals, 0 when none.
    pub average_confidence_score: f64,
}

/// One entry of `GET /api/diagnostics/by_vehicle/`.
#[derive(Debug, Serialize, ToSchema)]
pub struct VehicleDiagnostics {
    pub vehicle: VehicleSummary,
    pub diagnostics: Vec<Diagnostic>,
}

/// Filters of `GET /api/diagnostics/`.
#[derive(Debug, Clone, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiagnosticFilter {
    /// A vehicle id.
    pub vehicle: Option<i64>,
    #[param(value_type = Option<DiagnosticStatus>)]
    pub status: Option<String>,
}

impl ListFilter for DiagnosticFilter {
    fn from_query(q: &HashMap<String, String>) -> AppResult<DiagnosticFilter> {
        Ok(DiagnosticFilter {
            vehicle: id_param(q, "vehicle")?,
            status: choice_param(q, "status", STATUSES)?,
        })
    }
}

/// Filters of `GET /api/replies/`.
#[derive(Debug, Clone, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReplyFilter {
    /// A diagnostic id.
    pub diagnostic: Option<i64>,
    #[param(pattern = "^(user|ai|mechanic)$")]
    pub sender_type: Option<String>,
}

impl ListFilter for ReplyFilter {
    fn from_query(q: &HashMap<String, String>) -> AppResult<ReplyFilter> {
        Ok(ReplyFilter {
            diagnostic: id_param(q, "diagnostic")?,
            sender_type: choice_param(q, "sender_type", SENDER_TYPES)?,
        })
    }
}
