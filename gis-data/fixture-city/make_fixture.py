#!/usr/bin/env python3
"""Writes the hand-made fixture city (kecamatan.geojson, kelurahan.geojson) next to this script.

Everything is drawn by hand in lon/lat (EPSG:4326) on a grid of "nice" decimals; nothing is
derived from any real boundary. See README.md for the layout and the test points, and
verify.sh for the checks (run it after any change here).

Shared edges are noded identically on both sides (same vertex pairs), so they stay shared
after a transformation to a projected CRS. Rings follow RFC 7946: outer rings counter-clockwise, holes clockwise, first point repeated last.
Features are written in DESCENDING code order on purpose, so that "first match in file order"
is not the same as "lowest code" (the tie-break rule tests must exercise).
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def ring(*pts):
    pts = [list(p) for p in pts]
    return pts + [pts[0]]


def rect(x0, y0, x1, y1):
    """Counter-clockwise rectangle."""
    return ring((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def rect_cw(x0, y0, x1, y1):
    """Clockwise rectangle (for holes)."""
    return ring((x0, y0), (x0, y1), (x1, y1), (x1, y0))


def polygon(*rings):
    return {"type": "Polygon", "coordinates": list(rings)}


def multipolygon(*polys):
    return {"type": "MultiPolygon", "coordinates": [p["coordinates"] for p in polys]}


def feature(code, name, parent_code, geometry):
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, "parent_code": parent_code},
        "geometry": geometry,
    }


# --- Kelurahan -------------------------------------------------------------------------------
# Kecamatan Utara (99.01.01): lat 0.04 .. 0.07
#   1001 Kelurahan Danau   lon 100.01 .. 100.04, with a lake (hole) 0.0072 deg (~800 m) square
#   1002 Kelurahan Tengah  lon 100.04 .. 100.07  (shares the vertical edge lon = 100.04 with 1001)
#   1003 Kelurahan Pulau   mainland lon 100.07 .. 100.08 plus a tab reaching west to lon 100.069
#                          (overlapping 1002), and an island lon 100.086 .. 100.094
# Kecamatan Selatan (99.01.02): lat 0.01 .. 0.04
#   1001 Kelurahan Sawah   lon 100.01 .. 100.0449 (100.045 for lat >= 0.03)
#   1002 Kelurahan Bukit   lon 100.0452 .. 100.07 (100.045 for lat >= 0.03)
#   -> a sliver gap lon 100.0449 .. 100.0452 (0.0003 deg, ~33 m) for lat 0.01 .. 0.03,
#      open to the sea at lat 0.01; north of lat 0.03 they share the edge lon = 100.045.

LAKE = (100.0214, 0.0514, 100.0286, 0.0586)  # centre (100.025, 0.055)

danau = polygon(rect(100.01, 0.04, 100.04, 0.07), rect_cw(*LAKE))
tengah = polygon(ring(
    (100.04, 0.04), (100.045, 0.04), (100.07, 0.04), (100.07, 0.05), (100.07, 0.055),
    (100.07, 0.07), (100.04, 0.07),
))
pulau = multipolygon(
    polygon(ring(
        (100.07, 0.04), (100.08, 0.04), (100.08, 0.07), (100.07, 0.07),
        (100.07, 0.055), (100.069, 0.055), (100.069, 0.05), (100.07, 0.05),
    )),
    polygon(rect(100.086, 0.05, 100.094, 0.058)),
)
sawah = polygon(ring(
    (100.01, 0.01), (100.0449, 0.01), (100.0449, 0.03), (100.045, 0.03),
    (100.045, 0.04), (100.04, 0.04), (100.01, 0.04),
))
bukit = polygon(ring(
    (100.0452, 0.01), (100.07, 0.01), (100.07, 0.04), (100.045, 0.04),
    (100.045, 0.03), (100.0452, 0.03),
))

kelurahan = [
    feature("99.01.02.1002", "Kelurahan Bukit", "99.01.02", bukit),
    feature("99.01.02.1001", "Kelurahan Sawah", "99.01.02", sawah),
    feature("99.01.01.1003", "Kelurahan Pulau", "99.01.01", pulau),
    feature("99.01.01.1002", "Kelurahan Tengah", "99.01.01", tengah),
    feature("99.01.01.1001", "Kelurahan Danau", "99.01.01", danau),
]

# --- Kecamatan: exactly the union of their kelurahan (verify.sh checks this) ------------------
utara = multipolygon(
    polygon(
        ring((100.01, 0.04), (100.04, 0.04), (100.045, 0.04), (100.07, 0.04), (100.08, 0.04),
             (100.08, 0.07), (100.07, 0.07), (100.04, 0.07), (100.01, 0.07)),
        rect_cw(*LAKE),
    ),
    polygon(rect(100.086, 0.05, 100.094, 0.058)),
)
selatan = polygon(ring(
    (100.01, 0.01), (100.0449, 0.01), (100.0449, 0.03), (100.0452, 0.03),
    (100.0452, 0.01), (100.07, 0.01), (100.07, 0.04), (100.045, 0.04), (100.04, 0.04),
    (100.01, 0.04),
))
kecamatan = [
    feature("99.01.02", "Kecamatan Selatan", "99.01", selatan),
    feature("99.01.01", "Kecamatan Utara", "99.01", utara),
]


def write(name, features):
    doc = {"type": "FeatureCollection", "features": features}
    path = os.path.join(HERE, name)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        # one feature per line: readable diffs, still small
        f.write('{"type": "FeatureCollection", "features": [\n')
        f.write(",\n".join(json.dumps(ft, separators=(", ", ": ")) for ft in doc["features"]))
        f.write("\n]}\n")
    json.load(open(path, encoding="utf-8"))  # must parse


write("kelurahan.geojson", kelurahan)
write("kecamatan.geojson", kecamatan)
print("wrote kelurahan.geojson, kecamatan.geojson")
