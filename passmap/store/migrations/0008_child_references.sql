-- 0008: rooms, doors, controls and walls refer to their campus, building and level without
-- DuckDB FOREIGN KEY constraints; the store checks those references itself, in the writing
-- transaction, before it commits (passmap/store/references.py). DuckDB checked each row
-- against the parent's index and kept an index of its own per reference: ~35 ms of CPU for an
-- import of 10,000 rooms whose reading takes ~30 ms (issue 14). Campus, building and level
-- keep theirs (a handful of rows). DuckDB cannot drop a constraint, so each table is rebuilt
-- with the same columns, keys and defaults, and its rows copied.
CREATE TABLE zone_0008 (
    id            VARCHAR PRIMARY KEY,
    campus_id     VARCHAR NOT NULL,
    building_id   VARCHAR,
    level_id      VARCHAR,
    kind          VARCHAR NOT NULL,
    name          VARCHAR,
    room_number   VARCHAR,
    geom          GEOMETRY('OGC:CRS84') NOT NULL,
    props         JSON,
    version       INTEGER NOT NULL DEFAULT 1
);
INSERT INTO zone_0008 SELECT * FROM zone;
DROP TABLE zone;
ALTER TABLE zone_0008 RENAME TO zone;

CREATE TABLE opening_0008 (
    id                  VARCHAR PRIMARY KEY,
    campus_id           VARCHAR NOT NULL,
    building_id         VARCHAR,
    level_id            VARCHAR,
    zone_id             VARCHAR,
    to_zone_id          VARCHAR,
    door_class          VARCHAR NOT NULL,
    number              VARCHAR,
    lock_function       VARCHAR,
    lock_inside_operable BOOLEAN,
    monitored           BOOLEAN,
    glazing_protection  VARCHAR,
    geom                GEOMETRY('OGC:CRS84') NOT NULL,
    props               JSON,
    version             INTEGER NOT NULL DEFAULT 1
);
INSERT INTO opening_0008 SELECT * FROM opening;
DROP TABLE opening;
ALTER TABLE opening_0008 RENAME TO opening;

CREATE TABLE control_0008 (
    id              VARCHAR PRIMARY KEY,
    campus_id       VARCHAR NOT NULL,
    building_id     VARCHAR,
    level_id        VARCHAR,
    zone_id         VARCHAR,
    opening_id      VARCHAR,
    type            VARCHAR NOT NULL,
    name            VARCHAR,
    geom            GEOMETRY('OGC:CRS84') NOT NULL,
    bearing_deg     DOUBLE,
    fov_deg         DOUBLE,
    range_m         DOUBLE,
    external_id     VARCHAR UNIQUE,
    installed_on    DATE,
    last_tested_on  DATE,
    procedure_doc   VARCHAR,
    attrs           JSON,
    version         INTEGER NOT NULL DEFAULT 1
);
INSERT INTO control_0008 SELECT * FROM control;
DROP TABLE control;
ALTER TABLE control_0008 RENAME TO control;

CREATE TABLE wall_0008 (
    id            VARCHAR PRIMARY KEY,
    campus_id     VARCHAR NOT NULL,
    building_id   VARCHAR,
    level_id      VARCHAR,
    geom          GEOMETRY('OGC:CRS84') NOT NULL,
    props         JSON,
    version       INTEGER NOT NULL DEFAULT 1
);
INSERT INTO wall_0008 SELECT * FROM wall;
DROP TABLE wall;
ALTER TABLE wall_0008 RENAME TO wall;
