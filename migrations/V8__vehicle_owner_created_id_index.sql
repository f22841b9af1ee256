-- The default vehicle list (newest first, README §7's id tie-breaker last) read in index order: vehicles created in
-- the same microsecond (an import, a fleet seeded at once) tied on created_at, and SQLite sorted all the owner's
-- vehicles again on every page. The rowid follows created_at directly here, as in V7.
DROP INDEX vehicles_owner_created;
CREATE INDEX vehicles_owner_created ON vehicles (owner_id, created_at);
