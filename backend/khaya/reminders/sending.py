"""What is due to whom, and sending it: run by the job queue every ten minutes.

For each subscription and each topic it chose, outside its quiet hours (Thai time):

- ``collection_tomorrow``: a collection schedule of its village has a day tomorrow;
- ``buying_day_tomorrow``: a waste bank of its village's LGO buys tomorrow;
- ``not_logged``: its household has not logged for ``not_logged_days`` days;
- ``inspection_due``: households of the villages its volunteer looks after are due their wet-bin
  inspection (never inspected, or not for ``OVERDUE_DAYS``: the volunteers' coverage rule);
- ``report_closed``: the LGO closed a report its person made today (the app shows every report
  and its note; the push says the first, or how many).

At most one message a day per subscription and topic: the ``push_deliveries`` row is claimed
(a unique key) before the message goes, so two workers never both send it, and given back when
the push service fails for a reason other than the subscription being gone. A 404 or 410 from
the push service means the browser dropped the subscription: it is deleted.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass

from flask import current_app
from pywebpush import WebPushException, webpush
from sqlalchemy import delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert

from ..areas.models import Village
from ..auth.models import VolunteerAssignment, VolunteerProfile
from ..auth.scoping import unscoped
from ..collection import calendar
from ..collection.models import ScheduleKind
from ..common.time import local_zone
from ..extensions import db
from ..households.models import Household
from ..participation.models import Inspection, Review
from ..reports.models import Report, ReportStatus
from ..users.coverage import OVERDUE_DAYS
from ..wastebank.models import first_buying_day
from . import keys
from .models import PushDelivery, PushSubscription

log = logging.getLogger(__name__)
GONE = frozenset({404, 410})
STREAM = {"th": {"organic": "ขยะเปียก", "recyclable": "ขยะรีไซเคิล", "general": "ขยะทั่วไป",
                 "hazardous": "ขยะอันตราย"},
          "en": {"organic": "food waste", "recyclable": "recyclables",
                 "general": "general waste", "hazardous": "hazardous waste"}}
# A reminder about tomorrow is no use after its day: push services drop it after a day.
TTL_S = 24 * 3600


@dataclass(frozen=True)
class Message:
    topic: str
    title: str
    body: str
    url: str


def quiet(subscription: PushSubscription, at: dt.time) -> bool:
    start, end = subscription.quiet_from, subscription.quiet_until
    if start == end:
        return False
    if start < end:
        return start <= at < end
    return at >= start or at < end


def _span(start: dt.time | None, end: dt.time | None) -> str:
    if start and end:
        return f" {start:%H:%M}–{end:%H:%M}"
    return f" {start:%H:%M}" if start else ""


def _collection(subscription: PushSubscription, village: Village, tomorrow: dt.date,
                lang: str) -> Message | None:
    parts = []
    for schedule in calendar.village_schedules(village):
        if schedule.kind is ScheduleKind.collection and calendar.occurrences(
                schedule, tomorrow, tomorrow):
            parts.append(STREAM[lang][schedule.stream]
                         + _span(schedule.starts_at, schedule.ends_at))
    if not parts:
        return None
    title = "พรุ่งนี้มีเก็บขยะ" if lang == "th" else "Collection tomorrow"
    return Message("collection_tomorrow", title, ", ".join(parts), "/?reminder=collection")


def _buying(village: Village, tomorrow: dt.date, lang: str) -> Message | None:
    banks = calendar.village_banks(village)
    names = [(bank.name_th if lang == "th" else bank.name_en or bank.name_th) for bank in banks
             if first_buying_day(bank.buying_schedule, tomorrow) == tomorrow]
    if not names:
        return None
    title = "พรุ่งนี้ธนาคารขยะรับซื้อ" if lang == "th" else "Waste bank buys tomorrow"
    return Message("buying_day_tomorrow", title, ", ".join(names), "/passbook?reminder=bank")


def _not_logged(subscription: PushSubscription, today: dt.date, lang: str) -> Message | None:
    if subscription.household_id is None:
        return None
    last = db.session.execute(select(Household.last_log_on).where(
        Household.id == subscription.household_id), execution_options=unscoped()).scalar()
    days = subscription.not_logged_days
    if last is not None and (today - last).days < days:
        return None
    if lang == "th":
        return Message("not_logged", f"ไม่ได้บันทึกการคัดแยกขยะมา {days} วันแล้ว",
                       "บันทึกวันนี้ได้เลย ใช้เวลาไม่ถึงนาที", "/?reminder=log")
    return Message("not_logged", f"No sorting logged for {days} days",
                   "Log today: it takes less than a minute.", "/?reminder=log")


def _inspection_due(subscription: PushSubscription, today: dt.date,
                    lang: str) -> Message | None:
    villages = select(VolunteerAssignment.village_id).join(
        VolunteerProfile, VolunteerProfile.user_id == VolunteerAssignment.user_id).where(
        VolunteerAssignment.user_id == subscription.user_id, VolunteerProfile.active)
    last = (select(func.max(Inspection.inspected_on))
            .where(Inspection.household_id == Household.id, Inspection.inspected_on <= today,
                   Inspection.review.is_distinct_from(Review.rejected))
            .scalar_subquery())
    due_count = db.session.execute(
        select(func.count()).select_from(Household)
        .where(Household.village_id.in_(villages), Household.active,
               or_(last.is_(None), last < today - dt.timedelta(days=OVERDUE_DAYS))),
        execution_options=unscoped()).scalar_one()
    if not due_count:
        return None
    if lang == "th":
        return Message("inspection_due", "ถึงรอบตรวจถังขยะเปียก",
                       f"บ้าน {due_count} หลังในหมู่บ้านที่คุณดูแลยังไม่ได้ตรวจเกิน "
                       f"{OVERDUE_DAYS} วัน", "/households?reminder=inspection")
    return Message("inspection_due", "Inspections due",
                   f"{due_count} households in your villages not inspected for {OVERDUE_DAYS} "
                   "days", "/households?reminder=inspection")


REPORT_TYPES = {
    "th": {"illegal_dumping": "ทิ้งขยะไม่ถูกที่", "open_burning": "เผาขยะกลางแจ้ง",
           "collection_point": "จุดรวบรวมขยะล้นหรือชำรุด",
           "missed_collection": "รถเก็บขยะไม่มาตามนัด", "hazardous_found": "พบขยะอันตราย",
           "other": "เรื่องอื่น"},
    "en": {"illegal_dumping": "Illegal dumping", "open_burning": "Open burning",
           "collection_point": "Collection point full or damaged",
           "missed_collection": "Missed collection", "hazardous_found": "Hazardous waste found",
           "other": "Other"},
}


def _report_closed(subscription: PushSubscription, today: dt.date,
                   lang: str) -> Message | None:
    start = dt.datetime.combine(today, dt.time(), tzinfo=local_zone())
    # The person's own reports, found by who made them.
    closed = db.session.execute(
        select(Report.type, Report.close_note)
        .where(Report.recorded_by_id == subscription.user_id,
               Report.status == ReportStatus.closed, Report.closed_at >= start,
               Report.closed_at < start + dt.timedelta(days=1))
        .order_by(Report.closed_at), execution_options=unscoped()).all()
    if not closed:
        return None
    kind, note = closed[0]
    name = REPORT_TYPES[lang][kind.value]
    if lang == "th":
        title = "เรื่องที่คุณแจ้งเสร็จแล้ว"
        body = f"{name}: {note}" if len(closed) == 1 else f"เสร็จแล้ว {len(closed)} เรื่อง"
    else:
        title = "Your report was dealt with"
        body = f"{name}: {note}" if len(closed) == 1 else f"{len(closed)} reports done"
    return Message("report_closed", title, body[:180], "/reports")


def due(subscription: PushSubscription, now: dt.datetime) -> list[Message]:
    """The messages due to a subscription at ``now`` (aware), before the once-a-day rule."""
    local = now.astimezone(local_zone())
    if quiet(subscription, local.time()):
        return []
    today = local.date()
    tomorrow = today + dt.timedelta(days=1)
    lang = subscription.lang if subscription.lang in STREAM else "th"
    village = db.session.get(Village, subscription.village_id) if subscription.village_id \
        else None
    found: list[Message | None] = []
    for topic in subscription.topics:
        if topic == "collection_tomorrow" and village is not None:
            found.append(_collection(subscription, village, tomorrow, lang))
        elif topic == "buying_day_tomorrow" and village is not None:
            found.append(_buying(village, tomorrow, lang))
        elif topic == "not_logged":
            found.append(_not_logged(subscription, today, lang))
        elif topic == "inspection_due":
            found.append(_inspection_due(subscription, today, lang))
        elif topic == "report_closed":
            found.append(_report_closed(subscription, today, lang))
    return [m for m in found if m is not None]


def _claim(subscription_id: int, topic: str, day: dt.date) -> int | None:
    return db.session.execute(
        insert(PushDelivery).values(subscription_id=subscription_id, topic=topic, day=day,
                                    status=0)
        .on_conflict_do_nothing(constraint="uq_push_deliveries_once")
        .returning(PushDelivery.id)).scalar()


def send(subscription: PushSubscription, message: Message) -> int:
    """Send one message; returns the push service's status (raises WebPushException)."""
    payload = json.dumps({"title": message.title, "body": message.body, "url": message.url,
                          "topic": message.topic, "lang": subscription.lang},
                         ensure_ascii=False)
    response = webpush(
        subscription_info={"endpoint": subscription.endpoint,
                           "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}},
        data=payload, vapid_private_key=keys.private_key_path(),
        vapid_claims={"sub": current_app.config["PUSH_VAPID_SUBJECT"]},
        ttl=TTL_S, timeout=current_app.config["PUSH_TIMEOUT_S"])
    return int(getattr(response, "status_code", 201))


def send_due(now: dt.datetime | None = None) -> dict[str, int]:
    """Send every reminder due now; commits after each. Returns counts by outcome."""
    now = now or dt.datetime.now(dt.UTC)
    today = now.astimezone(local_zone()).date()
    counts = dict.fromkeys(("sent", "already", "gone", "failed"), 0)
    ids = list(db.session.execute(select(PushSubscription.id).order_by(PushSubscription.id))
               .scalars())
    for subscription_id in ids:
        subscription = db.session.get(PushSubscription, subscription_id)
        if subscription is None:
            continue
        for message in due(subscription, now):
            delivery_id = _claim(subscription.id, message.topic, today)
            if delivery_id is None:
                counts["already"] += 1
                continue
            db.session.commit()  # the claim holds before anything goes out
            try:
                status = send(subscription, message)
            except WebPushException as error:
                status = getattr(error.response, "status_code", 0) or 0
                if status in GONE:
                    db.session.execute(delete(PushSubscription).where(
                        PushSubscription.id == subscription.id))
                    db.session.commit()
                    counts["gone"] += 1
                    break
                db.session.execute(delete(PushDelivery).where(PushDelivery.id == delivery_id))
                db.session.commit()
                log.warning("push to subscription %s failed: %s", subscription.id, error)
                counts["failed"] += 1
                continue
            delivered = db.session.get(PushDelivery, delivery_id)
            if delivered is not None:
                delivered.status = status
            db.session.commit()
            counts["sent"] += 1
    return counts
