-- Owner lists of maintenances stay flat as an owner's history grows (issue 5, docs/BENCHMARKS.md).
-- A record's owner is its vehicle's owner, copied onto the record so that one index serves "my records, newest
-- first" without joining every record to its vehicle; a vehicle never changes owner, so the copy cannot drift.
-- The count of an owner's list, unfiltered or by status, comes from counters kept by triggers, not from counting.

ALTER TABLE maintenances ADD COLUMN owner_id INTEGER REFERENCES users (id) ON DELETE CASCADE;
UPDATE maintenances SET owner_id = (SELECT v.owner_id FROM vehicles v WHERE v.id = maintenances.vehicle_id);

-- Newest first; it also carries the columns of the stats so that they read the index alone, in one sweep.
CREATE INDEX maintenances_owner_date ON maintenances (owner_id, service_date, status, cost_cents, service_type);
-- The status tabs (scheduled, completed) and the upcoming/recent actions, in date order.
CREATE INDEX maintenances_owner_status ON maintenances (owner_id, status, service_date);
-- Ordering by cost.
CREATE INDEX maintenances_owner_cost ON maintenances (owner_id, cost_cents);

-- Every insert takes its owner from the vehicle, whatever the statement said.
CREATE TRIGGER maintenances_set_owner AFTER INSERT ON maintenances
BEGIN
    UPDATE maintenances SET owner_id = (SELECT v.owner_id FROM vehicles v WHERE v.id = NEW.vehicle_id)
    WHERE id = NEW.id AND owner_id IS NOT (SELECT v.owner_id FROM vehicles v WHERE v.id = NEW.vehicle_id);
END;

CREATE TABLE maintenance_counts (
    owner_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    n INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (owner_id, status)
) STRICT, WITHOUT ROWID;
INSERT INTO maintenance_counts (owner_id, status, n)
    SELECT owner_id, status, count(*) FROM maintenances WHERE owner_id IS NOT NULL GROUP BY owner_id, status;

CREATE TRIGGER maintenance_counts_insert AFTER INSERT ON maintenances
BEGIN
    INSERT INTO maintenance_counts (owner_id, status, n)
        VALUES ((SELECT v.owner_id FROM vehicles v WHERE v.id = NEW.vehicle_id), NEW.status, 1)
        ON CONFLICT (owner_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER maintenance_counts_status AFTER UPDATE OF status ON maintenances WHEN OLD.status IS NOT NEW.status
BEGIN
    UPDATE maintenance_counts SET n = n - 1 WHERE owner_id = OLD.owner_id AND status = OLD.status;
    INSERT INTO maintenance_counts (owner_id, status, n) VALUES (NEW.owner_id, NEW.status, 1)
        ON CONFLICT (owner_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER maintenance_counts_delete AFTER DELETE ON maintenances
BEGIN
    UPDATE maintenance_counts SET n = n - 1 WHERE owner_id = OLD.owner_id AND status = OLD.status;
END;
