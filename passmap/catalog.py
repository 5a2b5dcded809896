"""The PASS practice catalog: strict loading of the starter files and district checklists.

The starter catalogs in ``data/catalog/`` are PassMap's own wording, not PASS text. A district
imports its licensed checklist (CSV or XLSX) to replace or extend them and to record checklist
statuses per scope.

>>> cat = load_catalog("v7")
>>> len(cat.practices) >= 60, cat.edition
(True, 'v7')
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from passmap.config import DATA_DIR
from passmap.model import COMPONENTS, EDITION, ZONE_KINDS

CATALOG_DIR = DATA_DIR / "catalog"
SCOPE_LEVELS = ("zone", "building", "campus", "district")
TIER_VALUES = ("1", "2", "3", "4", "baseline")
_TOP_KEYS = {
    "catalog",
    "edition",
    "based_on",
    "notice",
    "layers",
    "components",
    "layer_map_to_v7",
    "practices",
}
_PRACTICE_KEYS = {
    "id",
    "layer",
    "component",
    "tier",
    "title",
    "text",
    "scope",
    "check",
    "criticality",
    "feasibility",
    "unit_cost_usd",
    "cost_per",
    "tier_verified",
    "tier_source",
    "notes",
}
COST_PER = ("scope", "item", "type", "shortfall")
_REQUIRED = ("id", "layer", "component", "tier", "title", "scope", "check")
STATUS_WORDS = {
    "in place": "in_place",
    "in progress": "in_progress",
    "needed": "needed",
    "not necessary": "not_necessary",
}


class CatalogError(ValueError):
    """A catalog or checklist problem, naming the file, the practice/row and what is wrong."""


@dataclass
class Catalog:
    edition: str
    path: Path
    notice: str
    layers: list[str]
    practices: list[dict]
    layer_map_to_v7: dict[str, str] = field(default_factory=dict)

    def practice_rows(self, source: str = "starter") -> list[dict]:
        """Rows for the store's practice table."""
        return [practice_row(p, self.edition, source, str(self.path.name)) for p in self.practices]


def practice_row(p: dict, edition: str, source: str, origin: str) -> dict:
    check = p["check"]
    return {
        "id": p["id"],
        "edition": edition,
        "layer": p["layer"],
        "component": p["component"],
        "tier": p["tier"],
        "title": p["title"],
        "text": p.get("text"),
        "scope": p["scope"],
        "check_kind": check["kind"],
        "check_params": check.get("params") or {},
        "criticality": p.get("criticality", 3),
        "feasibility": p.get("feasibility", 3),
        "unit_cost_usd": float(p.get("unit_cost_usd", 0)),
        "cost_per": p.get("cost_per", "scope"),
        "tier_verified": bool(p.get("tier_verified", False)),
        "tier_source": p.get("tier_source"),
        "notes": p.get("notes"),
        "source": source,
        "origin": origin,
    }


def catalog_path(edition: str) -> Path:
    return CATALOG_DIR / f"pass-{edition}-starter.json"


def load_catalog(edition_or_path: str | Path) -> Catalog:
    """Load and validate a catalog file (an edition name like ``v7`` or a path)."""
    path = Path(edition_or_path)
    if not path.suffix:
        path = catalog_path(str(edition_or_path))
    if not path.exists():
        raise CatalogError(f"{path.name}: catalog file not found at {path}.")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CatalogError(f"{path.name}: not valid JSON ({exc}).") from None
    unknown = set(doc) - _TOP_KEYS
    if unknown:
        raise CatalogError(f"{path.name}: unknown top-level key(s) {sorted(unknown)}.")
    for key in ("edition", "layers", "practices", "notice"):
        if key not in doc:
            raise CatalogError(f"{path.name}: missing top-level key {key!r}.")
    seen: set[str] = set()
    for i, p in enumerate(doc["practices"]):
        validate_practice(p, path.name, doc["layers"], i)
        if p["id"] in seen:
            raise CatalogError(f"{path.name}: practice {p['id']}: duplicate id.")
        seen.add(p["id"])
    return Catalog(
        doc["edition"],
        path,
        doc["notice"],
        list(doc["layers"]),
        doc["practices"],
        doc.get("layer_map_to_v7", {}),
    )


