"""`gasguard bench ledger`: the ledger, the dashboard, the hazard page and the Excel export at district scale.

Three parts:

* `generate()` fills the *current* database with a district of N hazards and the sites, inspections, signed steps
  and co-units behind them, by bulk loading (PostgreSQL: COPY through psycopg 3; SQLite: executemany, one
  transaction). It writes the tables directly and deliberately bypasses the services (no audit records, no
  validation, no numbering round-trips): it is a benchmark fixture, not campaign history. Only the bench's own
  accounts and enterprises go through the ORM (a few hundred rows).
* `measure()` requests the pages in-process with django.test.Client, logged in as an office user (sees
  everything) and as a street (属地) user, and returns medians and 95th percentiles, plus the export's time and
  memory.
* `bench()` is what the command runs: for each size (the 100,000 baseline, then N) it creates a throw-away
  database, runs `migrate` + `generate()` in one child process and `measure()` in a fresh one (so ru_maxrss speaks
  of the export, not of the generator), with DATABASE_URL pointing at the bench database. The project's settings
  are thus used unchanged, whatever the database.

The test (tests/test_bench_ledger_runs.py) runs `generate()` + `measure()` at a tiny scale on the test database.
"""
import itertools
import json
import math
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from bisect import bisect
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from datetime import timezone as timezone_fixed
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_HAZARDS = 1_000_000
DEFAULT_BASELINE = 100_000
DEFAULT_SEED = 20231
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/gasguard_bench"
BENCH_PREFIX = "bench-"
OFFICE_USERNAME = "bench-office"
STREET_CODE = "120116-S01"  # 塘沽街道: the busiest street of the demo district (≈15 % of the sites)
CHUNK = 20_000
EXPORT_TARGETS = (10_000, 100_000)
EXPORT_KEYS = ("export_10k", "export_100k")  # the report's names for the smaller and the larger export

# The goals the brief sets for PostgreSQL on a 2-core machine.
GOALS = {"list_p95_ms": 200, "dashboard_p95_ms": 500, "export_100k_s": 20, "scaling_max": 2.0}


def log_stderr(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S', time.gmtime())}Z] {msg}", file=sys.stderr, flush=True)


# -------------------------------------------------------------------------------------------------------------
# Hardware and database descriptions


def emit(stdout, result: dict, out: str | None) -> None:
    """A suite's result as JSON on the command's output and, with --out, in that file."""
    text = json.dumps(result, ensure_ascii=False, indent=2, default=str)
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(text + "\n", encoding="utf-8")
    stdout.write(text)


def hardware() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {"cores": os.cpu_count(), "memory_gb": memory_gb, "cpu_model": model or platform.machine(),
            "python": platform.python_version()}


def db_description(connection) -> dict:
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("SHOW server_version")
            version = c.fetchone()[0]
            c.execute("SHOW shared_buffers")
            extra = {"shared_buffers": c.fetchone()[0]}
            c.execute("SHOW work_mem")
            extra["work_mem"] = c.fetchone()[0]
        else:
            c.execute("SELECT sqlite_version()")
            version, extra = c.fetchone()[0], {}
    return {"vendor": connection.vendor, "version": version, **extra}


# -------------------------------------------------------------------------------------------------------------
# Bulk loading


def _columns(model) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]


# The columns the generator writes, in the order of its row tuples. Checked against the models before loading:
# a column added to a model stops the bench (and its test) until the generator fills it too.
COLUMNS = {
    "sites.Site": ["id", "name", "site_type", "jurisdiction_id", "enterprise_id", "address", "lat", "lon", "fuel",
                   "building", "lpg_stored_kg", "has_cylinder_room", "crowded_place", "urban_village",
                   "contact_person", "contact_phone", "attributes", "is_active", "created_at"],
    "inspections.Inspection": ["id", "site_id", "kind", "inspector_id", "department_id", "jurisdiction_id",
                               "inspected_at", "signature", "signature_image", "lat", "lon", "note", "failed_count"],
    "hazards.Hazard": ["id", "number", "site_id", "jurisdiction_id", "enterprise_id", "item_id", "inspection_id",
                       "inspection_item_id", "description", "severity", "disposition", "legal_basis", "lead_unit_id",
                       "responsible_party", "responsible_person", "responsible_phone", "responsible_user_id",
                       "deadline", "source", "state", "control_measures", "found_by_id", "found_at",
                       "rectified_by_id", "submitted_at", "verified_by_id", "closed_at", "rebound_of_id",
                       "updated_at"],
    "hazards.HazardEvent": ["id", "hazard_id", "action", "actor_id", "at", "from_state", "to_state", "note",
                            "deadline"],
    "hazards.Hazard_co_units": ["id", "hazard_id", "department_id"],
}


def check_columns(models) -> None:
    for model in models:
        key = model._meta.label
        if _columns(model) != COLUMNS[key]:
            raise RuntimeError(f"{key} has columns {_columns(model)}; the bench generator writes {COLUMNS[key]}: "
                               "update gasguard/bench/ledger.py")


class Loader:
    """Writes rows (tuples in the order of `_columns(model)`) into a model's table, as fast as the backend allows.

    Rows must name every concrete column: a new NOT NULL column on a model makes the bench fail loudly rather
    than silently load something the application would never hold."""

    def __init__(self, connection):
        self.connection = connection
        self.vendor = connection.vendor
        self.counts: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    def load(self, model, rows) -> int:
        started = time.perf_counter()
        table = model._meta.db_table
        columns = _columns(model)
        qn = self.connection.ops.quote_name
        n = 0
        with self.connection.cursor() as cursor:
            raw = cursor.cursor
            if self.vendor == "postgresql":
                sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
                with raw.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
                        n += 1
            else:
                convert = self._sqlite_converters(model)
                sql = (f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) "
                       f"VALUES ({', '.join('?' for _ in columns)})")
                if convert:
                    rows = (self._convert(row, convert) for row in rows)
                batch = list(rows)
                raw.executemany(sql, batch)
                n = len(batch)
        self.counts[table] = self.counts.get(table, 0) + n
        self.seconds[table] = self.seconds.get(table, 0.0) + time.perf_counter() - started
        return n

    @staticmethod
    def _sqlite_converters(model):
        """SQLite stores what Django would write: naive UTC 'YYYY-MM-DD HH:MM:SS[.ffffff]' and ISO dates."""
        out = []
        for i, f in enumerate(model._meta.concrete_fields):
            kind = f.get_internal_type()
            if kind == "DateTimeField":
                out.append((i, lambda v: None if v is None else str(v.astimezone(UTC).replace(tzinfo=None))))
            elif kind == "DateField":
                out.append((i, lambda v: None if v is None else v.isoformat()))
            elif kind == "DecimalField":
                out.append((i, lambda v: None if v is None else str(v)))
        return out

    @staticmethod
    def _convert(row, convert):
        row = list(row)
        for i, fn in convert:
            row[i] = fn(row[i])
        return row


