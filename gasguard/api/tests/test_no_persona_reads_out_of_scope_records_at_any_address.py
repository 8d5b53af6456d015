"""The scope matrix: every address of the platform (pages, API, exports, files, PDFs), taken from the URL
configuration, for every persona — the office, a member department, street A, street B, enterprise A (a gas
company), enterprise B, a restaurant, an inspector of street A, anonymous — filled with every record of its kind
(scope_world: two streets, each with its enterprises' data; one cylinder sold in both), those out of the persona's
scope and those in it, whose nested parts may not be. Each answer is a refusal (302 to the login,
401, 403, 404, 405) or names none of the records out of the persona's scope. A new address fails the matrix until
it is entered here, so every future page joins it."""
import io
import json
import re
from functools import cache

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token

from gasguard import testing
from gasguard.utilities import clock

from . import scope_world

pytestmark = pytest.mark.django_db

MONTH = "{month}"
SCAN_TOKEN = "{scan-token}"  # the label's token for the address's cylinder
# Pattern name → its kwargs: a record kind of scope_world (filled with each out-of-scope record of that kind) or a
# constant. Names not here fail test_every_address_is_in_the_matrix.
ADDRESSES = {
    # the shell and the ledger
    "home": {}, "login": {}, "logout": {}, "ledger": {}, "ledger_export": {}, "inbox": {}, "sites": {}, "map": {},
    "map_points": {}, "map_outlines": {}, "set_language": {}, "schema": {}, "api-docs": {}, "api-root": {},
    "hazard": {"pk": "hazard"}, "hazard_action": {"pk": "hazard", "action": "start"},
    "site": {"pk": "site"}, "inspect": {"pk": "site"}, "photo": {"pk": "photo"},
    # /api/v1/
    "api-token": {}, "jurisdiction-list": {}, "jurisdiction-detail": {"pk": "@jurisdiction"},
    "department-list": {}, "department-detail": {"pk": "@department"}, "enterprise-list": {},
    "enterprise-detail": {"pk": "enterprise"}, "site-list": {}, "site-detail": {"pk": "site"},
    "site-checklist": {"pk": "site"}, "checkitem-list": {}, "checkitem-detail": {"pk": "@checkitem"},
    "task-list": {}, "task-detail": {"pk": "@task"}, "inspection-list": {}, "inspection-detail": {"pk": "inspection"},
    "inspection-photos": {"pk": "inspection"}, "hazard-list": {}, "hazard-detail": {"pk": "hazard"},
    "hazard-control": {"pk": "hazard"}, "hazard-reassign": {"pk": "hazard"}, "hazard-start": {"pk": "hazard"},
    "hazard-submit": {"pk": "hazard"}, "hazard-verify": {"pk": "hazard"}, "lookback-list": {},
    "lookback-detail": {"pk": "lookback"}, "lookback-record": {"pk": "lookback"}, "supervisionorder-list": {},
    "supervisionorder-detail": {"pk": "order"}, "supervisionorder-respond": {"pk": "order"},
    "auditrecord-list": {}, "auditrecord-detail": {"pk": "audit"},
    "accountability-trace-list": {}, "accountability-trace-detail": {"pk": "hazard"},
    # /api/v1/cylinders/
    "api-cylinders": {}, "api-cylinders-signals": {}, "api-cylinders-import-template": {},
    "api-cylinders-worker-deliveries": {"pk": "worker"}, "api-cylinders-import": {}, "api-cylinders-ping": {},
    "api-cylinders-ping-auth": {}, "api-cylinders-gate-check": {}, "api-cylinders-fillings": {},
    "api-cylinders-offline-batch": {}, "api-cylinders-workers": {}, "api-cylinders-customers": {},
    "api-cylinders-customer": {"pk": "customer"}, "api-cylinders-customer-reveal": {"pk": "customer"},
    "api-cylinders-customer-reveal-field": {"pk": "customer"},
    "api-cylinders-customer-received": {"pk": "customer"}, "api-cylinders-sales": {},
    "api-cylinders-sale": {"pk": "sale"}, "api-cylinders-sale-delivery": {"pk": "sale"},
    "api-cylinders-notice": {"pk": "delivery"}, "api-cylinders-returns": {},
    "api-cylinders-station-filled": {"pk": "station"}, "api-cylinders-station-block": {"pk": "station"},
    "api-cylinders-station-unblock": {"pk": "station"}, "api-cylinder": {"code": "cylinder"},
    "api-cylinder-trace": {"code": "cylinder"}, "api-cylinder-status": {"code": "cylinder"},
    "api-cylinder-inspection": {"code": "cylinder"},
    # /api/v1/ monitoring
    "readings": {}, "alarm-stream": {}, "device-list": {}, "device-detail": {"pk": "device"},
    "device-readings": {"pk": "device"}, "device-series": {"pk": "device"}, "alarm-list": {},
    "alarm-detail": {"pk": "alarm"}, "alarm-acknowledge": {"pk": "alarm"}, "alarm-arrive": {"pk": "alarm"},
    "alarm-close": {"pk": "alarm"}, "alarm-dispatch-to": {"pk": "alarm"}, "alarm-handle": {"pk": "alarm"},
    "alarmrule-list": {}, "alarmrule-detail": {"pk": "@alarmrule"}, "deadletter-list": {},
    "deadletter-detail": {"pk": "deadletter"}, "notification-list": {}, "notification-detail": {"pk": "notification"},
    # pages of the loops
    "imports": {}, "imports_template": {"kind": "sites"}, "imports_upload": {"kind": "sites"},
    "imports_job": {"pk": "job"}, "imports_status": {"pk": "job"},
    "cylinders": {}, "cylinders_gate": {}, "cylinders_labels": {}, "cylinders_scan": {"code": "cylinder"},
    "cylinders_customer": {"pk": "customer"}, "cylinders_sell": {}, "cylinders_signals": {},
    "cylinders_reminders": {}, "cylinders_deliver": {"pk": "sale"}, "cylinders_station": {"pk": "station"},
    "cylinders_cylinder": {"code": "cylinder"}, "cylinders_periodic_inspection": {},
    "cylinders_scan_token": {"code": "cylinder", "token": SCAN_TOKEN},
    "campaign": {}, "campaign_my_report": {"month": MONTH}, "campaign_report": {"pk": "report"},
    "campaign_report_version": {"pk": "report", "number": 1}, "campaign_tasks": {}, "campaign_task": {"pk": "@task"},
    "campaign_orders": {}, "campaign_order": {"pk": "order"}, "campaign_circulars": {},
    "campaign_circular": {"pk": "@circular"}, "campaign_admonitions": {},
    "reports": {}, "reports_generate": {}, "report_run": {"pk": "run"}, "report_run_status": {"pk": "run"},
    "report_run_file": {"pk": "run", "kind": "xlsx"}, "reports_default_template": {},
    "reports_upload_template": {}, "reports_use_default_template": {}, "trace": {}, "trace_export": {},
    "alarm_board": {}, "alarm_row": {"pk": "alarm"}, "device_list": {}, "device_export": {}, "device_create": {},
    "device_site_suggestions": {}, "device_page": {"pk": "device"}, "device_edit": {"pk": "device"},
    "device_rotate": {"pk": "device"}, "rule_list": {}, "rule_edit": {"pk": "@alarmrule"}, "dead_letters": {},
    "dead_letter_export": {},
}
# Addresses anyone may open: they name what they are about (the QR label's page names its cylinder and station).
PUBLIC = {"login", "logout", "set_language", "schema", "api-docs", "api-cylinders-ping", "cylinders_scan",
          "cylinders_scan_token"}
