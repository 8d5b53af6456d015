"""What the verbs of the cylinder chain share: settings, dates, refusals with their reasons, licences, numbers."""
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from gasguard.sites.models import Licence
from gasguard.utilities import clock


def setting(name, default):
    return getattr(settings, name, default)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class Refused(ValidationError):
    """A refusal with every reason, each as (code, message): the gate's and the sale's answer."""

    def __init__(self, reasons):
        self.reasons = list(reasons)
        super().__init__({"reasons": [ValidationError(str(m), code=c) for c, m in self.reasons]})

    @property
    def codes(self):
        return [c for c, _ in self.reasons]

    def as_list(self):
        return [{"code": c, "message": str(m)} for c, m in self.reasons]


def _reason(choice, detail=""):
    return (choice.value, f"{choice.label}{'：' + detail if detail else ''}")


def _when(value, field):
    """An aware datetime from a datetime or an ISO string; not in the future (a device clock may run 5 min fast)."""
    if value is None:
        return clock.now()
    if not isinstance(value, datetime):
        try:
            parsed = parse_datetime(value) if isinstance(value, str) else None
        except ValueError:  # well formed but no such day or hour
            parsed = None
        if parsed is None:
            raise ValidationError({field: _("时间“%(value)s”格式不正确（应为ISO 8601）") % {"value": value}})
        value = parsed
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > clock.now() + timedelta(minutes=5):
        raise ValidationError({field: _("时间不能晚于现在")})
    return value


# --- licences ----------------------------------------------------------------------------------------------------

def _licences(kind, *, enterprise=None, site=None):
    q = Q()
    if enterprise is not None:
        q |= Q(enterprise=enterprise) | Q(site__enterprise=enterprise)
    if site is not None:
        q |= Q(site=site)
    return list(Licence.objects.filter(q, kind=kind))


def _licence_problem(licences, day, missing, invalid):
    if not licences:
        return missing
    if not any(lic.is_valid_on(day) for lic in licences):
        return invalid
    return None


def _positive(value, *, limit=None) -> Decimal | None:
    """A finite number above zero (and at most `limit`), or None: a weight or a measure is never negative, NaN or
    infinite."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        return None
    if not number.is_finite() or number <= 0 or (limit is not None and number > limit):
        return None
    return number
