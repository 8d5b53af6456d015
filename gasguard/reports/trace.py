"""责任倒查 (accountability trace): for a hazard or a set of hazards, everyone who inspected, signed, rectified,
verified and looked back, with times — read from the inspections, the hazards' signed steps and the look-backs.

Who may see what: the set is always cut to the user's ledger scope first (Hazard.objects.visible_to), so a street sees
only the hazards in its area, and with them everyone who acted on those hazards."""
import io
from collections import Counter, defaultdict

from django.db.models import Case, CharField, Count, Prefetch, Q, Value, When
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from openpyxl import Workbook

from gasguard.hazards.choices import Action
from gasguard.hazards.filtersets import HazardFilter
from gasguard.hazards.models import Hazard, HazardEvent, LookBack
from gasguard.inspections.models import Inspection
from gasguard.org.models import Department, User
from gasguard.utilities import spreadsheet

# What each signed step says about the person's part (谁检查、谁签名、谁负责).
INSPECT, FIND, RECTIFY, VERIFY, LOOKBACK, SUPERVISE, ASSIGN = "检查", "登记", "整改", "验收", "回头看", "督办", "调整"
ROLE_OF_ACTION = {
    Action.REGISTER: FIND, Action.START: RECTIFY, Action.CONTROL: RECTIFY, Action.SUBMIT: RECTIFY,
    Action.VERIFY_PASS: VERIFY, Action.VERIFY_FAIL: VERIFY, Action.LOOKBACK_OK: LOOKBACK,
    Action.LOOKBACK_REBOUND: LOOKBACK, Action.ESCALATE: SUPERVISE, Action.REASSIGN: ASSIGN,
}
ROLES = [INSPECT, FIND, RECTIFY, VERIFY, LOOKBACK, SUPERVISE, ASSIGN]


@extend_schema_field(OpenApiTypes.INT)
class _UnitFilter(filters.ModelChoiceFilter):
    """A department id (typed for the OpenAPI schema, which cannot guess it from a filter method)."""


class _NumberInFilter(filters.BaseInFilter, filters.NumberFilter):
    pass


class TraceFilter(HazardFilter):
    """The ledger's filters, plus the people: who verified, rectified or found, or anyone who acted at all."""

    unit = _UnitFilter(queryset=Department.objects.all(), method="filter_unit", label="责任单位")
    id = _NumberInFilter(field_name="id", label="隐患ID（逗号分隔）")
    number = filters.CharFilter(field_name="number", label="隐患编号")
    verified_by = filters.NumberFilter(field_name="verified_by_id", label="验收人")
    rectified_by = filters.NumberFilter(field_name="rectified_by_id", label="整改提交人")
    found_by = filters.NumberFilter(field_name="found_by_id", label="发现人")
    person = filters.NumberFilter(method="filter_person", label="经办人（任一环节）")
    person_name = filters.CharFilter(method="filter_person_name", label="经办人姓名")
    verifier_name = filters.CharFilter(method="filter_verifier_name", label="验收人姓名")
    closed_after = filters.DateFilter(field_name="closed_at", lookup_expr="date__gte", label="销号日期从")
    closed_before = filters.DateFilter(field_name="closed_at", lookup_expr="date__lte", label="销号日期至")

    class Meta(HazardFilter.Meta):
        fields = HazardFilter.Meta.fields

    @staticmethod
    def _users_named(value):
        value = value.strip()
        return User.objects.filter(Q(full_name__icontains=value) | Q(username=value)).values("pk")

    def filter_person_name(self, queryset, name, value):
        if not value.strip():
            return queryset
        users = self._users_named(value)
        acted = HazardEvent.objects.filter(actor_id__in=users).values("hazard_id")
        inspected = Inspection.objects.filter(inspector_id__in=users).values("pk")
        return queryset.filter(Q(pk__in=acted) | Q(inspection_id__in=inspected))

    def filter_verifier_name(self, queryset, name, value):
        return queryset.filter(verified_by_id__in=self._users_named(value)) if value.strip() else queryset

    def filter_person(self, queryset, name, value):
        acted = HazardEvent.objects.filter(actor_id=value).values("hazard_id")
        inspected = Inspection.objects.filter(inspector_id=value).values("pk")
        looked = LookBack.objects.filter(checked_by_id=value).values("hazard_id")
        return queryset.filter(Q(pk__in=acted) | Q(inspection_id__in=inspected) | Q(pk__in=looked))


def hazards_for(user, params) -> tuple[TraceFilter, object]:
    """The filter form and the filtered hazards, inside `user`'s scope."""
    base = Hazard.objects.visible_to(user)
    f = TraceFilter(params, queryset=base)
    qs = f.qs if f.is_valid() else base.none()
    return f, qs.order_by("-found_at", "-id")