def _next_id(model) -> int:
    from django.db.models import Max
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


# -------------------------------------------------------------------------------------------------------------
# The district


def _weighted(pairs):
    """(values, cumulative weights) for rng.choices."""
    values = [v for v, _ in pairs]
    cum = list(itertools.accumulate(w for _, w in pairs))
    return values, cum


class Generator:
    """A district of `hazards` hazards. Deterministic for a seed (apart from the current date)."""

    def __init__(self, *, hazards: int, sites: int | None = None, inspections: int | None = None,
                 seed: int = DEFAULT_SEED, log=log_stderr):
        self.n_hazards = hazards
        self.n_sites = sites or max(100, hazards // 20)
        self.n_inspections = inspections or max(50, hazards // 2)
        self.rng = random.Random(seed)
        self.log = log

    # -- reference data and accounts --------------------------------------------------------------------------
    def load_reference(self):
        from django.utils import timezone

        from gasguard.catalog.models import CheckItem
        from gasguard.catalog.services import unit_for_territory
        from gasguard.demo.district import CAMPAIGN_START, TOWNS, UNIT_WEIGHTS
        from gasguard.org.choices import Level
        from gasguard.org.models import Department, Jurisdiction

        self.tz = timezone.get_default_timezone()
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.start = CAMPAIGN_START
        juris = list(Jurisdiction.objects.all())
        if not juris:
            raise RuntimeError("no jurisdictions: run `gasguard migrate` first (reference data)")
        self.juris = {j.code: j for j in juris}
        self.units = sorted((j for j in juris if j.level in (Level.ZONE, Level.STREET)), key=lambda j: j.code)
        self.street = self.juris.get(STREET_CODE) or next(j for j in self.units if j.level == Level.STREET)
        leaves = {u.code: [] for u in self.units}
        for j in juris:
            parts = [p for p in j.path.split("/") if p]
            if j.level in (Level.COMMUNITY, Level.GRID) and len(parts) > 1 and parts[1] in leaves:
                leaves[parts[1]].append(j)
        self.leaves = {code: sorted(nodes, key=lambda j: j.code) or [self.juris[code]]
                       for code, nodes in leaves.items()}
        self.unit_pick = _weighted([(u.code, UNIT_WEIGHTS.get(u.code, 0.7 if u.code in TOWNS else 1.0))
                                    for u in self.units])
        self.depts = {d.code: d for d in Department.objects.all()}
        office = next((d for d in self.depts.values() if d.is_office), None)
        self.office_dept = office or next(iter(self.depts.values()))
        items = list(CheckItem.objects.filter(is_active=True).prefetch_related("lead_units", "co_units")
                     .order_by("order", "code"))
        if not items:
            raise RuntimeError("no check items: run `gasguard migrate` first (reference data)")
        # Where a failure of each item is routed, per territorial unit (as catalog.services.route does).
        territory_lead = {}
        routes = {}
        for item in items:
            for unit in self.units:
                leads = list(item.lead_units.all())
                if item.lead_group:
                    key = (item.lead_group, unit.code)
                    if key not in territory_lead:
                        territory_lead[key] = unit_for_territory(item.lead_group, unit)
                    leads.insert(0, territory_lead[key])
                if not leads:
                    leads = [self.office_dept]
                lead, *others = leads
                co = [d.pk for d in others] + [d.pk for d in item.co_units.all()
                                               if d.pk != lead.pk and d not in others]
                routes[(item.pk, unit.code)] = (lead.pk, co)
        self.routes = routes
        # The items that apply to each site type; major items are rarer findings than general ones.
        by_type = {}
        for item in items:
            for st in item.site_types or []:
                by_type.setdefault(st, []).append((item, 0.12 if item.severity == "major" else 1.0))
        self.items_by_type = {st: _weighted(pairs) for st, pairs in by_type.items()}
        self.all_items = _weighted([(i, 0.12 if i.severity == "major" else 1.0) for i in items])

    def create_accounts(self):
        from gasguard.demo.district import GIVEN_NAMES, SURNAMES
        from gasguard.org.choices import EnterpriseKind, Role
        from gasguard.org.models import Enterprise, User
        from gasguard.utilities.credit_code import make_credit_code

        rng = self.rng
        self.names = [s + g for s in SURNAMES[:60] for g in GIVEN_NAMES[:60]]
        joined = self.now - timedelta(days=1200)
        users = [User(username=OFFICE_USERNAME, full_name="压测专班", role=Role.OFFICE, department=self.office_dept,
                      password="!", date_joined=joined)]
        for unit in self.units:
            users.append(User(username=f"{BENCH_PREFIX}unit-{unit.code}", full_name=f"压测{unit.name}",
                              role=Role.JURISDICTION, jurisdiction=unit, password="!", date_joined=joined))
        dept_list = sorted(self.depts.values(), key=lambda d: d.code)
        for i in range(60):
            if i % 2:
                kw = {"department": dept_list[i % len(dept_list)]}
            else:
                kw = {"jurisdiction": self.units[i % len(self.units)]}
            users.append(User(username=f"{BENCH_PREFIX}inspector-{i:03d}", full_name=rng.choice(self.names),
                              role=Role.INSPECTOR, password="!", date_joined=joined, **kw))
        User.objects.bulk_create(users)
        self.users = list(User.objects.filter(username__startswith=BENCH_PREFIX).order_by("pk"))
        self.office_user = next(u for u in self.users if u.username == OFFICE_USERNAME)
        self.inspectors = [u for u in self.users if u.role == Role.INSPECTOR]

        n_ent = max(10, self.n_hazards // 2000)
        kinds = [EnterpriseKind.USER] * 6 + [EnterpriseKind.LPG, EnterpriseKind.PIPELINE_GAS,
                                              EnterpriseKind.FILLING, EnterpriseKind.TRANSPORT]
        first = _next_id(Enterprise)
        ents = []
        for i in range(n_ent):
            unit = self.pick_unit()
            ents.append(Enterprise(name=f"天津滨海压测{i:05d}燃气有限公司", credit_code=make_credit_code(
                f"91120116B{first + i:07d}"), kind=kinds[i % len(kinds)], legal_representative=rng.choice(self.names),
                safety_officer=rng.choice(self.names), phone=f"022-{rng.randrange(10**8):08d}",
                address=f"天津市滨海新区{unit}", jurisdiction=rng.choice(self.leaves[unit])))
        Enterprise.objects.bulk_create(ents)
        self.enterprises = list(Enterprise.objects.filter(name__startswith="天津滨海压测").values_list("pk", "name"))

    def pick_unit(self) -> str:
        values, cum = self.unit_pick
        return self.rng.choices(values, cum_weights=cum)[0]

    # -- sites -------------------------------------------------------------------------------------------------
    def sites(self, first_id: int):
        from gasguard.demo.district import CUISINES, ROADS, SITE_COUNTS, WORDS
        from gasguard.sites.choices import Fuel, SiteType

        rng = self.rng
        labels = dict(SiteType.choices)
        types, cum = _weighted([(st, n) for st, n in SITE_COUNTS])
        created = datetime.combine(self.start - timedelta(days=5), dtime(10), self.tz)
        self.site_juris, self.site_unit, self.site_type, self.site_ent, self.site_name = [], [], [], [], []
        for k in range(self.n_sites):
            sid = first_id + k
            st = rng.choices(types, cum_weights=cum)[0]
            unit = self.pick_unit()
            node = rng.choice(self.leaves[unit])
            ent = None
            if rng.random() < 0.15:
                ent = self.enterprises[rng.randrange(len(self.enterprises))]
            if st == SiteType.RESTAURANT:
                name = f"{rng.choice(WORDS)}{rng.choice(CUISINES)}（{sid}）"
            else:
                name = f"{rng.choice(WORDS)}{labels[st]}（{sid}）"
            fuel = Fuel.LPG if rng.random() < 0.6 else Fuel.PIPELINE_GAS
            self.site_juris.append(node.pk)
            self.site_unit.append(unit)
            self.site_type.append(st)
            self.site_ent.append(ent[0] if ent else None)
            self.site_name.append(ent[1] if ent else name)
            lat = round(node.lat + rng.uniform(-0.02, 0.02), 6) if node.lat is not None else None
            lon = round(node.lon + rng.uniform(-0.02, 0.02), 6) if node.lon is not None else None
            yield (sid, name, st, node.pk, ent[0] if ent else None,
                   f"天津市滨海新区{rng.choice(ROADS)}{rng.randint(1, 888)}号", lat, lon, fuel, "ordinary",
                   Decimal("0.0"), False, rng.random() < 0.4, rng.random() < 0.1, rng.choice(self.names),
                   f"13{rng.randrange(10**9):09d}", "{}", True, created)

    # -- inspections -------------------------------------------------------------------------------------------
    def plan_inspections(self, first_site: int):
        """Times (sorted: ids follow time, as they do when people register in real time), sites, inspectors.
        More inspections recently (a linear ramp): the platform's use grows through the campaign."""
        rng = self.rng
        # Fixed-offset datetimes: arithmetic on them is several times cheaper than through ZoneInfo. Asia/Shanghai
        # has had no DST since 1991; for a zone with DST, times would be off by the DST hour (a bench fixture).
        self.fixed = timezone_fixed(self.tz.utcoffset(self.now.replace(tzinfo=None)))
        start = datetime.combine(self.start, dtime(0), self.fixed)
        days = max(1, (self.today - self.start).days + 1)
        day0 = [start + timedelta(days=d) for d in range(days)]
        n = self.n_inspections
        day_idx = sorted(min(days - 1, int(days * math.sqrt(rng.random()))) for _ in range(n))
        self.insp_at, self.insp_site, self.insp_by = [], [], []
        latest = (self.now - timedelta(minutes=5)).astimezone(self.fixed)
        for d in day_idx:
            at = day0[d] + timedelta(seconds=rng.randrange(8 * 3600 + 1800, 17 * 3600 + 1800))
            self.insp_at.append(min(at, latest))
        self.insp_at.sort()
        self.insp_site = [first_site + rng.randrange(self.n_sites) for _ in range(n)]
        self.insp_by = [rng.randrange(len(self.inspectors)) for _ in range(n)]
        # Which inspection found each hazard (several per inspection; some find none). Sorted, so hazard ids
        # follow their found_at like in production.
        self.hazard_insp = sorted(rng.randrange(n) for _ in range(self.n_hazards))
        self.failed = [0] * n
        for j in self.hazard_insp:
            self.failed[j] += 1

    def inspections(self, first_id: int, first_site: int):
        from gasguard.inspections.models import InspectionKind

        rng = self.rng
        kinds, cum = _weighted([(InspectionKind.ROUTINE, 70), (InspectionKind.JOINT, 10),
                                (InspectionKind.SELF, 10), (InspectionKind.SPECIAL, 10)])
        for j in range(self.n_inspections):
            by = self.inspectors[self.insp_by[j]]
            sidx = self.insp_site[j] - first_site
            yield (first_id + j, self.insp_site[j], rng.choices(kinds, cum_weights=cum)[0], by.pk,
                   by.department_id, self.site_juris[sidx] if by.jurisdiction_id else None, self.insp_at[j],
                   by.full_name, "", None, None, "", self.failed[j])

    # -- hazards, their co-units and their signed steps ----------------------------------------------------------
    def hazard_chunks(self, first_id: int, first_insp: int, first_site: int, first_event: int, first_co: int):
        """Yields (hazard rows, co-unit rows, event rows) per chunk of CHUNK hazards. The hot loop of the bench:
        plain values, bisect picks and fixed-offset datetimes (see plan_inspections)."""
        from gasguard.hazards.choices import Action, Source, State

        rng = self.rng
        rand, randrange, uniform = rng.random, rng.randrange, rng.uniform
        now = self.now.astimezone(self.fixed)
        sources, src_cum = _weighted([(str(Source.INSPECTION), 82), (str(Source.SELF_INSPECTION), 8),
                                      (str(Source.DELIVERY_CHECK), 5), (str(Source.TIP), 4), (str(Source.ALARM), 1)])
        OPEN, RECT, CTRL, SUBM, CLOSED = (str(x) for x in (State.OPEN, State.RECTIFYING, State.CONTROLLED,
                                                           State.SUBMITTED, State.CLOSED))
        START, CONTROL, SUBMIT, PASS, REGISTER = (str(x) for x in (Action.START, Action.CONTROL, Action.SUBMIT,
                                                                   Action.VERIFY_PASS, Action.REGISTER))
        open_states, open_cum = _weighted([(OPEN, 40), (RECT, 30), (CTRL, 15), (SUBM, 15)])
        # Items as plain tuples: pk, text, severity, disposition, legal basis, deadline days.
        plain = {}
        for values, _cum in [*self.items_by_type.values(), self.all_items]:
            for item in values:
                plain[item.pk] = (item.pk, item.text, str(item.severity), str(item.disposition), item.legal_basis,
                                  timedelta(days=item.deadline_days or 15), max(1.0, (item.deadline_days or 15) * .6))
        by_type = {st: ([plain[i.pk] for i in values], cum) for st, (values, cum) in self.items_by_type.items()}
        fallback = ([plain[i.pk] for i in self.all_items[0]], self.all_items[1])
        inspector_pks = [u.pk for u in self.inspectors]
        n_insp = len(inspector_pks)
        names = self.names
        n_names = len(names)
        routes = self.routes
        insp_site, insp_at, insp_by = self.insp_site, self.insp_at, self.insp_by
        site_type, site_unit, site_juris = self.site_type, self.site_unit, self.site_juris
        site_ent, site_name = self.site_ent, self.site_name
        measures_text = "已关闭气源总阀，暂停使用相关燃气设施，设置警示标识，安排专人每日巡查"
        hours = timedelta(hours=1)
        day = timedelta(days=1)
        exp = math.exp
        event_id = first_event
        co_id = first_co
        hazards, cos, events = [], [], []
        for k, j in enumerate(self.hazard_insp):
            hid = first_id + k
            sidx = insp_site[j] - first_site
            values, cum = by_type.get(site_type[sidx]) or fallback
            ipk, text, severity, disposition, basis, dl_days, mean_fix = values[bisect(cum, rand() * cum[-1])]
            lead, co = routes[(ipk, site_unit[sidx])]
            finder = inspector_pks[insp_by[j]]
            found = insp_at[j]
            age = (now - found).total_seconds() / 86400
            # Recent hazards are mostly still open; a tail of old ones never gets fixed (→ overdue).
            if rand() < 0.07 + 0.75 * exp(-age / 40):
                state = open_states[bisect(open_cum, rand() * open_cum[-1])]
            else:
                state = CLOSED
            first_deadline = deadline = found.date() + dl_days
            rectified_by = verified_by = submitted_at = closed_at = None
            measures = ""
            # Who fixes it (an account standing in for the enterprise's): signs start, control and submit.
            rectifier = inspector_pks[randrange(n_insp)]
            events.append((event_id, hid, REGISTER, finder, found, "", OPEN, "", first_deadline))
            event_id += 1
            if state != OPEN:
                t = min(now, found + uniform(1, 72) * hours)
                events.append((event_id, hid, START, rectifier, t, OPEN, RECT, "", None))
                event_id += 1
                if state == CTRL:
                    deadline = deadline + randrange(30, 121) * day
                    t = min(now, t + uniform(1, 48) * hours)
                    events.append((event_id, hid, CONTROL, rectifier, t, RECT, CTRL, "", deadline))
                    event_id += 1
                    measures = measures_text
                elif state != RECT:  # submitted or closed
                    span = max(0.1, min(age - 0.05, rng.expovariate(1 / mean_fix)))
                    submitted_at = t = min(now, found + span * day)
                    rectified_by = rectifier
                    events.append((event_id, hid, SUBMIT, rectifier, t, RECT, SUBM, "", None))
                    event_id += 1
                    if state == CLOSED:
                        closed_at = t = min(now, t + uniform(2, 96) * hours)
                        verified_by = inspector_pks[randrange(n_insp)]
                        events.append((event_id, hid, PASS, verified_by, t, SUBM, CLOSED, "", None))
                        event_id += 1
                updated = t
            else:
                updated = found
            hazards.append((
                hid, f"YH{found.year}{found.month:02d}{hid:07d}", insp_site[j], site_juris[sidx], site_ent[sidx], ipk,
                first_insp + j, None, text, severity, disposition, basis, lead, site_name[sidx],
                names[randrange(n_names)], f"13{randrange(10**9):09d}", None, deadline,
                sources[bisect(src_cum, rand() * src_cum[-1])], state, measures, finder, found, rectified_by,
                submitted_at, verified_by, closed_at, None, updated))
            for dept in co:
                cos.append((co_id, hid, dept))
                co_id += 1
            if len(hazards) == CHUNK:
                yield hazards, cos, events
                hazards, cos, events = [], [], []
        if hazards:
            yield hazards, cos, events

    # -- the whole load ----------------------------------------------------------------------------------------
    def run(self, *, fast: bool = True) -> dict:
        """Load the district. `fast` (PostgreSQL, superuser): skip FK triggers during the load
        (session_replication_role = replica, this transaction only); the rows are consistent by construction
        and the test runs with fast=False and checks the constraints."""
        from django.core.management.color import no_style
        from django.db import connection, transaction

        from gasguard.hazards.models import Hazard, HazardEvent
        from gasguard.inspections.models import Inspection
        from gasguard.sites.models import Site

        started = time.perf_counter()
        co_model = Hazard.co_units.through
        expected = [Site, Inspection, Hazard, HazardEvent, co_model]
        check_columns(expected)
        loader = Loader(connection)
        timings = {}
        tables = [m._meta.db_table for m in expected]
        rebuild = []
        with transaction.atomic():
            if fast and connection.vendor == "postgresql":
                with connection.cursor() as c:
                    c.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                    if c.fetchone()[0]:
                        c.execute("SET LOCAL session_replication_role = replica")
                    rebuild = _drop_secondary_indexes(c, tables)
            self.load_reference()
            self.create_accounts()
            t = time.perf_counter()
            first_site = _next_id(Site)
            loader.load(Site, self.sites(first_site))
            timings["sites_s"] = time.perf_counter() - t
            self.log(f"sites: {self.n_sites:,} in {timings['sites_s']:.1f} s")
            t = time.perf_counter()
            self.plan_inspections(first_site)
            first_insp = _next_id(Inspection)
            loader.load(Inspection, self.inspections(first_insp, first_site))
            timings["inspections_s"] = time.perf_counter() - t
            self.log(f"inspections: {self.n_inspections:,} in {timings['inspections_s']:.1f} s")
            t = time.perf_counter()
            first_hazard = _next_id(Hazard)
            done = 0
            for hazards, cos, events in self.hazard_chunks(first_hazard, first_insp, first_site,
                                                           _next_id(HazardEvent), _next_id(co_model)):
                loader.load(Hazard, hazards)
                loader.load(co_model, cos)
                loader.load(HazardEvent, events)
                done += len(hazards)
                if done % 200_000 < CHUNK:
                    self.log(f"hazards: {done:,}/{self.n_hazards:,} ({time.perf_counter() - t:.0f} s)")
            timings["hazards_s"] = time.perf_counter() - t
            if rebuild:
                t = time.perf_counter()
                with connection.cursor() as c:
                    c.execute("SET LOCAL maintenance_work_mem = '512MB'")
                    for sql in rebuild:
                        c.execute(sql)
                timings["indexes_s"] = time.perf_counter() - t
                self.log(f"rebuilt {len(rebuild)} indexes in {timings['indexes_s']:.1f} s")
            with connection.cursor() as c:
                for sql in connection.ops.sequence_reset_sql(no_style(), list(expected)):
                    c.execute(sql)
        # The rows went in behind the services' back: count them into the dashboard's roll-up, as an operator
        # would after a bulk import (gasguard rebuild_tally).
        t = time.perf_counter()
        from gasguard.hazards import tally
        tally_rows = tally.rebuild()
        timings["tally_s"] = time.perf_counter() - t
        self.log(f"roll-up: {tally_rows:,} rows in {timings['tally_s']:.1f} s")
        tables.append(tally.HazardTally._meta.db_table)
        t = time.perf_counter()
        self.analyze(connection, tables)
        timings["analyze_s"] = time.perf_counter() - t
        seconds = time.perf_counter() - started
        self.log(f"generated {self.n_hazards:,} hazards in {seconds:.1f} s (analyze {timings['analyze_s']:.1f} s)")
        timings.update({f"load_{table}_s": v for table, v in loader.seconds.items()})
        return {"generate_s": round(seconds, 1), "generate_detail_s": {k: round(v, 1) for k, v in timings.items()},
                "rows": loader.counts, "street": self.street.code, "first_hazard": first_hazard,
                "last_hazard": first_hazard + self.n_hazards - 1}

    @staticmethod
    def analyze(connection, tables):
        """Planner statistics (and, outside a transaction on PostgreSQL, the visibility map that index-only scans
        need): what autovacuum would have done to a table that has been in use for a while."""
        qn = connection.ops.quote_name
        with connection.cursor() as c:
            if connection.vendor == "postgresql":
                verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
                for table in tables:
                    c.execute(f"{verb} {qn(table)}")
            else:
                c.execute("ANALYZE")


def _drop_secondary_indexes(cursor, tables) -> list[str]:
    """Drop the indexes of `tables` that back no constraint; return their definitions to rebuild after the load
    (one sorted build per index instead of a million random B-tree inserts). In the load's transaction: a failure
    rolls the drop back too."""
    cursor.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                             WHERE c.conindid = format('%%I.%%I', i.schemaname, i.indexname)::regclass)
           ORDER BY i.tablename, i.indexname""", [list(tables)])
    found = cursor.fetchall()
    for name, _ in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in found]


def generate(hazards: int, *, sites=None, inspections=None, seed=DEFAULT_SEED, fast=True, log=log_stderr) -> dict:
    return Generator(hazards=hazards, sites=sites, inspections=inspections, seed=seed, log=log).run(fast=fast)


def distribution() -> dict:
    """What the generated ledger looks like (so the figures can be read against it)."""
    from django.db.models import Count, Q

    from gasguard.hazards.choices import OPEN_STATES
    from gasguard.hazards.models import Hazard, today

    agg = Hazard.objects.aggregate(
        total=Count("id"), open=Count("id", filter=Q(state__in=OPEN_STATES)),
        overdue=Count("id", filter=Q(state__in=OPEN_STATES, deadline__lt=today())),
        major=Count("id", filter=Q(severity="major")),
        street=Count("id", filter=Q(jurisdiction__path__startswith=f"120116/{STREET_CODE}/")))
    total = agg["total"] or 1
    return {k: {"rows": v, "share": round(v / total, 3)} for k, v in agg.items() if k != "total"}


# -------------------------------------------------------------------------------------------------------------
# Measurement


def _stats(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {"p50_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1),
            "max_ms": round(ordered[-1], 1), "n": len(ordered)}


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _reset_peak_rss() -> bool:
    """Reset this process's peak RSS (VmHWM), so the next reading is the peak of what ran since (Linux ≥ 4.0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _rss_mb(field: str) -> float | None:
    """VmRSS (now) or VmHWM (peak) from /proc/self/status, in MiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


class Measurer:
    def __init__(self, *, repeats: int, warmup: int, seed: int, log=log_stderr):
        from django.test import Client

        from gasguard.org.models import User

        self.repeats, self.warmup, self.log = repeats, warmup, log
        self.rng = random.Random(seed + 1)
        self.office = User.objects.get(username=OFFICE_USERNAME)
        self.street_user = (User.objects.filter(username=f"{BENCH_PREFIX}unit-{STREET_CODE}").first()
                            or User.objects.filter(username__startswith=f"{BENCH_PREFIX}unit-", role="jurisdiction",
                                                   jurisdiction__level="street").order_by("username").first())
        self.street = self.street_user.jurisdiction.code
        self.clients = {}
        for name, user in (("office", self.office), ("street", self.street_user)):
            client = Client()
            client.force_login(user)
            self.clients[name] = client

    def get(self, who: str, url: str):
        response = self.clients[who].get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} as {who}: HTTP {response.status_code}")
        return response

    def time_url(self, who: str, urls) -> dict:
        """`urls`: one URL, or a callable giving the URL of each repetition."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        url_of = urls if callable(urls) else (lambda: urls)
        for _ in range(self.warmup):
            self.get(who, url_of())
        samples = []
        for _ in range(self.repeats):
            url = url_of()
            t = time.perf_counter()
            self.get(who, url)
            samples.append((time.perf_counter() - t) * 1000)
        with CaptureQueriesContext(connection) as queries:
            self.get(who, url_of())
        times = [(float(q["time"]) * 1000, q["sql"]) for q in queries.captured_queries]
        slowest = max(times, default=(0.0, ""))
        return {**_stats(samples), "queries": len(times), "sql_ms": round(sum(t for t, _ in times), 1),
                "slowest_sql_ms": round(slowest[0], 1), "slowest_sql": slowest[1][:300]}

    def list_filters(self) -> dict:
        return {
            "all": "",
            "open_rectifying": "state=open&state=rectifying",
            "major": "severity=major",
            "street": f"jurisdiction={self.street}",
            "overdue": "overdue=true",
            "combined": f"state=open&state=rectifying&severity=major&jurisdiction={self.street}",
        }

    def run(self, *, export_targets=EXPORT_TARGETS, verify_export=False) -> dict:
        from gasguard.hazards.models import Hazard

        out = {"repeats": self.repeats, "warmup": self.warmup, "street_user_scope": self.street,
               "loadavg_start": [round(x, 2) for x in os.getloadavg()]}
        # The export first, in a fresh process: ru_maxrss then speaks of the export and nothing else.
        if export_targets:
            out.update(self.exports(export_targets, verify=verify_export))

        self.log("dashboard…")
        out["dashboard"] = self.time_url("office", "/")
        out["dashboard_street"] = self.time_url("street", "/")

        filters = self.list_filters()
        for who, names in (("office", list(filters)), ("street", ["all", "open_rectifying", "overdue"])):
            key = "list" if who == "office" else "list_street"
            out[key] = {}
            user = self.office if who == "office" else self.street_user
            for name in names:
                query = filters[name]
                rows = _rows(user, query)
                for page in (1, 50):
                    url = f"/ledger/?{query}&page={page}" if query else f"/ledger/?page={page}"
                    self.log(f"list {who} {name} page {page} ({rows:,} rows)…")
                    out[key][f"{name}_p{page}"] = {**self.time_url(who, url), "rows": rows}

        self.log("hazard pages…")
        lo, hi = _hazard_id_range()
        out["hazard_page"] = self.time_url("office", lambda: f"/hazards/{self.rng.randint(lo, hi)}/")
        sample = self.rng.sample(range(lo, hi + 1), min(hi - lo + 1, 3000))
        street_ids = list(Hazard.objects.visible_to(self.street_user).filter(pk__in=sample)
                          .values_list("pk", flat=True)) or [lo]
        out["hazard_page_street"] = self.time_url("street", lambda: f"/hazards/{self.rng.choice(street_ids)}/")
        out["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
        return out

    # -- the Excel export ---------------------------------------------------------------------------------------
    def export_query(self, target: int) -> tuple[str, int]:
        """A filter selecting about `target` rows: the hazards found since a date (the most recent ones)."""
        from gasguard.hazards.models import Hazard

        total = Hazard.objects.count()
        if total <= target:
            return "", total
        cutoff = Hazard.objects.order_by("-found_at").values_list("found_at", flat=True)[target - 1]
        from django.utils import timezone
        day = timezone.localdate(cutoff)
        # found_after is inclusive of the whole day: a few hundred rows more than the target at most.
        rows = Hazard.objects.filter(found_at__date__gte=day).count()
        return f"found_after={day.isoformat()}", rows

    def export_once(self, query: str, sink) -> tuple[float, int]:
        t = time.perf_counter()
        response = self.get("office", f"/ledger/export.xlsx?{query}")
        size = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            if sink is not None:
                sink.write(chunk)
        # (No response.close(): the test client closes a streaming response when its content is exhausted.)
        return time.perf_counter() - t, size

    def exports(self, targets, *, verify: bool) -> dict:
        q, _ = self.export_query(min(1000, min(targets)))
        return self._exports(targets, q, verify=verify)

    def _exports(self, targets, warm_query, *, verify: bool) -> dict:
        import gc

        out = {}
        self.export_once(warm_query, None)  # warm-up: imports, caches
        gc.collect()
        rss_before = _maxrss_mb()
        for key, target in zip(EXPORT_KEYS, targets, strict=True):
            query, rows = self.export_query(target)
            self.log(f"export of {rows:,} rows ({query or 'no filter'})…")
            gc.collect()
            rss_start = _rss_mb("VmRSS")
            hwm_reset = _reset_peak_rss()
            with tempfile.TemporaryFile() as sink:
                seconds, size = self.export_once(query, sink if verify else None)
                hwm = _rss_mb("VmHWM") if hwm_reset else None
                if verify:
                    sink.seek(0)
                    written = _count_xlsx_rows(sink)
                    if written != rows + 1:
                        raise RuntimeError(f"export of {rows} rows wrote {written - 1}")
            maxrss_after = _maxrss_mb()
            gc.collect()
            tracemalloc.start()
            traced_s, _ = self.export_once(query, None)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            gc.collect()
            out[key] = {"target_rows": target, "rows": rows, "filter": query, "seconds": round(seconds, 2),
                        "rows_per_s": round(rows / seconds) if seconds else None, "bytes": size,
                        "peak_mb": round(peak / 2**20, 1), "maxrss_delta_mb": round(maxrss_after - rss_before, 1),
                        "seconds_under_tracemalloc": round(traced_s, 2), "writer": "gasguard.utilities.xlsx",
                        "rss_peak_over_start_mb": round(hwm - rss_start, 1) if hwm and rss_start else None}
        small, large = out[EXPORT_KEYS[0]], out[EXPORT_KEYS[1]]
        if small["peak_mb"]:
            large["peak_over_smaller_export"] = round(large["peak_mb"] / small["peak_mb"], 2)
        return out


def _rows(user, query: str) -> int:
    """How many hazards the ledger shows `user` for `query` (as hazards.views.ledger.filtered_hazards filters)."""
    from django.http import QueryDict

    from gasguard.hazards.filtersets import HazardFilter
    from gasguard.hazards.models import Hazard

    base = Hazard.objects.visible_to(user)
    f = HazardFilter(QueryDict(query) or None, queryset=base)
    return (f.qs if f.is_bound and f.is_valid() else base).count()


def _hazard_id_range() -> tuple[int, int]:
    from django.db.models import Max, Min

    from gasguard.hazards.models import Hazard
    r = Hazard.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
    return r["lo"], r["hi"]


def _count_xlsx_rows(fileobj) -> int:
    from openpyxl import load_workbook
    wb = load_workbook(fileobj, read_only=True)
    n = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    return n


def measure(*, repeats=30, warmup=3, seed=DEFAULT_SEED, export_targets=EXPORT_TARGETS, verify_export=False,
            log=log_stderr) -> dict:
    from django.db import connection

    result = Measurer(repeats=repeats, warmup=warmup, seed=seed, log=log).run(
        export_targets=export_targets, verify_export=verify_export)
    result["distribution"] = distribution()
    result["database"] = db_description(connection)
    return result


def run_inprocess(hazards: int, *, repeats=30, warmup=3, seed=DEFAULT_SEED, fast=True,
                  export_targets=EXPORT_TARGETS, verify_export=False, log=log_stderr, **sizes) -> dict:
    """Generate and measure in the current database and process (the test's path)."""
    from django.db import connection

    gen = generate(hazards, seed=seed, fast=fast, log=log, **sizes)
    result = measure(repeats=repeats, warmup=warmup, seed=seed, export_targets=export_targets,
                     verify_export=verify_export, log=log)
    return report(connection.vendor, hazards, gen, result)


# The code under measurement: a fingerprint per file, so a result can be matched to the version it measured.
MEASURED_SOURCES = ("hazards/models.py", "hazards/filtersets.py", "hazards/tally.py", "org/roles.py",
                    "web/views/dashboard.py", "hazards/views/ledger.py", "hazards/views/hazard.py",
                    "utilities/xlsx.py")


def code_fingerprint() -> dict:
    import hashlib

    root = Path(__file__).resolve().parent.parent
    out = {}
    for name in MEASURED_SOURCES:
        try:
            out[name] = hashlib.sha1((root / name).read_bytes()).hexdigest()[:12]
        except OSError:
            out[name] = None
    return out


def report(db: str, hazards: int, gen: dict, result: dict) -> dict:
    out = {"db": db, "hardware": hardware(), "hazards": hazards, "generate_s": gen["generate_s"],
           "code": code_fingerprint(),
           "generate_detail_s": gen.get("generate_detail_s"), "rows": gen.get("rows")}
    out.update(result)
    out["goals"] = goals(out)
    return out


def goals(r: dict) -> dict:
    list_p95 = max(v["p95_ms"] for v in r["list"].values())
    dash_p95 = r["dashboard"]["p95_ms"]
    export = r.get("export_100k") or {}
    out = {"list_p95_ms": {"worst": list_p95, "goal": GOALS["list_p95_ms"], "met": list_p95 <= GOALS["list_p95_ms"]},
           "dashboard_p95_ms": {"value": dash_p95, "goal": GOALS["dashboard_p95_ms"],
                                "met": dash_p95 <= GOALS["dashboard_p95_ms"]}}
    if export:
        out["export_100k_s"] = {"value": export["seconds"], "goal": GOALS["export_100k_s"],
                                "met": export["seconds"] <= GOALS["export_100k_s"]}
    return out


def scaling(small: dict, large: dict) -> dict:
    """Ratios of medians (p50: steadier than p95 over 30 samples) between the two sizes."""
    per_filter = {k: round(large["list"][k]["p50_ms"] / small["list"][k]["p50_ms"], 2)
                  for k in large["list"] if k in small["list"] and small["list"][k]["p50_ms"]}
    worst = max(per_filter.items(), key=lambda kv: kv[1]) if per_filter else (None, None)
    dash = round(large["dashboard"]["p50_ms"] / small["dashboard"]["p50_ms"], 2)
    out = {"from_hazards": small["hazards"], "to_hazards": large["hazards"], "basis": "p50",
           "list_1m_over_100k": worst[1], "list_worst_filter": worst[0],
           "dashboard_1m_over_100k": dash,
           "dashboard_street": round(large["dashboard_street"]["p50_ms"] / small["dashboard_street"]["p50_ms"], 2),
           "list_per_filter": per_filter}
    out["met"] = bool(worst[1] is not None and worst[1] <= GOALS["scaling_max"] and dash <= GOALS["scaling_max"])
    return out


# -------------------------------------------------------------------------------------------------------------
# Orchestration: throw-away databases and child processes


def _is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in ("postgres", "postgresql", "pgsql")


def _pg_admin(url: str, dbname: str = "postgres"):
    """An autocommit connection to the server of `url`: its maintenance database, or `dbname`."""
    import psycopg
    parts = urlsplit(url)
    return psycopg.connect(host=parts.hostname or "127.0.0.1", port=parts.port or 5432,
                           user=parts.username or "postgres", password=parts.password, dbname=dbname,
                           autocommit=True)


def cpu_ticks(pids) -> int:
    """User + system CPU of these processes so far, in clock ticks (Linux /proc; 0 for a process gone): unlike
    rates, barely moved by the other work on the machine."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        except (OSError, IndexError, ValueError):
            pass
    return total


def _pg_dbname(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def pg_recreate(url: str) -> None:
    from psycopg import sql
    with _pg_admin(url) as conn:
        name = sql.Identifier(_pg_dbname(url))
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def pg_drop(url: str) -> None:
    from psycopg import sql
    with _pg_admin(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(_pg_dbname(url))))


def sqlite_path(url: str) -> Path:
    return Path(urlsplit(url).path[1:] if url.startswith("sqlite:////") else urlsplit(url).path.lstrip("/"))


def sqlite_remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


class BenchDatabase:
    """The database of one run: owned (created, and dropped unless kept) or given (used as it is)."""

    def __init__(self, db: str, given_url: str | None, hazards: int, data_dir: Path):
        self.given = given_url is not None
        if given_url:
            self.url = given_url
        elif db == "postgresql":
            self.url = DEFAULT_PG_URL
        else:
            path = (data_dir / "bench" / f"ledger-{hazards}.sqlite3").resolve()
            self.url = f"sqlite:///{path}"
        self.postgres = _is_postgres(self.url)

    def describe(self) -> str:
        parts = urlsplit(self.url)
        return urlunsplit(parts._replace(netloc=parts.hostname or "")) if parts.password else self.url

    def create(self):
        if self.given:
            return
        if self.postgres:
            pg_recreate(self.url)
        else:
            path = sqlite_path(self.url)
            path.parent.mkdir(parents=True, exist_ok=True)
            sqlite_remove(path)

    def drop(self):
        if self.given:
            return
        if self.postgres:
            pg_drop(self.url)
        else:
            sqlite_remove(sqlite_path(self.url))


def _child(phase: str, url: str, args: list[str], log) -> dict:
    """Run `gasguard bench ledger --worker <phase>` against `url`; return the JSON it leaves in a file."""
    from django.conf import settings

    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out_path = tmp.name
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0",
           "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE") or settings.SETTINGS_MODULE}
    cmd = [sys.executable, "-m", "gasguard.manage", "bench", "ledger", "--worker", phase, "--worker-out", out_path,
           *args]
    try:
        proc = subprocess.run(cmd, env=env, stdout=sys.stderr, stderr=sys.stderr)
        if proc.returncode != 0:
            raise RuntimeError(f"bench worker '{phase}' failed with exit code {proc.returncode}")
        return json.loads(Path(out_path).read_text())
    finally:
        Path(out_path).unlink(missing_ok=True)


def worker(phase: str, out_path: str, *, hazards: int, sites, inspections, seed: int, repeats: int, warmup: int,
           require_empty: bool, exports: bool = True) -> None:
    """The child side: runs inside the bench database (DATABASE_URL)."""
    from django.core.management import call_command
    from django.db import connection

    if phase == "generate":
        migrated = _migrate(call_command)
        from gasguard.hazards.models import Hazard
        from gasguard.inspections.models import Inspection
        from gasguard.sites.models import Site
        if require_empty and (Site.objects.exists() or Hazard.objects.exists() or Inspection.objects.exists()):
            raise RuntimeError("the bench database already holds sites, inspections or hazards; give an empty one")
        result = generate(hazards, sites=sites, inspections=inspections, seed=seed)
        result["migrate"] = migrated
    elif phase == "measure":
        result = measure(repeats=repeats, warmup=warmup, seed=seed,
                         export_targets=EXPORT_TARGETS if exports else ())
    elif phase == "wipe":
        result = wipe()
    else:
        raise ValueError(phase)
    result["vendor"] = connection.vendor
    Path(out_path).write_text(json.dumps(result, ensure_ascii=False, default=str))


# What the pages under test need, if the full migrate fails (the tree may hold another app's work in progress).
LEDGER_APPS = ("contenttypes", "auth", "sessions", "org", "sites", "campaign", "catalog", "inspections", "hazards",
               "audit")


def _migrate(call_command) -> str:
    try:
        call_command("migrate", interactive=False, verbosity=0)
        return "all"
    except Exception as exc:  # noqa: BLE001 - reported, then the ledger's own apps are migrated
        log_stderr(f"WARNING: the full migrate failed ({type(exc).__name__}: {exc}); migrating only "
                   f"{', '.join(LEDGER_APPS)}")
        for label in LEDGER_APPS:
            call_command("migrate", label, interactive=False, verbosity=0)
        return f"ledger apps only (full migrate failed: {type(exc).__name__}: {exc})"


def wipe() -> dict:
    """Remove what `generate()` wrote (used between two sizes in a database given by --database-url, which the
    bench checked was empty before it generated anything)."""
    from django.contrib.sessions.models import Session
    from django.db import transaction

    from gasguard.hazards.models import Hazard, HazardEvent, HazardTally
    from gasguard.inspections.models import Inspection
    from gasguard.org.models import Enterprise, User
    from gasguard.sites.models import Site

    with transaction.atomic():
        for model in (HazardTally, HazardEvent, Hazard.co_units.through, Hazard, Inspection, Site):
            model.objects.all()._raw_delete(model.objects.db)
        Session.objects.all().delete()
        User.objects.filter(username__startswith=BENCH_PREFIX).delete()
        Enterprise.objects.filter(name__startswith="天津滨海压测").delete()
    return {"wiped": True}


def bench(*, db: str, database_url: str | None, hazards: int, baseline: int, sites, inspections, seed: int,
          repeats: int, warmup: int, keep: bool, log=log_stderr) -> dict:
    from django.conf import settings

    sizes = ([baseline] if baseline and baseline < hazards else []) + [hazards]
    runs = []
    for i, n in enumerate(sizes):
        last = i == len(sizes) - 1
        target = BenchDatabase(db, database_url, n, Path(settings.DATA_DIR))
        log(f"=== {n:,} hazards on {target.describe()} ===")
        target.create()
        try:
            args = ["--hazards", str(n), "--seed", str(seed), "--repeats", str(repeats), "--warmup", str(warmup)]
            if sites and n == hazards:
                args += ["--sites", str(sites)]
            if inspections and n == hazards:
                args += ["--inspections", str(inspections)]
            if target.given and i == 0:
                args.append("--require-empty")
            if not last:
                # The baseline serves the scaling ratios (list, dashboard); the export's rows are the same 100,000
                # at either size, and measuring it under tracemalloc takes minutes.
                args.append("--no-export")
            gen = _child("generate", target.url, args, log)
            result = _child("measure", target.url, args, log)
            vendor = result.pop("vendor")
            runs.append(report(vendor, n, gen, result))
            runs[-1]["database_url"] = target.describe()
        finally:
            if target.given and not last:
                _child("wipe", target.url, [], log)
            elif not target.given and not (keep and last):
                target.drop()
    out = runs[-1]
    if len(runs) == 2:
        out["scaling"] = scaling(runs[0], runs[1])
        out["baseline"] = runs[0]
    return out
