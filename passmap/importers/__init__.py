"""Importers: IMDF, GeoJSON (project schema and plain), OSM indoor, WRLD, DXF, images,
door/camera schedules. Entry point: ``import_path(store, path, options)``."""


def import_path(store, path, options=None):
    from passmap.importers.dispatch import import_path as _impl

    return _impl(store, path, options)
