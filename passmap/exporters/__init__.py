"""Exporters: IMDF (with the PASS extension), GeoJSON per layer, CSV device inventory, DuckDB
copy."""

FORMATS = ("imdf", "geojson", "csv", "duckdb")


def export(store, fmt: str, out_path) -> dict:
    """Write one export; returns what was written (counts or bytes)."""
    from passmap.exporters.files import export_duckdb, export_geojson, export_inventory_csv
    from passmap.exporters.imdf import export_imdf

    if fmt == "imdf":
        return export_imdf(store, out_path)
    if fmt == "geojson":
        return export_geojson(store, out_path)
    if fmt == "csv":
        return {"controls": export_inventory_csv(store, out_path)}
    if fmt == "duckdb":
        return {"bytes": export_duckdb(store, out_path)}
    raise ValueError(f"Unknown export format {fmt!r} (one of {', '.join(FORMATS)}).")
