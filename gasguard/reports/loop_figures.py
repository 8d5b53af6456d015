"""The cylinder and monitoring loops' part of a unit's monthly figures (campaign.figures.compute), counted here,
above those apps and campaign, and handed to campaign when the app starts."""
from django.db.models import Q

from gasguard.campaign.figures import area
from gasguard.cylinders.models import Delivery, Filling, Sale
from gasguard.monitoring.models import Alarm


def cylinders(unit, lo, hi) -> dict:
    """Cylinder figures for a zone or street (the stations, buyers and premises in its area)."""
    if unit.is_department:
        return {}
    deliveries = Delivery.objects.filter(area(unit, "site__jurisdiction__"), delivered_at__gte=lo,
                                         delivered_at__lt=hi)
    return {
        "fillings": Filling.objects.filter(area(unit, "station__jurisdiction__"), filled_at__gte=lo,
                                           filled_at__lt=hi).count(),
        "sales": Sale.objects.filter(area(unit, "jurisdiction__"), sold_at__gte=lo, sold_at__lt=hi).count(),
        "delivery_checks": deliveries.count(),
        "delivery_failed": deliveries.filter(failed_count__gt=0).count(),
    }


def alarms(unit, lo, hi) -> dict:
    """Alarms raised in a zone's or street's area; for a department, the alarms dispatched to it."""
    scope = Q(dispatched_to_unit=unit.obj) if unit.is_department else area(unit, "jurisdiction__")
    return {"alarms": Alarm.objects.filter(scope, raised_at__gte=lo, raised_at__lt=hi).count()}
