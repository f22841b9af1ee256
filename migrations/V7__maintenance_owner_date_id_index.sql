-- The default maintenance list ("my records, newest service date first", README §7's id tie-breaker last) read in
-- index order: in maintenances_owner_date the columns after service_date break the id order, so SQLite sorted
-- each page's rows again (a temp B-tree per request). Here the rowid follows service_date directly.
CREATE INDEX maintenances_owner_date_id ON maintenances (owner_id, service_date);