SHOWS_ITS_OWN = {"cylinders_scan": ("cylinder", "station"), "cylinders_scan_token": ("cylinder", "station")}
# A stream that would last: asked to replay everything and end at once.
STREAMS = {"alarm-stream": "?after=0&timeout=0"}
REFUSED = {302, 401, 403, 404, 405}


def patterns(resolver=None, prefix=""):
    """(name, route, pattern) of every address, the admin's aside (Django's own, for superusers only)."""
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            if p.namespace != "admin":
                yield from patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield p.name, prefix + str(p.pattern), p


def addresses():
    """Each named address once (DRF's format-suffix twins are the same view)."""
    seen = {}
    for name, route, p in patterns():
        if name and name not in seen and "format" not in p.pattern.regex.groupindex:
            seen[name] = route
    return seen


def test_every_address_is_in_the_matrix():
    names = set(addresses())
    assert not names - set(ADDRESSES), f"Enter these addresses in the scope matrix: {sorted(names - set(ADDRESSES))}"
    assert not set(ADDRESSES) - names, f"Gone from the URL configuration: {sorted(set(ADDRESSES) - names)}"
    for name, route in addresses().items():
        kwargs = set(re.findall(r"<(?:\w+:)?(\w+)>", route)) | set(re.findall(r"\(\?P<(\w+)>", route))
        assert kwargs == set(ADDRESSES[name]), (name, kwargs)