def validate_practice(p: dict, fname: str, layers, index: int = 0) -> None:
    """Raise CatalogError naming file, practice and problem for any unknown or bad field."""
    pid = p.get("id", f"#{index + 1}") if isinstance(p, dict) else f"#{index + 1}"

    def fail(problem):
        raise CatalogError(f"{fname}: practice {pid}: {problem}.")

    if not isinstance(p, dict):
        fail("is not an object")
    unknown = set(p) - _PRACTICE_KEYS
    if unknown:
        fail(f"unknown key(s) {sorted(unknown)}")
    missing = [k for k in _REQUIRED if k not in p]
    if missing:
        fail(f"missing {', '.join(missing)}")
    if str(p["tier"]) not in TIER_VALUES:
        fail(f"bad tier {p['tier']!r} (expected 1-4 or 'baseline')")
    if p["layer"] not in layers:
        fail(f"unknown layer {p['layer']!r}")
    if p["component"] not in COMPONENTS:
        fail(f"unknown component {p['component']!r}")
    for key in ("criticality", "feasibility"):
        if key in p and (not isinstance(p[key], int) or not 1 <= p[key] <= 5):
            fail(f"{key} must be an integer 1-5, got {p[key]!r}")
    if not isinstance(p.get("unit_cost_usd", 0), (int, float)) or p.get("unit_cost_usd", 0) < 0:
        fail("unit_cost_usd must be a number >= 0")
    if p.get("cost_per", "scope") not in COST_PER:
        fail(f"cost_per must be one of {', '.join(COST_PER)}, got {p.get('cost_per')!r}")
    if not isinstance(p.get("tier_verified", False), bool):
        fail("tier_verified must be true or false")
    if p.get("tier_verified") and not str(p.get("tier_source") or "").strip():
        fail("tier_verified is true but no tier_source cites where the tier comes from")
    _validate_scope(p["scope"], fail)
    _validate_check(p["check"], fail)


def _validate_scope(scope, fail) -> None:
    if not isinstance(scope, dict) or set(scope) - {"level", "zone_kinds", "skip_portable"}:
        fail("scope must be {level, zone_kinds, skip_portable}")
    if not isinstance(scope.get("skip_portable", False), bool):
        fail("scope skip_portable must be true or false")
    if scope.get("level") not in SCOPE_LEVELS:
        fail(f"scope level must be one of {SCOPE_LEVELS}, got {scope.get('level')!r}")
    if scope["level"] == "zone":
        kinds = scope.get("zone_kinds") or []
        bad = [k for k in kinds if k not in ZONE_KINDS]
        if not kinds or bad:
            fail(f"zone scope needs known zone_kinds (unknown: {bad or 'none given'})")


def _validate_check(check, fail) -> None:
    from passmap.compliance.rules import RULES

    if not isinstance(check, dict) or set(check) - {"kind", "params"}:
        fail("check must be {kind, params}")
    kind = check.get("kind")
    if kind not in RULES:
        fail(f"unknown rule kind {kind!r} (known: {', '.join(sorted(RULES))})")
    params = check.get("params") or {}
    spec = RULES[kind].params
    unknown = set(params) - set(spec)
    if unknown:
        fail(f"rule {kind} has unknown parameter(s) {sorted(unknown)}")
    for name, (kind_type, required) in spec.items():
        if required and name not in params:
            fail(f"rule {kind} needs parameter {name!r}")
        if name in params and not isinstance(params[name], kind_type):
            fail(f"rule {kind} parameter {name!r} has the wrong type")


def load_starter(store, edition: str = EDITION, actor: str = "system") -> int:
    """Write the starter catalog of ``edition`` into the store (upsert)."""
    cat = load_catalog(edition)
    return store.save_practices(cat.practice_rows(), cat.edition, actor=actor, label="catalog")


def normalise_status(value: str) -> str:
    """Checklist wording -> status key.

    >>> normalise_status("In Place"), normalise_status("not_necessary")
    ('in_place', 'not_necessary')
    """
    key = re.sub(r"[\s_]+", " ", str(value).strip().lower())
    if key in STATUS_WORDS:
        return STATUS_WORDS[key]
    raise ValueError(
        f"unknown status {value!r} (expected In place, In progress, Needed, Not necessary)"
    )


def normalise_tier(value) -> str:
    """'Tier 2', 2, '2.0', 'Baseline' -> '2' / 'baseline'."""
    text = str(value).strip().lower().replace("tier", "").strip()
    if text.endswith(".0"):
        text = text[:-2]
    if text in TIER_VALUES:
        return text
    raise ValueError(f"bad tier {value!r} (expected 1-4 or baseline)")


