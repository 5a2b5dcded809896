-- 0002: compliance extras. How a practice's unit cost scales ('scope' = once per scope,
-- 'item' = per blocking door/camera/device), and where a district checklist came from.
ALTER TABLE practice ADD COLUMN cost_per VARCHAR DEFAULT 'scope';
ALTER TABLE practice ADD COLUMN origin VARCHAR;
ALTER TABLE assessment ADD COLUMN scope_id VARCHAR;
