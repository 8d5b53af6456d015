"""Signals for inspectors, each with its evidence: a station trying to fill cylinders it does not own; a cylinder
filled again without having been delivered and returned (refilling outside the chain, 倒灌); a customer whose
consumption is far above its peers; cylinders not seen for a long time; cylinders whose inspection or service life
ends soon. Read-only: they point inspectors at places, they change nothing."""
from collections import defaultdict
from datetime import timedelta
from statistics import median

from django.db.models import Count, F, Max, Q, Window
from django.db.models.functions import RowNumber

from gasguard.utilities import clock

from .choices import Status
from .models import Cylinder, CylinderReturn, Filling, GateCheck, SaleItem


def _latest_per_station(qs, station_ids, n, *fields):
    """The latest `n` rows of `qs` at each station, in one query (ROW_NUMBER over each station's rows): the evidence
    of every flagged station without a query per station. {station_id: [row values…]}, newest first."""
    rows = (qs.filter(station_id__in=station_ids)
            .annotate(rank=Window(RowNumber(), partition_by=F("station_id"),
                                  order_by=(F("checked_at").desc(), F("id").desc())))
            .filter(rank__lte=n).order_by("station_id", "rank").values_list("station_id", *fields))
    latest = defaultdict(list)
    for station_id, *values in rows:
        latest[station_id].append(values)
    return latest


def stations_filling_others(*, days=30, minimum=3) -> list[dict]:
    since = clock.now() - timedelta(days=days)
    attempts = GateCheck.objects.filter(checked_at__gte=since, reason_codes__contains="not_own")
    rows = list(attempts.values("station_id", "station__name").annotate(attempts=Count("id"), last=Max("checked_at"))
                .filter(attempts__gte=minimum).order_by("-attempts"))
    codes = _latest_per_station(attempts, [r["station_id"] for r in rows], 10, "code")
    return [{"station": row["station_id"], "station_name": row["station__name"], "attempts": row["attempts"],
             "last": row["last"], "codes": [c for (c,) in codes[row["station_id"]]]} for row in rows]


def repeated_refusals(*, days=30, minimum=5, sample=200) -> list[dict]:
    """Stations where the gate refused at least `minimum` times in `days`, with the refusals by reason (over the
    latest `sample`) and the latest refused codes: a station that keeps presenting unfit or foreign cylinders is
    worth a visit."""
    from .choices import GateReason

    since = clock.now() - timedelta(days=days)
    refused = GateCheck.objects.filter(checked_at__gte=since, allowed=False)
    rows = list(refused.values("station_id", "station__name", "station__enterprise__name")
                .annotate(refusals=Count("id"), last=Max("checked_at")).filter(refusals__gte=minimum)
                .order_by("-refusals"))
    latest = _latest_per_station(refused, [r["station_id"] for r in rows], sample, "code", "reason_codes",
                                 "checked_at")
    labels = dict(GateReason.choices)
    result = []
    for row in rows:
        recent = latest[row["station_id"]]
        by_reason = defaultdict(int)
        for _, reason_codes, _ in recent:
            for code in filter(None, reason_codes.split(",")):
                by_reason[code] += 1
        result.append({"station": row["station_id"], "station_name": row["station__name"],
                       "enterprise": row["station__enterprise__name"], "refusals": row["refusals"],
                       "last": row["last"],
                       "by_reason": sorted(({"code": c, "label": str(labels.get(c, c)), "count": n}
                                            for c, n in by_reason.items()), key=lambda r: -r["count"]),
                       "latest": [{"code": c, "reasons": [str(labels.get(r, r)) for r in rc.split(",") if r],
                                   "at": at} for c, rc, at in recent[:10]]})
    return result


def refilled_outside_chain(*, days=90) -> list[dict]:
    """Two fillings of a cylinder with no return of it in between."""
    since = clock.now() - timedelta(days=days)
    fillings = list(Filling.objects.filter(filled_at__gte=since).order_by("cylinder_id", "filled_at")
                    .values_list("cylinder_id", "filled_at", "station_id"))
    returns = defaultdict(list)
    for cylinder_id, at in CylinderReturn.objects.filter(
            cylinder_id__in={f[0] for f in fillings}, returned_at__gte=since).values_list("cylinder_id",
                                                                                         "returned_at"):
        returns[cylinder_id].append(at)
    found = []
    for (c1, t1, _), (c2, t2, station) in zip(fillings, fillings[1:], strict=False):
        if c1 == c2 and not any(t1 < r <= t2 for r in returns[c1]):
            found.append({"cylinder": c2, "first_filled_at": t1, "filled_again_at": t2, "station": station})
    codes = dict(Cylinder.objects.filter(pk__in={f["cylinder"] for f in found}).values_list("pk", "code"))
    for f in found:
        f["code"] = codes[f["cylinder"]]
    return found


def heavy_consumers(*, days=90, factor=3) -> list[dict]:
    """Customers who received more than `factor` times the median kilograms of customers of their kind."""
    since = clock.now() - timedelta(days=days)
    totals = defaultdict(float)
    kind = {}
    for customer_id, customer_kind, site_type, kg in SaleItem.objects.filter(sale__sold_at__gte=since).values_list(
            "sale__customer_id", "sale__customer__kind", "sale__customer__site__site_type", "cylinder__nominal_fill_kg"):
        totals[customer_id] += float(kg)
        kind[customer_id] = site_type or customer_kind
    by_kind = defaultdict(list)
    for customer_id, kg in totals.items():
        by_kind[kind[customer_id]].append(kg)
    found = []
    for customer_id, kg in totals.items():
        peers = by_kind[kind[customer_id]]
        if len(peers) >= 3 and kg > factor * median(peers):
            found.append({"customer": customer_id, "kind": kind[customer_id], "kg": kg, "peer_median_kg": median(peers)})
    return sorted(found, key=lambda f: -f["kg"])


