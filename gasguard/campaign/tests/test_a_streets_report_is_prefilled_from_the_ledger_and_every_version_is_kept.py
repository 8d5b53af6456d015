"""Done-when: for a month, a street's report comes pre-filled with figures that match the ledger (compared with
direct queries), is submitted, returned and resubmitted, with both versions kept (immutable) and audited."""
from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone

from gasguard import testing
from gasguard.audit.models import AuditRecord
from gasguard.campaign import services
from gasguard.campaign.models import MonthlyReport, MonthlyReportVersion, ReportState
from gasguard.campaign.units import Unit, user_unit
from gasguard.hazards.choices import OPEN_STATES
from gasguard.hazards.models import Hazard
from gasguard.inspections.models import Inspection
from gasguard.utilities import clock

MONTH = "2024-03"  # due 2024-03-18, covers 2024-02-18 .. 2024-03-17


def at(*args):
    return clock.frozen(timezone.make_aware(datetime(*args)))


NARRATIVE = {"work_done": "开展燃气安全入户检查", "problems": "部分餐饮单位整改不及时", "next_plan": "开展回头看",
             "responsible_name": "张街长", "responsible_phone": "13900000001", "liaison_name": "李联络",
             "liaison_phone": "13900000002", "entered_cases": "2", "entered_fines_wan": "1.5"}


@pytest.fixture
def ledger(personas):
    p = personas
    with at(2024, 2, 10, 9):
        before = testing.register_hazard(p.site_a, p.inspector, deadline=date(2024, 2, 20))  # open, overdue
    with at(2024, 2, 20, 10):
        _, found = testing.inspect(p.site_a, p.inspector, {testing.HOSE: {"measured_value": "2.5"}})
        testing.inspect(p.site_a, p.inspector)  # a passed inspection counts too
    with at(2024, 2, 25, 10):
        testing.register_hazard(p.site_b, p.street_b)  # 杭州道: out of 塘沽's scope
    with at(2024, 3, 5, 15):
        testing.close_hazard(found[0], p.enterprise, p.street_a)
    with at(2024, 3, 20, 9):
        testing.register_hazard(p.site_a, p.inspector)  # after the period
    return before, found[0]


def direct(unit, start, end):
    """The ledger, queried here on its own."""
    lo, hi = (timezone.make_aware(datetime(d.year, d.month, d.day)) for d in (start, end))
    area = unit.obj.path
    hz = Hazard.objects.filter(jurisdiction__path__startswith=area)
    open_at_end = hz.filter(found_at__lt=hi).exclude(closed_at__lt=hi)
    found = hz.filter(found_at__gte=lo, found_at__lt=hi)
    total = hz.filter(found_at__lt=hi, found_at__gte=timezone.make_aware(datetime(2023, 8, 31))).count()
    closed = hz.filter(closed_at__lt=hi).count()
    return {
        "inspections": Inspection.objects.filter(site__jurisdiction__path__startswith=area, inspected_at__gte=lo,
                                                 inspected_at__lt=hi).count(),
        "hazards_found": found.count(),
        "hazards_closed": hz.filter(closed_at__gte=lo, closed_at__lt=hi).count(),
        "open": open_at_end.count(),
        "overdue": open_at_end.filter(deadline__lt=end).count(),
        "major_found": found.filter(severity="major").count(),
        "rectification_rate": round(100 * closed / total, 1),
    }


def test_the_form_arrives_prefilled_with_the_ledgers_figures(personas, ledger):
    campaign = services.default_campaign()
    unit = user_unit(personas.street_a)
    assert unit.obj.code == testing.STREET_A
    start, end = services.period(campaign, MONTH)
    assert (start, end) == (date(2024, 2, 18), date(2024, 3, 18))

    report = services.open_report(campaign, unit, MONTH, by=personas.street_a)
    f = report.figures
    expected = direct(unit, start, end)
    assert {k: f[k] for k in expected} == expected
    # and the figures are the ones of this small ledger, not zeros equal to zeros
    assert (f["inspections"], f["hazards_found"], f["hazards_closed"], f["open"], f["overdue"]) == (2, 1, 1, 1, 1)
    assert f["rectification_rate"] == 50.0
    assert {"fillings", "sales", "delivery_checks", "alarms"} <= set(f)  # cylinders and monitoring are installed
    assert report.due_on == date(2024, 3, 18)
    assert not Hazard.objects.filter(state__in=OPEN_STATES, jurisdiction__code=testing.STREET_B).filter(
        Q(jurisdiction__path__startswith=unit.obj.path)).exists()


