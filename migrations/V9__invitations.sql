-- Invitations to register when AUTOTRACK_SIGNUPS=invite (auth.md §6): single use, for one address, created by an
-- admin. Only the SHA-256 of the code is stored, as for reset tokens.
CREATE TABLE invitations (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL COLLATE NOCASE,
    code_hash TEXT NOT NULL UNIQUE CHECK (length(code_hash) = 64),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    used_by_id INTEGER REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX invitations_email ON invitations (email);
