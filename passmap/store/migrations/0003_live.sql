-- 0003: live status. Gateways (topic pattern -> normaliser), per-device report intervals,
-- alarms with acknowledge/resolve, and the campus posture.

CREATE TABLE gateway (
    id              VARCHAR PRIMARY KEY,
    kind            VARCHAR NOT NULL,       -- canonical | axis | onvif | frigate | zigbee2mqtt | sia | generic
    topic_pattern   VARCHAR NOT NULL,       -- MQTT subscription, e.g. zigbee2mqtt/#
    options         JSON,                   -- normaliser options (generic field paths, io port roles ...)
    stale_after_s   DOUBLE,                 -- a device silent this long becomes offline
    enabled         BOOLEAN NOT NULL DEFAULT true
);

CREATE TABLE device_config (
    device_id           VARCHAR PRIMARY KEY,
    report_interval_s   DOUBLE,             -- overrides the gateway's stale_after_s
    note                VARCHAR
);

CREATE TABLE alarm (
    id                VARCHAR PRIMARY KEY,
    device_id         VARCHAR NOT NULL,
    kind              VARCHAR NOT NULL,     -- door_forced | door_held_open | duress | tamper
    state             VARCHAR NOT NULL,     -- active | acknowledged | resolved
    raised_utc        TIMESTAMP NOT NULL,   -- observed time of the triggering event
    event_id          VARCHAR,
    cleared_utc       TIMESTAMP,            -- the device reported the condition over
    acknowledged_by   VARCHAR,
    acknowledged_utc  TIMESTAMP,
    resolved_by       VARCHAR,
    resolved_utc      TIMESTAMP,
    note              VARCHAR
);

CREATE TABLE posture (
    campus_id   VARCHAR PRIMARY KEY,
    state       VARCHAR NOT NULL,           -- normal | hold | secure | lockdown | evacuate | shelter
    since_utc   TIMESTAMP NOT NULL,
    reason      VARCHAR,
    set_by      VARCHAR
);

