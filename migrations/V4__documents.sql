-- Private document uploads and their analysis state (data-model.md §5, documents.md).

CREATE TABLE documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    vehicle_id INTEGER REFERENCES vehicles (id) ON DELETE CASCADE,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 255),
    description TEXT CHECK (description IS NULL OR length(description) <= 10000),
    document_type TEXT NOT NULL DEFAULT 'other' CHECK (document_type IN
        ('invoice', 'insurance', 'registration', 'inspection', 'maintenance', 'other')),
    storage_key TEXT NOT NULL UNIQUE,
    original_filename TEXT NOT NULL CHECK (length(CAST(original_filename AS BLOB)) BETWEEN 1 AND 255),
    file_size INTEGER NOT NULL CHECK (file_size >= 1),
    mime_type TEXT NOT NULL,
    extracted_text TEXT,
    analysis_data TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(analysis_data)),
    analysis_status TEXT CHECK (analysis_status IS NULL OR analysis_status IN ('pending', 'processing', 'done', 'failed')),
    analysis_error TEXT,
    analysis_attempts INTEGER NOT NULL DEFAULT 0,
    analysis_run INTEGER NOT NULL DEFAULT 0,
    analysis_started_at TEXT,
    analyzed_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX documents_user_created ON documents (user_id, created_at DESC);
CREATE INDEX documents_vehicle ON documents (vehicle_id);
CREATE INDEX documents_user_type ON documents (user_id, document_type);
CREATE INDEX documents_queue ON documents (analysis_status, updated_at) WHERE analysis_status IN ('pending', 'processing');