def with_people(qs):
    """Everything the trace reads, in a fixed number of queries whatever the number of hazards."""
    return qs.select_related("site", "jurisdiction", "lead_unit", "inspection__inspector__department",
                             "inspection__inspector__jurisdiction", "inspection__inspector__enterprise",
                             "inspection__department").prefetch_related(
        Prefetch("events", HazardEvent.objects.select_related(
            "actor__department", "actor__jurisdiction", "actor__enterprise").order_by("at", "id")),
        Prefetch("lookbacks", LookBack.objects.select_related(
            "checked_by__department", "checked_by__jurisdiction", "checked_by__enterprise").order_by("drawn_at")))


def _who(user):
    return (user.display_name, user.unit_name) if user else ("（系统）", "")


def entries(h: Hazard) -> list[dict]:
    """The hazard's people, in time order: one line per signed act."""
    out = []
    if h.inspection_id:
        i = h.inspection
        name, unit = _who(i.inspector)
        out.append({"role": INSPECT, "step": f"{i.get_kind_display()}并签名", "person": name, "person_id": i.inspector_id,
                    "unit": unit, "signature": i.signature, "at": i.inspected_at, "note": i.note})
    for e in h.events.all():
        name, unit = _who(e.actor)
        out.append({"role": ROLE_OF_ACTION.get(e.action, ""), "step": e.get_action_display(), "person": name,
                    "person_id": e.actor_id, "unit": unit, "signature": name if e.actor_id else "", "at": e.at,
                    "note": e.note})
    for lb in h.lookbacks.all():
        if lb.checked_by_id:  # the re-check itself is also a signed step above; this line adds the month drawn
            continue
        out.append({"role": LOOKBACK, "step": f"回头看抽取（{lb.month}），待复查", "person": "", "person_id": None,
                    "unit": "", "signature": "", "at": lb.drawn_at, "note": ""})
    out.sort(key=lambda r: r["at"])
    return out


def hazard_head(h: Hazard) -> dict:
    return {"id": h.pk, "number": h.number, "site": h.site.name, "jurisdiction": h.jurisdiction.name,
            "lead_unit": h.lead_unit.name, "state": h.get_state_display(), "severity": h.get_severity_display(),
            "responsible_party": h.responsible_party, "responsible_person": h.responsible_person,
            "found_at": h.found_at, "closed_at": h.closed_at, "deadline": h.deadline}


def people(qs) -> list[dict]:
    """Everyone who acted on the set, with how many of its hazards they touched in each part (three queries)."""
    ids = qs.order_by().values("pk")
    counts: dict[int, Counter] = defaultdict(Counter)
    for row in (Inspection.objects.filter(hazards__in=ids).order_by().values("inspector_id")
                .annotate(n=Count("hazards", distinct=True))):
        counts[row["inspector_id"]][INSPECT] += row["n"]
    # Hazards per person and part, not acts: starting and submitting one rectification is one hazard rectified.
    part = Case(*[When(action=a, then=Value(r)) for a, r in ROLE_OF_ACTION.items()], default=Value(ASSIGN),
                output_field=CharField())
    for row in (HazardEvent.objects.filter(hazard__in=ids, actor__isnull=False).order_by().annotate(part=part)
                .values("actor_id", "part").annotate(n=Count("hazard", distinct=True))):
        counts[row["actor_id"]][row["part"]] += row["n"]
    users = User.objects.select_related("department", "jurisdiction", "enterprise").in_bulk(list(counts))
    rows = [{"person_id": pk, "person": users[pk].display_name, "unit": users[pk].unit_name,
             **{role: counts[pk][role] for role in ROLES}, "counts": [counts[pk][role] for role in ROLES],
             "total": sum(counts[pk].values())}
            for pk in counts if pk in users]
    rows.sort(key=lambda r: (-r["total"], r["person"]))
    return rows


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


def workbook(qs) -> bytes:
    """Excel: one row per act (hazard columns repeated, so it sorts and filters in Excel), and a people sheet."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("责任倒查")
    ws.append(["隐患编号", "所在对象", "属地", "牵头单位", "状态", "整改责任单位", "整治责任人", "环节", "操作",
               "经办人", "所在单位", "签名", "时间", "说明"])
    for h in with_people(qs).iterator(chunk_size=500):
        for e in entries(h):
            ws.append(spreadsheet.row(ws, [
                h.number, h.site.name, h.jurisdiction.name, h.lead_unit.name, h.get_state_display(),
                h.responsible_party, h.responsible_person, e["role"], e["step"], e["person"], e["unit"],
                e["signature"], _local(e["at"]), e["note"]]))
    ws2 = wb.create_sheet("经办人汇总")
    ws2.append(["经办人", "所在单位", *[f"{r}（隐患数）" for r in ROLES], "合计"])
    for r in people(qs):
        ws2.append(spreadsheet.row(ws2, [r["person"], r["unit"], *[r[role] for role in ROLES], r["total"]]))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

