-- 0004: accounts, login throttling, responder grid, walk-through verification.

-- Demo accounts are labelled so nobody mistakes them for real ones.
ALTER TABLE app_user ADD COLUMN is_demo BOOLEAN DEFAULT false;
ALTER TABLE app_user ADD COLUMN last_login_utc TIMESTAMP;

-- Every login attempt (never the password): throttling per client reads the recent failures.
CREATE TABLE login_attempt (
    id          VARCHAR PRIMARY KEY,
    at_utc      TIMESTAMP NOT NULL,
    username    VARCHAR,
    client      VARCHAR,
    ok          BOOLEAN NOT NULL
);

-- The responder grid of a campus. Stored once so every printout of a campus uses the same labels.
-- Origin = north-west corner of cell A1; metres in a local azimuthal projection centred there.
CREATE TABLE responder_grid (
    campus_id   VARCHAR PRIMARY KEY,
    origin_lon  DOUBLE NOT NULL,
    origin_lat  DOUBLE NOT NULL,
    cell_m      DOUBLE NOT NULL,
    n_cols      INTEGER NOT NULL,
    n_rows      INTEGER NOT NULL,
    updated_utc TIMESTAMP NOT NULL
);

-- Annual walk-through: who verified which building, when.
CREATE TABLE verification (
    id            VARCHAR PRIMARY KEY,
    building_id   VARCHAR NOT NULL,
    verified_by   VARCHAR NOT NULL,
    verified_utc  TIMESTAMP NOT NULL,
    note          VARCHAR
);
