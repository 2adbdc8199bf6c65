"""Which LGO and village a report belongs to: the village whose area holds its point.

The villages' areas tile the province (imported boundaries, or the demo's approximate ones), so
a point no village covers is outside the province, and the report is refused with a message
that says so. Where two areas overlap (an imported boundary drawn over a neighbour's), the
smaller one wins: it is the more precise.
"""

from __future__ import annotations

from dataclasses import dataclass

from geoalchemy2 import WKTElement
from sqlalchemy import func, select

from ..areas.models import Village
from ..auth.scoping import unscoped
from ..extensions import db
from .errors import OutsideArea


@dataclass(frozen=True)
class Place:
    lgo_id: int
    village_id: int


def locate(point: WKTElement) -> Place:
    """Return the LGO and village whose area holds ``point``; refuse one outside them all."""
    # Areas are public: the reporter may be anyone, anywhere.
    row = db.session.execute(
        select(Village.lgo_id, Village.id)
        .where(func.ST_Covers(Village.geom, point))
        .order_by(func.ST_Area(Village.geom), Village.id)
        .limit(1),
        execution_options=unscoped(),
    ).first()
    if row is None:
        raise OutsideArea(errors={"location": ["Outside every village of the province."]})
    return Place(lgo_id=row[0], village_id=row[1])