# --- who may see which record: the owning app's own rule ---

def _rule(key, user, obj) -> bool:
    from gasguard.cylinders import scope as cs
    from gasguard.cylinders.models import Customer, Cylinder, Sale
    from gasguard.hazards.models import Hazard
    from gasguard.inspections.models import Inspection
    from gasguard.monitoring.models import Alarm, Device
    from gasguard.org.choices import Role
    from gasguard.sites.models import Site

    def has(model, q, pk):
        return model.objects.filter(q, pk=pk).exists()

    if key == "hazard":
        return Hazard.objects.visible_to(user).filter(pk=obj.pk).exists()
    if key in ("site", "station"):
        return Site.objects.visible_to(user).filter(pk=obj.pk).exists()
    if key == "inspection":
        return Inspection.objects.visible_to(user).filter(pk=obj.pk).exists()
    if key == "photo":
        return Inspection.objects.visible_to(user).filter(pk=obj.inspection_id).exists()
    if key == "lookback":
        return Hazard.objects.visible_to(user).filter(pk=obj.hazard_id).exists()
    if key == "cylinder":
        return has(Cylinder, cs.cylinder_q(user), obj.pk)
    if key == "customer":
        return has(Customer, cs.customer_q(user), obj.pk)
    if key in ("sale", "delivery"):
        return has(Sale, cs.sale_q(user), obj.pk if key == "sale" else obj.sale_id)
    if key == "enterprise":
        from gasguard.org.models import Enterprise
        return Enterprise.objects.visible_to(user).filter(pk=obj.pk).exists()
    if key == "worker":
        return cs.sees_all_cylinders(user) or user.enterprise_id == obj.enterprise_id
    if key == "device":
        return Device.objects.visible_to(user).filter(pk=obj.pk).exists()
    if key in ("alarm", "notification"):
        return Alarm.objects.visible_to(user).filter(pk=obj.pk if key == "alarm" else obj.subject_id).exists()
    if key == "order":
        from gasguard.campaign.models import SupervisionOrder
        return SupervisionOrder.objects.visible_to(user).filter(pk=obj.pk).exists()
    if key == "report":              # a street's own
        return user.role == Role.JURISDICTION and user.jurisdiction_id == obj.jurisdiction_id
    if key == "job":
        return user.pk == obj.user_id
    return False                     # the district's own records: the office's alone


def visible(user, record) -> bool:
    if user is None:
        return False
    if record.key == "job":          # an import is its uploader's alone, the office's too
        return _rule(record.key, user, record.obj)
    if user.is_superuser or user.role == "office":
        return True
    return _rule(record.key, user, record.obj)


# --- the world, once for the module ---

@pytest.fixture(scope="module")
def world(_persona_pks, django_db_blocker):
    # Inside the module's persona transaction, so it is rolled back with them.
    with django_db_blocker.unblock():
        with transaction.atomic():
            w = scope_world.build(testing.load_personas(_persona_pks))
            w.users["enterprise_a"], w.users["enterprise_b"] = w.users.pop("gas_a"), w.users.pop("gas_b")
            w.side_of["enterprise_a"], w.side_of["enterprise_b"] = "A", "B"
            w.sees = {name: [visible(u, r) for r in w.records] for name, u in w.users.items()}
            tokens = {name: Token.objects.get_or_create(user=u)[0].key for name, u in w.users.items() if u}
        w.tokens = tokens
    return w


