"""The offline country shapes and centroids built by scripts/build_shapes.py."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from atlas.core.countries import all_countries, centroid, get_country

ROOT = Path(__file__).resolve().parents[2]
SHAPES = ROOT / "atlas" / "geo" / "static" / "geo" / "countries.json"


@pytest.fixture(scope="module")
def features():
    return {f["id"]: f for f in json.loads(SHAPES.read_text())["features"]}


def rings(feature):
    geometry = feature["geometry"]
    polygons = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                else geometry["coordinates"])
    return [ring for polygon in polygons for ring in polygon]


def test_every_shape_is_keyed_by_a_known_country_code(features):
    assert len(features) > 170
    unknown = [code for code in features if get_country(code) is None]
    assert unknown == []


def test_no_ring_jumps_across_the_antimeridian(features):
    # A jump of more than 180 degrees between two points is drawn as a stripe across the map.
    jumps = [code for code, f in features.items() for ring in rings(f)
             for (x0, _y0), (x1, _y1) in zip(ring, ring[1:]) if abs(x1 - x0) > 180]
    assert jumps == []


def test_fiji_and_russia_keep_their_land_east_of_the_antimeridian(features):
    # The eastern tip of Russia (Chukotka) and Fiji's islands continue past 180 in one piece.
    assert max(x for ring in rings(features["RU"]) for x, _y in ring) > 180
    fiji = [x for ring in rings(features["FJ"]) for x, _y in ring]
    assert min(fiji) > 175 and max(fiji) > 180


def test_shapes_without_a_numeric_id_are_mapped_explicitly(features):
    assert "XK" in features  # Kosovo
    # Somaliland is drawn with Somalia and Northern Cyprus with Cyprus: more polygons than the
    # source's single shapes for those countries.
    assert features["SO"]["geometry"]["type"] == "MultiPolygon"
    assert features["CY"]["geometry"]["type"] == "MultiPolygon"


def test_antarctica_is_left_off_the_map(features):
    assert "AQ" not in features


def test_every_country_with_a_shape_or_a_small_territory_has_a_centroid(features):
    missing = [c.code for c in all_countries()
               if c.code not in {"AQ", "UM"} and not centroid(c.code)]
    assert missing == []


def test_centroids_fall_inside_the_right_part_of_the_world():
    lat, lng = centroid("KE")
    assert -5 < lat < 5 and 33 < lng < 42
    lat, lng = centroid("ru")  # case-insensitive; the mainland, not across the antimeridian
    assert 50 < lat < 70 and 40 < lng < 140
    assert centroid("SG") == pytest.approx((1.36, 103.82), abs=0.2)  # too small for 110m shapes
    assert centroid("ZZ") is None and centroid("") is None


def test_the_committed_files_are_what_the_converter_produces(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_shapes.py"),
                    "--output-dir", str(tmp_path)], capture_output=True, text=True, check=True)
    assert (tmp_path / "countries.json").read_bytes() == SHAPES.read_bytes()
    assert ((tmp_path / "centroids.json").read_bytes()
            == (ROOT / "atlas" / "core" / "data" / "centroids.json").read_bytes())