def read_checklist_rows(path: Path) -> list[dict]:
    """Rows of a CSV or XLSX checklist as dicts with lower-case, underscored headers."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        values = list(book.worksheets[0].iter_rows(values_only=True))
        book.close()
        head = [str(h or "") for h in values[0]] if values else []
        rows = [dict(zip(head, r)) for r in values[1:] if any(v not in (None, "") for v in r)]
    else:
        raise CatalogError(f"{path.name}: checklist must be .csv or .xlsx.")
    return [
        {re.sub(r"\W+", "_", str(k).strip().lower()): v for k, v in r.items() if k} for r in rows
    ]


def _as_date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip()[:10])


_ID_KEYS = ("practice_id", "practice", "id")
_PRACTICE_FIELDS = ("layer", "component", "tier", "text", "title")
LEVEL_ORDER = {"zone": 0, "building": 1, "campus": 2, "district": 3}


def import_checklist(
    store, path, edition: str = EDITION, mode: str = "extend", actor: str = "import"
) -> dict:
    """Import a district checklist (CSV/XLSX) into the store, all or nothing.

    Columns: practice_id, layer, component, tier, text (the licensed wording), and optionally
    scope_id, scope (zone|building|campus|district), status, evidence, assessed_by, assessed_at.
    A row with practice text or tier gives the practice the district's wording and official
    tier (recorded as verified, citing this file; a rule check is kept); a row with only a
    status changes the status and nothing of the practice. New ids become attested practices.
    ``mode="replace"`` drops the edition's practices the file does not list.

    Scope rules (docs/CHECKLIST.md): a status is recorded for ``scope_id`` (default: the
    district) and reaches every scope inside it (a district-wide Not necessary covers every
    room); a practice checked from the map only takes Not necessary from the checklist. An
    unknown scope id is an error; every row that changes nothing gets a warning saying why.
    Returns ``{"practices": n, "statuses": m, "warnings": [...]}``.
    """
    path = Path(path)
    if mode not in ("extend", "replace"):
        raise CatalogError(f"{path.name}: mode must be extend or replace, got {mode!r}.")
    if not path.exists():
        raise CatalogError(f"{path.name}: checklist file not found at {path}.")
    rows = read_checklist_rows(path)
    if not rows:
        raise CatalogError(f"{path.name}: the checklist has no rows.")
    existing = {r["id"]: r for r in store.list_practices(edition).to_dict("records")}
    layers = load_catalog(edition).layers if catalog_path(edition).exists() else None
    scopes = store.scope_index().set_index("scope_id")
    districts = scopes.index[scopes["scope_type"] == "district"].tolist()
    stored = {
        (a["practice_id"], a["scope_id"]): a for a in store.list_attestations().to_dict("records")
    }
    practices, statuses, warnings, listed = {}, {}, [], []
    for line, row in enumerate(rows, start=2):
        pid = next((str(row[k]).strip() for k in _ID_KEYS if row.get(k) not in (None, "")), None)
        where = f"{path.name}: row {line}" + (f", practice {pid}" if pid else "")
        try:
            if not pid:
                raise ValueError("missing practice_id")
            listed.append(pid)
            base = practices.get(pid) or existing.get(pid)
            if base is None or any(row.get(k) not in (None, "") for k in _PRACTICE_FIELDS):
                new = _checklist_practice(row, pid, base, edition, layers, path.name, line)
                if base is not None and _same_practice(new, base):
                    warnings.append(f"{where}: changes nothing (same wording and tier as stored).")
                practices[pid] = new
            if row.get("status") not in (None, ""):
                rec = _checklist_status(row, pid, districts, scopes)
                practice = practices.get(pid) or existing[pid]
                why = _status_warning(rec, practice, scopes, stored.get((pid, rec["scope_id"])))
                if why:
                    warnings.append(f"{where}: {why}")
                statuses[(pid, rec["scope_id"])] = rec
            elif pid in existing and pid not in practices:
                warnings.append(f"{where}: changes nothing (no status and no practice text).")
        except (ValueError, KeyError) as exc:
            raise CatalogError(f"{where}: {exc}.") from None
    store.import_checklist_rows(
        list(practices.values()),
        list(statuses.values()),
        edition,
        replace=(mode == "replace"),
        actor=actor,
        keep_ids=sorted(set(listed)),
    )
    return {"practices": len(practices), "statuses": len(statuses), "warnings": warnings}


def _same_practice(new: dict, old: dict) -> bool:
    keys = ("layer", "component", "tier", "text", "title")
    return all(str(new.get(k) or "") == str(old.get(k) or "") for k in keys)


def _checklist_practice(row, pid, base, edition, layers, fname, line) -> dict:
    text = row.get("text") or row.get("title")
    if base is None:
        missing = [k for k in ("layer", "component", "tier") if row.get(k) in (None, "")]
        if missing or not text:
            raise ValueError(
                f"new practice needs layer, component, tier and text "
                f"(missing {', '.join(missing) or 'text'})"
            )
        level = str(row.get("scope") or "district").strip().lower()
        if level not in SCOPE_LEVELS:
            raise ValueError(f"scope must be one of {SCOPE_LEVELS}")
        base = {
            "id": pid,
            "edition": edition,
            "scope": {"level": level},
            "check_kind": "attested",
            "check_params": {},
            "criticality": 3,
            "feasibility": 3,
            "unit_cost_usd": 0.0,
            "cost_per": "scope",
            "title": str(text),
        }
    out = dict(base, source="district", origin=fname, edition=edition)
    if row.get("layer") not in (None, ""):
        if layers and row["layer"] not in layers:
            raise ValueError(f"unknown layer {row['layer']!r} for edition {edition}")
        out["layer"] = str(row["layer"]).strip()
    if row.get("component") not in (None, ""):
        if row["component"] not in COMPONENTS:
            raise ValueError(f"unknown component {row['component']!r}")
        out["component"] = str(row["component"]).strip()
    if row.get("tier") not in (None, ""):
        out["tier"] = normalise_tier(row["tier"])
        out["tier_verified"] = True
        out["tier_source"] = f"district checklist {fname}, row {line}"
    if text:
        out["text"] = str(text)
    return out


def _checklist_status(row, pid, districts, scopes) -> dict:
    scope_id = row.get("scope_id") or (districts[0] if len(districts) == 1 else None)
    if not scope_id:
        raise ValueError("status given without scope_id (and the database has no single district)")
    scope_id = str(scope_id).strip()
    if scope_id not in scopes.index:
        raise ValueError(
            f"unknown scope {scope_id!r} (no district, campus, building or room has this id)"
        )
    return {
        "practice_id": pid,
        "scope_id": scope_id,
        "status": normalise_status(row["status"]),
        "evidence_doc": row.get("evidence") or None,
        "assessed_by": row.get("assessed_by") or None,
        "assessed_at": _as_date(row.get("assessed_at")),
        "note": row.get("note") or None,
    }


def _text(value) -> str:
    """A stored or read value as comparable text (missing -> '', dates as YYYY-MM-DD)."""
    if value is None or (not isinstance(value, str) and value != value):
        return ""
    if type(value).__name__ == "NaTType":
        return ""
    return str(value)[:10] if isinstance(value, (date, datetime)) else str(value)


def _status_warning(rec: dict, practice: dict, scopes, before: dict | None) -> str | None:
    """Why a checklist status would change nothing the assessment shows (None if it does)."""
    status, sid = rec["status"], rec["scope_id"]
    words = status.replace("_", " ")
    scope = practice.get("scope") or {}
    if isinstance(scope, str):
        scope = json.loads(scope)
    level = scope.get("level", "district")
    got = scopes.loc[sid, "scope_type"]
    if LEVEL_ORDER[got] < LEVEL_ORDER.get(level, 3):
        return (
            f"'{words}' for {got} {sid} changes nothing: the practice is assessed per {level}, "
            f"so a status for a {got} is never read (give it for the {level} instead)."
        )
    kinds = scope.get("zone_kinds") or []
    if got == "zone" and kinds and scopes.loc[sid, "kind"] not in kinds:
        return (
            f"'{words}' for room {sid} changes nothing: the practice applies to "
            f"{', '.join(kinds)} rooms and {sid} is a {scopes.loc[sid, 'kind']}."
        )
    if practice.get("check_kind", "attested") != "attested" and status != "not_necessary":
        return (
            f"'{words}' for {sid} changes nothing: PassMap checks this practice from the map "
            "(only Not necessary from the checklist overrides it)."
        )
    if before is not None and all(
        _text(before.get(k)) == _text(rec.get(k))
        for k in ("status", "evidence_doc", "assessed_by", "assessed_at", "note")
    ):
        return f"changes nothing: the checklist already says '{words}' for {sid}."
    return None


__all__ = [
    "Catalog",
    "CatalogError",
    "load_catalog",
    "load_starter",
    "import_checklist",
    "read_checklist_rows",
    "normalise_status",
    "normalise_tier",
]