def client_for(world, name) -> Client:
    user = world.users[name]
    if user is None:
        return Client()
    client = Client(HTTP_AUTHORIZATION=f"Token {world.tokens[name]}")
    client.force_login(user)
    return client


# --- what an answer says ---

def text_of(response) -> str:
    if response.status_code in REFUSED:
        return ""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "").split(";")[0]
    if kind == "application/pdf" or body.startswith(b"%PDF"):
        from pypdf import PdfReader
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    if kind.endswith("spreadsheetml.sheet"):
        import openpyxl
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
                         if v is not None)
    if kind.endswith("wordprocessingml.document"):
        import docx
        document = docx.Document(io.BytesIO(body))
        return "\n".join([p.text for p in document.paragraphs]
                         + [c.text for t in document.tables for row in t.rows for c in row.cells])
    if kind.startswith("image/"):
        return ""
    text = body.decode("utf-8", "replace")
    if kind == "application/json":
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return text


@cache
def _month():
    return f"{clock.today():%Y-%m}"


def fill(world, name, kwargs, record=None) -> dict:
    """The address's kwargs: `record` for its record kind, a reference row for "@…", constants as they are."""
    from gasguard.campaign.models import Circular, Task
    from gasguard.catalog.models import CheckItem
    from gasguard.monitoring.models import AlarmRule
    from gasguard.org.models import Department, Jurisdiction

    shared = {"@jurisdiction": Jurisdiction, "@department": Department, "@checkitem": CheckItem, "@task": Task,
              "@alarmrule": AlarmRule, "@circular": Circular}
    out = {}
    for kwarg, value in kwargs.items():
        if value == MONTH:
            out[kwarg] = _month()
        elif value == SCAN_TOKEN:
            from gasguard.cylinders.labels import scan_token
            out[kwarg] = scan_token(record.obj.code)
        elif isinstance(value, str) and value.startswith("@"):
            row = shared[value].objects.order_by("pk").first()
            out[kwarg] = row.pk if row else 1
        elif isinstance(value, str) and record is not None and value == record.key:
            out[kwarg] = record.obj.code if kwarg == "code" else record.obj.pk
        else:
            out[kwarg] = value
    return out


def record_kind(kwargs):
    kinds = [v for v in kwargs.values() if isinstance(v, str) and not v.startswith("@") and v != MONTH
             and v not in ("start", "sites", "xlsx")]
    return kinds[0] if kinds else None


# Station records (gate checks, fillings) are the station's area's and enterprise's: each names the cylinder it
# filled, whoever's it is (a code, no personal data).
STATION_RECORDS = {"api-cylinders-fillings", "api-cylinders-station-filled", "cylinders_station"}


def own_parts(world, persona, name) -> set:
    """Records named by the persona's own: a seller's sales name the sites the gas is used at (it delivers there;
    its counter lists them, cylinders.views._known_sites)."""
    from gasguard.cylinders.models import Sale

    user = world.users[persona]
    parts = set()
    if user is not None and user.enterprise_id:
        sites = set(Sale.objects.filter(seller_id=user.enterprise_id).values_list("site_id", flat=True))
        parts |= {id(r) for r in world.records if r.key == "site" and r.obj.pk in sites}
    if name in STATION_RECORDS:
        parts |= {id(r) for r in world.records if r.key == "cylinder"}
    return parts


def issued(world, persona, name, record) -> set:
    """The hazards a delivery's rectification notice names, when the persona's enterprise issued it: its own
    document (cylinders.scope.sees_notice)."""
    user = world.users[persona]
    if name != "api-cylinders-notice" or user is None or user.enterprise_id != record.obj.sale.seller_id:
        return set()
    return set(record.obj.hazards.values_list("pk", flat=True))


