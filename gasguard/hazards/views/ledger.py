"""The ledger list: filter, sort, page, and export exactly the filtered rows to Excel."""
import tempfile

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property

from gasguard.catalog.choices import Severity
from gasguard.org.choices import Role
from gasguard.org.models import Department, Jurisdiction
from gasguard.sites.choices import SiteType
from gasguard.utilities import clock
from gasguard.utilities.xlsx import SheetWriter

from ..choices import OPEN_STATES, Source, State
from ..filtersets import SORTS, HazardFilter, area_ids, jurisdiction_subtree, visible_q
from ..models import Hazard, HazardTally

PAGE_SIZE = 30
# Beyond this many rows the list says "10000+" instead of counting a million rows for every page.
COUNT_CAP = 10_000
# What the page shows of each hazard (and nothing else: descriptions and legal texts stay in the table).
LIST_COLUMNS = ("number", "description", "severity", "state", "deadline", "found_at", "responsible_person",
                "site__name", "jurisdiction__name", "lead_unit__name")


def filtered_hazards(request):
    base = Hazard.objects.filter(visible_q(request.user))
    f = HazardFilter(request.GET or None, queryset=base)
    qs = f.qs if f.is_bound and f.is_valid() else base
    sort = request.GET.get("sort", "-found")
    order = SORTS.get(sort, "-found_at")
    # The tie-break runs the same way as the sort, so one index on (column, id) serves both directions.
    return f, qs.order_by(order, "-id" if order.startswith("-") else "id"), sort


def tally_count(request, f):
    """The exact number of rows from the roll-up, when the scope and the filters are dimensions of it (office or
    jurisdiction scope; jurisdiction, severity, lead unit, and all open or all closed states); else None."""
    user = request.user
    if f.is_bound and not f.is_valid():
        return None
    rows = HazardTally.objects.all()
    if not (user.is_superuser or user.role == Role.OFFICE):
        area = area_ids(user)
        if area is None:
            return None
        rows = rows.filter(jurisdiction_id__in=area)
    data = f.form.cleaned_data if f.is_bound else {}
    column = "found"
    for name, value in data.items():
        if value in (None, "", []):
            continue
        if name == "jurisdiction":
            rows = jurisdiction_subtree(rows, value)
        elif name == "severity":
            rows = rows.filter(severity=value)
        elif name == "lead_unit":
            rows = rows.filter(lead_unit_id=value.pk)
        elif name == "state" and set(value) == {State.CLOSED}:
            column = "closed"
        elif name == "state" and set(value) == set(OPEN_STATES):
            column = "due"
        elif name == "state" and set(value) == set(State.values):
            pass
        else:
            return None
    return rows.aggregate(n=Sum(column))["n"] or 0


class LedgerPaginator(Paginator):
    """Counts from the roll-up when it can, else counts at most COUNT_CAP + 1 rows (and then offers the first
    COUNT_CAP rows' pages, saying "10000+": narrow the filter to see the rest)."""

    def __init__(self, object_list, per_page, exact=None):
        super().__init__(object_list, per_page)
        self.exact = exact
        self.capped = False

    @cached_property
    def count(self):
        if self.exact is not None:
            return self.exact
        n = self.object_list[:COUNT_CAP + 1].count()
        if n > COUNT_CAP:
            self.capped = True
            return COUNT_CAP
        return n

    def page(self, number):
        """The page's ids first, sorted and cut on the ledger table alone; then those 30 rows with their site,
        place and unit. (Joined before the cut, PostgreSQL fetches the site of every matching row.)"""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:bottom + self.per_page])
        rows = self.object_list.model.objects.filter(pk__in=ids).select_related(
            "site", "lead_unit", "jurisdiction").only(*LIST_COLUMNS).order_by()
        by_id = {h.pk: h for h in rows}
        return self._get_page([by_id[pk] for pk in ids if pk in by_id], number, self)

    @property
    def count_label(self):
        return f"{self.count}+" if self.count and self.capped else str(self.count)


@login_required
def ledger(request):
    f, qs, sort = filtered_hazards(request)
    page = LedgerPaginator(qs, PAGE_SIZE, exact=tally_count(request, f)).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    sort_params = params.copy()
    sort_params.pop("sort", None)
    return render(request, "hazards/ledger.html", {
        "filter": f, "page": page, "sort": sort, "query": params.urlencode(), "sort_query": sort_params.urlencode(),
        "states": State.choices, "severities": Severity.choices, "sources": Source.choices,
        "site_types": SiteType.choices,
        "departments": Department.objects.order_by("id"),
        "jurisdictions": Jurisdiction.objects.filter(level__in=["zone", "street"]).order_by("level", "code"),
        "selected_states": request.GET.getlist("state"), "today": clock.today(),
    })


EXPORT_COLUMNS = ["隐患编号", "隐患所在对象", "对象类型", "属地", "隐患描述", "隐患等级", "检查项", "依据", "牵头单位", "配合单位",
                  "整改责任单位", "整治责任人", "责任人电话", "整改期限", "是否逾期", "状态", "来源", "发现人", "发现时间",
                  "销号时间"]


@login_required
def ledger_export(request):
    """Exactly the filtered rows, read from a server-side cursor and written row by row into a temporary file
    (gasguard.utilities.xlsx: flat memory whatever the row count), then sent."""
    _, qs, _ = filtered_hazards(request)
    # Labels are lazy translations; the sheet needs plain strings.
    severity, state, source, site_type = ({k: str(v) for k, v in c.choices} for c in (Severity, State, Source, SiteType))
    closed = State.CLOSED.value
    today = clock.today()
    local = timezone.get_current_timezone()
    rows = qs.values_list("pk", "number", "site__name", "site__site_type", "jurisdiction__name", "description",
                          "severity", "item__code", "legal_basis", "lead_unit__name", "responsible_party",
                          "responsible_person", "responsible_phone", "deadline", "state", "source",
                          "found_by__full_name", "found_at", "closed_at")
    through = Hazard.co_units.through
    tmp = tempfile.TemporaryFile()
    with SheetWriter(tmp, "隐患台账") as sheet:
        sheet.header(EXPORT_COLUMNS)

        def flush(batch):
            # The co-units of the whole batch in one query, not one per row.
            co_names = {}
            for hid, name in (through.objects.filter(hazard_id__in=[r[0] for r in batch])
                              .order_by("id").values_list("hazard_id", "department__name")):
                co_names.setdefault(hid, []).append(name)
            for (pk, number, site, stype, juris, desc, sev, item, basis, lead, party, person, phone, deadline, st,
                 src, finder, found, closed_at) in batch:
                sheet.row((number, site, site_type.get(stype, stype), juris, desc, severity.get(sev, sev), item,
                           basis, lead, "、".join(co_names.get(pk, ())), party, person, phone, deadline,
                           "是" if st != closed and deadline < today else "否", state.get(st, st),
                           source.get(src, src), finder, found.astimezone(local).replace(tzinfo=None),
                           closed_at.astimezone(local).replace(tzinfo=None) if closed_at else None))

        batch = []
        for row in rows.iterator(chunk_size=2000):
            batch.append(row)
            if len(batch) == 2000:
                flush(batch)
                batch = []
        if batch:
            flush(batch)
    tmp.seek(0)
    name = f"隐患台账-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    return FileResponse(tmp, as_attachment=True, filename=name,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
