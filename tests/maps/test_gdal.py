"""GDAL's OGC API - Features driver (what QGIS uses too) reads /ogc from a live server.

``make test`` installs gdal-bin (scripts/ensure_tool.sh); without ogrinfo these tests fail.
"""

from __future__ import annotations

import re
import shutil
import subprocess

from sqlalchemy import func, select

from khaya.areas.models import Tambon, Village
from khaya.extensions import db
from tests.maps._support import live_server

OGRINFO = shutil.which("ogrinfo") or "/usr/bin/ogrinfo"


def ogrinfo(*args: str) -> str:
    result = subprocess.run(
        [OGRINFO, "-ro", *args], capture_output=True, text=True, timeout=120, check=False,
        env={"GDAL_HTTP_TIMEOUT": "60", "CPL_CURL_VERBOSE": "NO", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


def test_ogrinfo_lists_the_collections_and_counts_villages(app):
    with app.app_context():
        villages = db.session.execute(
            select(func.count()).select_from(Village).where(Village.geom.is_not(None))
        ).scalar_one()
        tambons = db.session.execute(select(func.count()).select_from(Tambon)).scalar_one()
        db.session.remove()
    with live_server(app) as base:
        listing = ogrinfo(f"OAPIF:{base}/ogc")
        summary = ogrinfo(f"OAPIF:{base}/ogc", "-so", "villages")
        features = ogrinfo(f"OAPIF:{base}/ogc", "tambons", "-fid", "1")
    for name in ("villages", "tambons", "districts", "lgos", "collection-points"):
        assert re.search(rf"^\d+: {re.escape(name)}\b", listing, re.M), listing
    assert "Layer name: villages" in summary
    assert f"Feature Count: {villages}" in summary, summary
    assert re.search(r"Geometry: Multi Polygon", summary), summary
    assert re.search(r"^code: String", summary, re.M), summary
    assert "name_th" in summary
    assert "OGRFeature(tambons):1" in features, features
    assert tambons > 0
