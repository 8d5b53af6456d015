"""The life of one cylinder in order, and the other way round: what a customer received, what a station filled.
Each is a fixed number of queries, whatever the history's length."""
from django.db.models import Prefetch

from gasguard.hazards.models import Hazard

from .models import CylinderReturn, Delivery, Filling, GateCheck, PeriodicInspection, SaleItem, StatusChange


def _event(at, kind, title, **detail):
    return {"at": at, "kind": kind, "title": title, **detail}


def cylinder_trace(cylinder) -> list[dict]:
    """Registration, status decisions, periodic inspections, gate checks, fillings, sales, deliveries with their
    safety checks and hazards, returns: one list in time order. No personal data beyond the buyer's name."""
    events = [_event(cylinder.registered_at, "registration", "登记建档", owner=str(cylinder.owner),
                     model=cylinder.model, maker=cylinder.maker, maker_serial=cylinder.maker_serial)]
    for change in StatusChange.objects.filter(cylinder=cylinder):
        events.append(_event(change.at, "status", f"状态变更：{change.get_to_status_display()}",
                             reason=change.reason))
    for row in PeriodicInspection.objects.filter(cylinder=cylinder):
        events.append(_event(row.recorded_at, "inspection", "定期检验" + ("合格" if row.passed else "不合格"),
                             inspected_on=row.inspected_on, agency=row.agency, extended_life=row.extended_life))
    # Gate checks and fillings are the long part of a life (a fill every few weeks for years): read as plain rows,
    # the columns shown only, with no model instances.
    for check in (GateCheck.objects.filter(cylinder=cylinder).order_by()
                  .values_list("checked_at", "allowed", "reasons", "offline", "station__name")):
        at, allowed, reasons, offline, station = check
        events.append(_event(at, "gate_check", "充装前检查：" + ("允许" if allowed else "拒绝"),
                             station=station, allowed=allowed, reasons=reasons, offline=offline))
    for fill in (Filling.objects.filter(cylinder=cylinder).order_by()
                 .values_list("filled_at", "station__name", "operator__name", "net_weight_kg", "post_checks_passed",
                              "offline")):
        at, station, operator, weight, passed, offline = fill
        events.append(_event(at, "filling", "充装", station=station, operator=operator, net_weight_kg=str(weight),
                             post_checks_passed=passed, offline=offline))
    items = list(SaleItem.objects.filter(cylinder=cylinder).select_related("sale__seller", "sale__customer"))
    sale_ids = [i.sale_id for i in items]
    for item in items:
        sale = item.sale
        events.append(_event(sale.sold_at, "sale", "实名制销售", sale=sale.number, seller=str(sale.seller),
                             customer=sale.customer.name, customer_id=sale.customer_id, address=sale.usage_address))
    # A delivery and a return both belong to a sale of the cylinder: none sold, nothing to read (two round trips
    # fewer for the many cylinders a trace finds unsold).
    deliveries = [] if not sale_ids else (Delivery.objects.filter(sale_id__in=sale_ids).select_related("sale", "courier", "safety_checker")
                  .prefetch_related(Prefetch("hazards", queryset=Hazard.objects.select_related("lead_unit"))))
    for d in deliveries:
        events.append(_event(d.delivered_at, "delivery", "配送及随瓶安检", sale=d.sale.number, courier=str(d.courier),
                             safety_checker=str(d.safety_checker), failed=d.failed_count, delivery_id=d.pk,
                             notice=bool(d.notice),
                             hazards=[{"number": h.number, "description": h.description, "lead_unit": str(h.lead_unit),
                                       "deadline": h.deadline, "state": h.state} for h in d.hazards.all()]))
    for ret in CylinderReturn.objects.filter(cylinder=cylinder).select_related("sale") if sale_ids else ():
        events.append(_event(ret.returned_at, "return", "空瓶回收", sale=ret.sale.number))
    order = {"registration": 0, "inspection": 1, "status": 2, "gate_check": 3, "filling": 4, "sale": 5,
             "delivery": 6, "return": 7}
    events.sort(key=lambda e: (e["at"], order[e["kind"]]))
    return events


def received_by(customer):
    """What a customer received: each sale with its cylinders, delivery and return."""
    return (SaleItem.objects.filter(sale__customer=customer)
            .select_related("cylinder", "sale", "sale__seller", "sale__delivery").order_by("-sale__sold_at", "id"))


def filled_at_station(station):
    return Filling.objects.filter(station=station).select_related("cylinder", "operator").order_by("-filled_at")


def delivered_by(worker):
    """What a courier delivered: each delivery with its sale's cylinders."""
    return (Delivery.objects.filter(courier=worker).select_related("sale", "sale__customer", "site")
            .prefetch_related("sale__cylinders").order_by("-delivered_at"))