def not_seen(*, days=180) -> list[dict]:
    """Cylinders in service with no gate check, filling, sale or return for `days`."""
    since = clock.now() - timedelta(days=days)
    recent = (Q(gate_checks__checked_at__gte=since) | Q(fillings__filled_at__gte=since)
              | Q(sale_items__sale__sold_at__gte=since) | Q(returns__returned_at__gte=since))
    seen = Cylinder.objects.filter(recent).values("pk")
    rows = (Cylinder.objects.filter(status=Status.IN_SERVICE, registered_at__lt=since).exclude(pk__in=seen)
            .select_related("owner").order_by("id")[:1000])
    return [{"cylinder": c.pk, "code": c.code, "owner": str(c.owner)} for c in rows]


def ending_soon(*, days=30) -> list[dict]:
    """Cylinders whose inspection date or service life ends within `days`, with the owner and the last customer."""
    today = clock.today()
    until = today + timedelta(days=days)
    rows = list(Cylinder.objects.filter(status=Status.IN_SERVICE).filter(
        Q(next_inspection_due__range=(today, until)) | Q(service_life_ends__range=(today, until)))
        .select_related("owner").order_by("next_inspection_due")[:1000])
    last_customer = {}
    for cylinder_id, customer_id, name in (SaleItem.objects.filter(cylinder__in=rows).order_by("sale__sold_at")
                                           .values_list("cylinder_id", "sale__customer_id", "sale__customer__name")):
        last_customer[cylinder_id] = {"id": customer_id, "name": name}
    return [{"cylinder": c.pk, "code": c.code, "owner": str(c.owner), "next_inspection_due": c.next_inspection_due,
             "service_life_ends": c.service_life_ends, "last_customer": last_customer.get(c.pk)} for c in rows]


def all_signals() -> dict:
    return {"repeated_refusals": repeated_refusals(),
            "stations_filling_others": stations_filling_others(), "refilled_outside_chain": refilled_outside_chain(),
            "heavy_consumers": heavy_consumers(), "not_seen": not_seen(), "ending_soon": ending_soon()}


def queue_reminders(*, days=30) -> int:
    """Queue a reminder to the owner and to the last customer of each cylinder whose inspection or service life ends
    within `days`. Safe to run every day: a reminder already queued is not queued again."""
    from .models import Reminder

    today = clock.today()
    rows = []
    soon = ending_soon(days=days)
    cylinders = Cylinder.objects.select_related("owner").in_bulk([s["cylinder"] for s in soon])
    for signal in soon:
        cylinder = cylinders[signal["cylinder"]]
        for kind, due in ((Reminder.Kind.INSPECTION, cylinder.next_inspection_due),
                          (Reminder.Kind.SERVICE_LIFE, cylinder.service_life_ends)):
            if not (today <= due <= today + timedelta(days=days)):
                continue
            text = f"气瓶 {cylinder.code} 的{Reminder.Kind(kind).label}日为 {due:%Y-%m-%d}"
            rows.append(Reminder(cylinder=cylinder, kind=kind, due_on=due, recipient=Reminder.Recipient.OWNER,
                                 enterprise=cylinder.owner, message=text + "，请安排检验或报废。"))
            if signal["last_customer"]:
                rows.append(Reminder(cylinder=cylinder, kind=kind, due_on=due, recipient=Reminder.Recipient.CUSTOMER,
                                     customer_id=signal["last_customer"]["id"],
                                     message=text + "，到期后不得继续使用，请联系供气企业更换。"))
    before = Reminder.objects.count()
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return Reminder.objects.count() - before


def send_reminders(*, limit=1000) -> dict:
    """Send the queued reminders. Each row is claimed with a conditional UPDATE … WHERE sent_at IS NULL, so two runs
    (or two workers) never send one twice. The owner's reminder is an in-app notice (the enterprise's reminders page
    lists it); the customer's goes by the SMS gateway through the outbox (gasguard.notifications) when one is
    configured (MONITORING_WEBHOOK_URL, a webhook notification with the phone number sealed: encrypted in the outbox
    row), and is otherwise listed for the seller to pass on by phone."""
    from django.conf import settings
    from django.db import transaction

    from gasguard.notifications import services as outbox
    from gasguard.notifications.choices import Channel

    from .models import Reminder

    now = clock.now()
    sent = {"in_app": 0, "sms": 0}
    with transaction.atomic():
        ids = list(Reminder.objects.filter(sent_at__isnull=True).order_by("id").values_list("pk", flat=True)[:limit])
        claimed = Reminder.objects.filter(pk__in=ids, sent_at__isnull=True)
        rows = list(claimed.select_related("customer", "cylinder"))
        claimed.update(sent_at=now)
        for r in rows:
            if (r.recipient == Reminder.Recipient.CUSTOMER and settings.MONITORING_WEBHOOK_URL
                    and r.customer.phone_encrypted):
                # The outbox row keeps the masked phone and the ciphertext: the gateway's sender opens it when it
                # posts (notifications.channels), so the number is stored nowhere in clear.
                outbox.enqueue("cylinder.reminder", [(Channel.WEBHOOK, settings.MONITORING_WEBHOOK_URL)],
                               {"event": "cylinder.reminder", "title": "气瓶到期提醒", "phone": r.customer.phone_masked,
                                "customer": r.customer_id, "sealed": {"phone": r.customer.phone_encrypted},
                                "text": r.message, "cylinder": r.cylinder.code, "due_on": r.due_on.isoformat()},
                               subject=r, now=now)
                sent["sms"] += 1
            else:
                sent["in_app"] += 1
    return sent