def secrets_for(world, name, exempt=(), exempt_hazards=(), own=()):
    seen = world.sees[name]
    shown = {s for r, ok in zip(world.records, seen, strict=True) if ok for s in r.secrets}
    return {s: r for r, ok in zip(world.records, seen, strict=True)
            if not ok and r.key not in exempt and not (r.key == "hazard" and r.obj.pk in exempt_hazards)
            and id(r) not in own for s in r.secrets if s not in shown}


def url(name, kwargs):
    from django.urls import reverse
    return reverse(name, kwargs=kwargs or None)


PERSONAS = ["office", "department", "street_a", "street_b", "enterprise_a", "enterprise_b", "restaurant_a",
            "inspector", "anonymous"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_address_names_a_record_out_of_the_personas_scope(world, persona):
    client = client_for(world, persona)
    leaks, errors = [], []
    for name in addresses():
        spec = ADDRESSES[name]
        kind = record_kind(spec)
        if kind is None:
            targets = [None]
        else:
            # those in scope too: their nested parts may name what is not
            targets = world.of(kind)
        own = own_parts(world, persona, name)
        for record in targets:
            secrets = secrets_for(world, persona, SHOWS_ITS_OWN.get(name, ()), issued(world, persona, name, record),
                                  own)
            address = url(name, fill(world, name, spec, record))
            # a stream replays its events from the first and ends at once
            response = client.get(address + STREAMS.get(name, ""))
            if response.status_code >= 500:
                errors.append((address, response.status_code))
                continue
            if persona == "anonymous" and name not in PUBLIC and response.status_code not in REFUSED:
                errors.append((address, f"anonymous got {response.status_code}"))
            text = text_of(response)
            for secret, owner in secrets.items():
                if secret in text:
                    leaks.append((address, response.status_code, owner.key, owner.side, secret))
    assert not errors, errors
    assert not leaks, "\n".join(map(str, leaks))


def test_the_matrix_reaches_each_record(world):
    """Each address with a record is filled right: a persona who may see the record (the office, or the one
    import's uploader) is not refused with 404."""
    clients = {name: client_for(world, name) for name in PERSONAS}
    wrong = []
    for name, spec in ADDRESSES.items():
        kind = record_kind(spec)
        if kind is None:
            continue
        for index, record in enumerate(world.records):
            if record.key != kind:
                continue
            who = next(p for p in PERSONAS if world.sees[p][index])
            response = clients[who].get(url(name, fill(world, name, spec, record)))
            if response.status_code == 404 or response.status_code >= 500:
                wrong.append((name, who, response.status_code))
    assert not wrong


def test_the_matrix_reads_every_kind_of_answer(world):
    """The secrets are found where they are: in a page, a JSON answer, an Excel export and a PDF, read as the
    office (a matrix that could not read them could not fail)."""
    client = client_for(world, "office")
    delivery = world.of("delivery")[0].obj
    hazard = next(r for r in world.of("hazard") if r.obj in delivery.hazards.all())
    for address in (f"/hazards/{hazard.obj.pk}/", f"/api/v1/hazards/{hazard.obj.pk}/", "/ledger/export.xlsx",
                    "/reports/trace/export.xlsx", f"/api/v1/cylinders/deliveries/{delivery.pk}/notice.pdf"):
        response = client.get(address)
        assert response.status_code == 200, address
        assert hazard.secrets[0] in text_of(response), address


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "office"])
def test_no_address_acts_on_a_record_out_of_the_personas_scope(world, persona):
    """An empty POST to every address of a record the persona may not see is refused — not found or not allowed,
    never a bad request: the record is looked up in the persona's scope before the body is read — and changes
    nothing."""
    client = client_for(world, persona)
    wrong = []
    with testing.nothing_changes():
        for name, spec in ADDRESSES.items():
            kind = record_kind(spec)
            if kind is None or name in PUBLIC:
                continue
            for record, ok in zip(world.records, world.sees[persona], strict=True):
                if record.key != kind or ok:
                    continue
                address = url(name, fill(world, name, spec, record))
                response = client.post(address, {})
                login = response.status_code == 302 and response["Location"].startswith("/accounts/login/")
                if response.status_code not in REFUSED - {302} and not login:
                    wrong.append((address, response.status_code))
    assert not wrong
