-- Diagnostics with their replies, and the assistant's conversations and messages (assistant.md §1, §3;
-- data-model.md §5).
CREATE TABLE diagnostics (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    vehicle_id INTEGER NOT NULL REFERENCES vehicles (id) ON DELETE CASCADE,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 255),
    description TEXT NOT NULL CHECK (length(description) BETWEEN 1 AND 10000),
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'in_progress', 'completed')),
    trouble_codes TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(trouble_codes)),
    ai_analysis TEXT,
    confidence_score REAL CHECK (confidence_score IS NULL OR confidence_score BETWEEN 0 AND 1),
    analysis_data TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(analysis_data)),
    analyzed_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX diagnostics_user_created ON diagnostics (user_id, created_at DESC);
CREATE INDEX diagnostics_vehicle ON diagnostics (vehicle_id);
CREATE INDEX diagnostics_status ON diagnostics (status);

CREATE TABLE diagnostic_replies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    diagnostic_id INTEGER NOT NULL REFERENCES diagnostics (id) ON DELETE CASCADE,
    sender_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    sender_type TEXT NOT NULL CHECK (sender_type IN ('user', 'ai', 'mechanic')),
    message TEXT NOT NULL CHECK (length(message) BETWEEN 1 AND 10000),
    metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX diagnostic_replies_diagnostic ON diagnostic_replies (diagnostic_id, created_at);

CREATE TABLE ai_conversations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title TEXT CHECK (title IS NULL OR length(title) <= 255),
    is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX ai_conversations_user_updated ON ai_conversations (user_id, updated_at DESC);

CREATE TABLE ai_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id INTEGER NOT NULL REFERENCES ai_conversations (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    content TEXT NOT NULL CHECK (length(content) <= 20000),
    metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX ai_messages_conversation ON ai_messages (conversation_id, created_at);
