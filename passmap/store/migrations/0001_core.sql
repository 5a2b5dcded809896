-- 0001: the full data model of DESIGN.md. Geometry is WGS84 lon/lat (OGC:CRS84).
-- Ids are stable strings chosen by the importer or generator, never row positions.

CREATE TABLE district (
    id          VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    state       VARCHAR,
    geom        GEOMETRY('OGC:CRS84'),
    props       JSON
);

CREATE TABLE campus (
    id            VARCHAR PRIMARY KEY,
    district_id   VARCHAR NOT NULL REFERENCES district(id),
    name          VARCHAR NOT NULL,
    school_type   VARCHAR,            -- elementary, middle, high, other
    address       VARCHAR,
    students      INTEGER,
    geom          GEOMETRY('OGC:CRS84'),   -- campus boundary (parcel)
    props         JSON
);

CREATE TABLE building (
    id          VARCHAR PRIMARY KEY,
    campus_id   VARCHAR NOT NULL REFERENCES campus(id),
    name        VARCHAR NOT NULL,
    geom        GEOMETRY('OGC:CRS84'),     -- footprint
    props       JSON
);

CREATE TABLE level (
    id            VARCHAR PRIMARY KEY,
    building_id   VARCHAR NOT NULL REFERENCES building(id),
    ordinal       INTEGER NOT NULL,        -- 0 = ground floor
    name          VARCHAR NOT NULL,
    geom          GEOMETRY('OGC:CRS84'),   -- outline of the floor (optional)
    props         JSON
);

-- A zone is a room or area. Site zones (parking, drive, field...) have no building or level.
CREATE TABLE zone (
    id            VARCHAR PRIMARY KEY,
    campus_id     VARCHAR NOT NULL REFERENCES campus(id),
    building_id   VARCHAR REFERENCES building(id),
    level_id      VARCHAR REFERENCES level(id),
    kind          VARCHAR NOT NULL,
    name          VARCHAR,
    room_number   VARCHAR,
    geom          GEOMETRY('OGC:CRS84') NOT NULL,
    props         JSON,
    version       INTEGER NOT NULL DEFAULT 1
);

-- A door or other opening, drawn as a short line (or point) on a zone edge.
CREATE TABLE opening (
    id                  VARCHAR PRIMARY KEY,
    campus_id           VARCHAR NOT NULL REFERENCES campus(id),
    building_id         VARCHAR REFERENCES building(id),
    level_id            VARCHAR REFERENCES level(id),
    zone_id             VARCHAR,            -- the room the door serves (inside)
    to_zone_id          VARCHAR,            -- the other side (NULL = outside)
    door_class          VARCHAR NOT NULL,   -- exterior-primary|exterior-secondary|exterior-tertiary|interior|classroom
    number              VARCHAR,            -- first-responder door number
    lock_function       VARCHAR,            -- e.g. classroom-security, storeroom, passage, electrified
    lock_inside_operable BOOLEAN,           -- lockable from inside without opening the door
    monitored           BOOLEAN,            -- door position reported to the access/alarm system
    glazing_protection  VARCHAR,            -- none|film|ballistic|no-glazing
    geom                GEOMETRY('OGC:CRS84') NOT NULL,
    props               JSON,
    version             INTEGER NOT NULL DEFAULT 1
);

