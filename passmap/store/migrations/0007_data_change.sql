-- 0007: the data version. Every write that can change what a page shows appends one row in the
-- same transaction (kind, the campuses it touched, the checklist scopes it touched, or "global"
-- when it reaches everything: the catalog, a district or campus row). Readers keep the version
-- they show and ask for the changes since (passmap.store.versions). Old rows are pruned.
CREATE TABLE data_change (
    version      BIGINT PRIMARY KEY,
    at_utc       TIMESTAMP NOT NULL,
    kind         VARCHAR NOT NULL,       -- site | catalog | checklist | procedure | status
    campus_ids   VARCHAR[],
    scope_ids    VARCHAR[],
    is_global    BOOLEAN NOT NULL DEFAULT false
);

-- A written procedure that serves every device of a type on a campus or in the whole district
-- (scope_id = campus or district id); a device's own procedure_doc serves that device alone.
CREATE TABLE type_procedure (
    scope_id      VARCHAR NOT NULL,
    control_type  VARCHAR NOT NULL,
    document      VARCHAR NOT NULL,
    updated_by    VARCHAR,
    updated_utc   TIMESTAMP,
    PRIMARY KEY (scope_id, control_type)
);

-- Where a practice's tier comes from: the public source cited (tier_verified is true only with
-- one), or the district checklist file that set it; and the catalog's notes on the practice.
ALTER TABLE practice ADD COLUMN tier_source VARCHAR;
ALTER TABLE practice ADD COLUMN notes VARCHAR;
