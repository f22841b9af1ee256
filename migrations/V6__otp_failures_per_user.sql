-- Wrong one-time codes are counted per user, not per code (auth.md §5): a resend or a new login replaces the code
-- but must not give an attacker five fresh guesses. The window opens at the first failure and lasts 15 minutes.
ALTER TABLE users ADD COLUMN otp_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN otp_failures_since TEXT;
