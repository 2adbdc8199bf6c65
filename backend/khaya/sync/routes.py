"""The one offline endpoint.

    POST /api/v1/sync    a batch of up to 500 items of mixed kinds -> one result per item

Whole-request errors are 400 (malformed), 401/403, 413 (too many items or too big) and 429;
anything wrong with one item only rejects that item. The answer is sent only after the
accepted rows are committed, so an acknowledged item is never lost.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy.exc import OperationalError

from ..auth.access import current_principal, requires
from ..blueprint import Blueprint
from ..errors import DomainError
from ..extensions import db
from . import services
from .schemas import SyncBatchSchema, SyncResultSchema, dump_result

blp = Blueprint("sync", __name__, description="Offline sync: sorting logs, inspections, deposits")


RETRIES = 3
RETRYABLE = {"40P01", "40001"}  # deadlock_detected, serialization_failure


class BatchTooLarge(DomainError):
    status = 413
    code = "batch_too_large"
    message = "The batch has too many items; send them in smaller batches."
    message_th = "ชุดข้อมูลมีรายการมากเกินไป ให้ส่งเป็นชุดที่เล็กลง"


@blp.route("/sync", methods=["POST"])
@requires("session")
@blp.arguments(SyncBatchSchema, error_status_code=400)
@blp.response(200, SyncResultSchema)
def sync(batch):
    """Record a batch of items made offline; replaying a batch is safe."""
    limit = current_app.config["SYNC_MAX_ITEMS"]
    if len(batch["items"]) > limit:
        raise BatchTooLarge(f"At most {limit} items per batch; send the rest in another batch.",
                            message_th=f"ส่งได้ไม่เกิน {limit} รายการต่อชุด ที่เหลือให้ส่งในชุดถัดไป")
    for attempt in range(RETRIES):
        try:
            result = services.process_batch(current_principal(), batch)
            db.session.commit()
            # The answer SyncResultSchema documents, written without its generic walk.
            return current_app.json.response(dump_result(result))
        except OperationalError as error:
            # A deadlock or serialisation failure undoes the whole batch; replaying it is safe
            # (every item is idempotent), so try again before answering.
            if getattr(error.orig, "pgcode", None) not in RETRYABLE or attempt == RETRIES - 1:
                raise
            db.session.rollback()
    raise AssertionError("unreachable")