-- A placed device or feature. Typed attributes live in columns when the engine or map needs
-- them (camera view, external id, dates) and in attrs JSON otherwise.
CREATE TABLE control (
    id              VARCHAR PRIMARY KEY,
    campus_id       VARCHAR NOT NULL REFERENCES campus(id),
    building_id     VARCHAR REFERENCES building(id),
    level_id        VARCHAR REFERENCES level(id),
    zone_id         VARCHAR,
    opening_id      VARCHAR,                -- the door a reader/contact/intercom serves
    type            VARCHAR NOT NULL,
    name            VARCHAR,
    geom            GEOMETRY('OGC:CRS84') NOT NULL,
    bearing_deg     DOUBLE,
    fov_deg         DOUBLE,
    range_m         DOUBLE,
    external_id     VARCHAR UNIQUE,         -- device id in gateway feeds
    installed_on    DATE,
    last_tested_on  DATE,
    procedure_doc   VARCHAR,                -- path or URL of the written procedure
    attrs           JSON,
    version         INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE practice (
    id              VARCHAR PRIMARY KEY,
    edition         VARCHAR NOT NULL,       -- e.g. v7, v6
    layer           VARCHAR NOT NULL,
    component       VARCHAR NOT NULL,
    tier            VARCHAR NOT NULL,       -- '1'..'4' or 'baseline'
    title           VARCHAR NOT NULL,
    text            VARCHAR,
    scope           JSON NOT NULL,          -- {"level": "zone|building|campus|district", "zone_kinds": [...]}
    check_kind      VARCHAR NOT NULL,       -- a registered rule kind, or 'attested'
    check_params    JSON,
    criticality     INTEGER,
    feasibility     INTEGER,
    unit_cost_usd   DOUBLE,
    tier_verified   BOOLEAN NOT NULL DEFAULT false,
    source          VARCHAR NOT NULL DEFAULT 'starter'   -- starter | district
);

CREATE TABLE assessment (
    id            VARCHAR PRIMARY KEY,
    edition       VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL DEFAULT 'design',     -- design | effective
    created_utc   TIMESTAMP NOT NULL,
    label         VARCHAR,
    summary       JSON
);

CREATE TABLE finding (
    assessment_id   VARCHAR NOT NULL REFERENCES assessment(id),
    practice_id     VARCHAR NOT NULL,
    scope_type      VARCHAR NOT NULL,       -- zone | building | campus | district
    scope_id        VARCHAR NOT NULL,
    status          VARCHAR NOT NULL,       -- in_place | in_progress | needed | not_necessary
    source          VARCHAR NOT NULL,       -- rule | person
    evidence        JSON,                   -- {"satisfied_by": [...ids], "blocked_by": [...ids], "document":..}
    explanation     VARCHAR,
    PRIMARY KEY (assessment_id, practice_id, scope_id)
);

-- Statuses set by a person (the checklist), per practice and scope; rule kind 'attested' reads these.
CREATE TABLE attestation (
    practice_id     VARCHAR NOT NULL,
    scope_id        VARCHAR NOT NULL,
    status          VARCHAR NOT NULL,
    evidence_doc    VARCHAR,
    assessed_by     VARCHAR,
    assessed_at     DATE,
    note            VARCHAR,
    PRIMARY KEY (practice_id, scope_id)
);

CREATE TABLE status_event (
    event_id        VARCHAR PRIMARY KEY,    -- stable hash of (source, device, aspect, state, time): duplicates are idempotent
    device_id       VARCHAR NOT NULL,       -- external id as the gateway names it
    aspect          VARCHAR NOT NULL,       -- lock | position | door_alarm | health | camera | panic | posture | event
    state           VARCHAR NOT NULL,
    observed_utc    TIMESTAMP NOT NULL,
    received_utc    TIMESTAMP NOT NULL,
    source          VARCHAR,
    attrs           JSON
);

CREATE TABLE device_status (
    device_id       VARCHAR NOT NULL,
    aspect          VARCHAR NOT NULL,
    state           VARCHAR NOT NULL,
    observed_utc    TIMESTAMP NOT NULL,
    received_utc    TIMESTAMP NOT NULL,
    source          VARCHAR,
    attrs           JSON,
    PRIMARY KEY (device_id, aspect)
);

CREATE TABLE dead_letter (
    id              VARCHAR PRIMARY KEY,
    received_utc    TIMESTAMP NOT NULL,
    source          VARCHAR,
    topic           VARCHAR,
    payload         VARCHAR,
    reason          VARCHAR NOT NULL
);

CREATE TABLE audit_log (
    id              VARCHAR PRIMARY KEY,
    at_utc          TIMESTAMP NOT NULL,
    actor           VARCHAR NOT NULL,
    action          VARCHAR NOT NULL,       -- create | update | delete | import | undo | login | share ...
    entity_type     VARCHAR,
    entity_id       VARCHAR,
    before          JSON,
    after           JSON
);

CREATE TABLE app_user (
    username        VARCHAR PRIMARY KEY,
    display_name    VARCHAR,
    role            VARCHAR NOT NULL,       -- admin | editor | viewer | partner | board
    password_hash   VARCHAR NOT NULL,
    campus_scope    JSON,                   -- NULL = all campuses
    disabled        BOOLEAN NOT NULL DEFAULT false,
    created_utc     TIMESTAMP NOT NULL,
    failed_count    INTEGER NOT NULL DEFAULT 0,
    locked_until    TIMESTAMP
);

CREATE TABLE share_link (
    id              VARCHAR PRIMARY KEY,
    token_hash      VARCHAR NOT NULL UNIQUE,
    agency          VARCHAR NOT NULL,
    campuses        JSON NOT NULL,
    layers          JSON NOT NULL,
    created_by      VARCHAR,
    created_utc     TIMESTAMP NOT NULL,
    expires_utc     TIMESTAMP NOT NULL,
    revoked_utc     TIMESTAMP
);

CREATE TABLE share_access (
    id              VARCHAR PRIMARY KEY,
    link_id         VARCHAR NOT NULL,
    at_utc          TIMESTAMP NOT NULL,
    campus_id       VARCHAR,
    view            VARCHAR,
    client          VARCHAR
);

CREATE TABLE setting (
    key             VARCHAR PRIMARY KEY,
    value           JSON
);