def test_a_department_counts_the_hazards_it_leads_and_its_peoples_inspections(personas, ledger):
    campaign = services.default_campaign()
    before, found = ledger
    fire = Unit(personas.fire.department)
    assert found.lead_unit == personas.fire.department  # the hose item is the fire brigade's
    report = services.open_report(campaign, fire, MONTH, by=personas.fire)
    start, end = services.period(campaign, MONTH)
    lo, hi = (timezone.make_aware(datetime(d.year, d.month, d.day)) for d in (start, end))
    led = Hazard.objects.filter(lead_unit=fire.obj)
    assert report.figures["hazards_found"] == led.filter(found_at__gte=lo, found_at__lt=hi).count() == 2
    assert report.figures["inspections"] == 0  # 塘沽's inspector is not one of the brigade's people
    assert "fillings" not in report.figures  # cylinder figures are a territory's


def test_submitted_returned_resubmitted_and_both_versions_kept(personas, ledger):
    campaign = services.default_campaign()
    unit = user_unit(personas.street_a)
    report = services.open_report(campaign, unit, MONTH, by=personas.street_a)

    with pytest.raises(ValidationError) as e:
        services.submit_report(report, {"work_done": "只写了一项"}, by=personas.street_a)
    assert "problems" in e.value.message_dict and "liaison_phone" in e.value.message_dict
    with pytest.raises(PermissionDenied):
        services.submit_report(report, NARRATIVE, by=personas.street_b)  # another street's report

    with at(2024, 3, 15, 10):
        v1 = services.submit_report(report, NARRATIVE, by=personas.street_a)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.version == 1 and not report.is_late
    assert v1.data["figures"]["hazards_found"] == 1 and v1.data["entered"] == {"cases": 2, "fines_wan": 1.5}

    with pytest.raises(PermissionDenied):
        services.return_report(report, comment="请补充", by=personas.street_a)  # only the office returns
    with at(2024, 3, 16, 9):
        services.return_report(report, comment="请补充执法案件情况", by=personas.office)
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED and report.return_comment == "请补充执法案件情况"

    with at(2024, 3, 17, 9):
        v2 = services.submit_report(report, {**NARRATIVE, "entered_cases": "3",
                                             "problems": "已补充：立案3起"}, by=personas.street_a)
    versions = list(MonthlyReportVersion.objects.filter(report=report).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].data["problems"] == "部分餐饮单位整改不及时" and versions[0].data["entered"]["cases"] == 2
    assert versions[1].data["problems"] == "已补充：立案3起" and versions[1].data["entered"]["cases"] == 3
    assert v2.submitted_by == personas.street_a

    # immutable: a version is neither changed nor deleted
    with pytest.raises(ValueError):
        versions[0].save()
    with pytest.raises(ValueError):
        versions[0].delete()
    actions = list(AuditRecord.objects.filter(object_type="campaign.monthlyreport", object_id=str(report.pk))
                   .values_list("action", flat=True).order_by("id"))
    assert actions == ["report.submit", "report.return", "report.submit"]


def test_a_bad_enforcement_figure_is_refused_with_its_label(personas):
    campaign = services.default_campaign()
    report = services.open_report(campaign, user_unit(personas.street_a), MONTH)
    with pytest.raises(ValidationError) as e:
        services.save_draft(report, {"entered_cases": "三起"}, by=personas.street_a)
    assert "立案查处（起）" in e.value.message_dict["entered_cases"][0]
    assert MonthlyReport.objects.get(pk=report.pk).entered == {}
