-- 0005: import and editing. Walls from CAD drawings (used as plan context and for occlusion),
-- one row per wall segment or polyline, per level. Underlay images are referenced from
-- level.props.underlay (path, url, bounds, corners), so they need no table.
CREATE TABLE wall (
    id            VARCHAR PRIMARY KEY,
    campus_id     VARCHAR NOT NULL REFERENCES campus(id),
    building_id   VARCHAR REFERENCES building(id),
    level_id      VARCHAR REFERENCES level(id),
    geom          GEOMETRY('OGC:CRS84') NOT NULL,
    props         JSON,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX audit_log_at ON audit_log (at_utc);
