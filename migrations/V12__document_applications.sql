-- What a document's suggestion was applied to (POST /api/documents/{id}/apply-suggestion/): the maintenance it
-- created, or the vehicle whose empty fields it filled. One application per document; deleting the maintenance
-- or the vehicle deletes the application, so the suggestion can be applied again.
CREATE TABLE document_applications (
    document_id INTEGER PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    maintenance_id INTEGER REFERENCES maintenances (id) ON DELETE CASCADE,
    vehicle_id INTEGER REFERENCES vehicles (id) ON DELETE CASCADE,
    fields TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(fields)),
    applied_at TEXT NOT NULL,
    CHECK ((maintenance_id IS NULL) <> (vehicle_id IS NULL))
) STRICT;
CREATE INDEX document_applications_maintenance ON document_applications (maintenance_id);
CREATE INDEX document_applications_vehicle ON document_applications (vehicle_id);
