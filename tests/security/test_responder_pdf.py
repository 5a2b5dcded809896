"""The printable responder PDF (server-side matplotlib) and the GeoJSON / IMDF exports."""

import json
import subprocess
import zipfile

from passmap.reports.responder import render_responder_pdf, verification_status
from passmap.reports.responder_export import responder_geojson, responder_imdf
from tests.security.tiny_site import SCRIPT, XSS


def pdf_pages_text(path) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return out.split("\f")[:-1]


def test_pdf_has_a_site_page_and_one_page_per_floor_with_the_checklist(store, tmp_path):
    out = tmp_path / "r.pdf"
    info = render_responder_pdf(store, "c1", out)
    assert info["pages"] == 3 and info["floors"] == [
        "Main Building / First floor",
        "Main Building / Second floor",
    ]
    pages = pdf_pages_text(out)
    assert len(pages) == 3
    site, first, second = pages
    for text in pages:
        assert "Tiny High School" in text and "Printed " in text and "Legend" in text
        assert "Last verified" in text and " m" in text and "N" in text
        assert "A" in text and "1" in text  # grid labels
    assert "Site plan" in site and "Staff parking" in site and "Football field" in site
    assert "School Road" in site and "Key box" in site
    assert "First floor" in first and "102 Science Lab" in first and "Stair A" in first
    assert "Hallway" in first and "Exterior door number" in first
    for item in ("AED", "Trauma kit", "Utility shut-off", "Alarm panel"):
        assert item in first, item
    assert "Hazard" in second


def test_user_text_is_printed_literally(store, tmp_path):
    out = tmp_path / "r.pdf"
    render_responder_pdf(store, "c1", out)
    text = "".join(pdf_pages_text(out)).replace("\n", " ")
    assert "Library $5 fund$" in text  # no mathtext
    assert "onerror" in text and "<script>" in text  # drawn as text, nothing interpreted


def test_partner_pdf_holds_only_the_shared_layers(store, tmp_path):
    out = tmp_path / "p.pdf"
    render_responder_pdf(store, "c1", out, layers=["grid", "doors", "aeds"])
    text = "".join(pdf_pages_text(out))
    assert "AED" in text and "Exterior door number" in text
    for hidden in ("Science Lab", "Camera", "Panic", "Trauma kit", "Staff parking"):
        assert hidden not in text, hidden


def test_walkthrough_is_recorded_and_later_changes_are_flagged(store):
    status = verification_status(store, "c1")
    assert status["b1"].verified_by == "Facilities walk-through (DEMO)"
    assert status["b1"].changes_since == 0
    with store.transaction() as cur:
        store.audit(cur, "editor", "update", "control", "aed-1", {"building_id": "b1"}, {})
    flagged = verification_status(store, "c1")["b1"]
    assert flagged.changes_since == 1 and "CHANGED SINCE" in flagged.stamp()
    store.record_verification("b1", "J. Rivera")
    fresh = verification_status(store, "c1")["b1"]
    assert fresh.verified_by == "J. Rivera" and fresh.changes_since == 0


def test_a_share_link_s_pdf_download_names_no_staff_member(store, tmp_path):
    """The walk-through stamp of a partner's PDF (the share link's download) has the date, not
    the name of the staff member who walked the building; the staff's own PDF keeps it."""
    from datetime import timedelta

    from passmap import share
    from passmap.share_bundle import DATA_PLACEHOLDER, ShareService
    from ui.share_content import build_content

    store.record_verification("b1", "J. Rivera")
    staff = tmp_path / "staff.pdf"
    render_responder_pdf(store, "c1", staff)
    assert "by J. Rivera" in "".join(pdf_pages_text(staff))
    _, token = share.create_link(store, "Sheriff", ["c1"], ["doors"], timedelta(days=1), "t")
    svc = ShareService(store, build_content, f"<html>{DATA_PLACEHOLDER}")
    try:
        file_fut, log_fut = svc.download(svc.grant(token), "c1", "pdf", "10.0.0.9")
        shared = tmp_path / "shared.pdf"
        shared.write_bytes(file_fut.result(timeout=120).body)
        log_fut.result(timeout=60)
    finally:
        svc.close()
    text = "".join(pdf_pages_text(shared))
    assert "Last verified" in text and "Tiny High School" in text
    assert "Rivera" not in text and "walk-through (DEMO)" not in text


def test_geojson_has_the_grid_layer_and_only_visible_layers(store):
    doc = responder_geojson(store, "c1", ["grid", "doors", "aeds"])
    layers = {f["properties"]["layer"] for f in doc["features"]}
    assert layers == {"grid", "doors", "aeds"}
    grid = [f for f in doc["features"] if f["properties"]["layer"] == "grid"]
    assert grid[0]["properties"]["label"] == "A1"
    assert all(
        f["properties"].get("cell") for f in doc["features"] if f["properties"]["layer"] == "aeds"
    )
    assert "Camera" not in json.dumps(doc)


def test_imdf_zip_is_valid_and_honours_layers(store, tmp_path):
    out = tmp_path / "r.zip"
    counts = responder_imdf(store, "c1", out, ["grid", "doors", "rooms", "aeds"])
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        units = json.loads(zf.read("unit.geojson"))
        amenities = json.loads(zf.read("amenity.geojson"))
        everything = b"".join(zf.read(n) for n in names)
    assert {
        "manifest.json",
        "venue.geojson",
        "level.geojson",
        "unit.geojson",
        "opening.geojson",
        "amenity.geojson",
        "passmap_grid.geojson",
    } <= names
    assert manifest["version"] == "1.0.0" and counts["opening"] == 3
    assert all(
        f["feature_type"] == "unit" and f["properties"]["level_id"] for f in units["features"]
    )
    assert {f["properties"]["category"] for f in amenities["features"]} == {"defibrillator"}
    assert b"Camera" not in everything and b"Panic" not in everything
    assert XSS.encode() in everything or SCRIPT.encode() in everything  # JSON data, not markup


def test_printed_and_walk_through_dates_are_the_district_s_day(store, tmp_path, monkeypatch):
    """Dates on the PDF are the district's calendar day (PASSMAP_TIMEZONE): a walk-through at
    7:30 pm in Los Angeles on March 2 is 03:30 UTC on March 3, and so is the print."""
    from datetime import UTC, datetime, timedelta

    monkeypatch.setenv("PASSMAP_TIMEZONE", "America/Los_Angeles")
    yesterday = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=1)
    evening = yesterday.replace(hour=3, minute=30, second=0, microsecond=0)  # naive UTC
    utc_day, la_day = f"{evening:%Y-%m-%d}", f"{evening - timedelta(days=1):%Y-%m-%d}"
    store.record_verification("b1", "J. Rivera", verified_utc=evening)
    out = tmp_path / "r.pdf"
    render_responder_pdf(store, "c1", out, now=evening)
    text = " ".join(pdf_pages_text(out))
    assert f"Printed {la_day}" in text, text[:400]
    assert f"Last verified {la_day}" in text and utc_day not in text
