"""Done-when: a unit that has not reported by the 18th is reminded (3 days and 1 day before) and appears as late
on the office's board; reminders and late marking are idempotent (a job run twice notifies once)."""
from datetime import date, datetime

from django.utils import timezone

from gasguard.campaign import services
from gasguard.campaign.models import MonthlyReport, Notice
from gasguard.campaign.units import reporting_units, user_unit
from gasguard.utilities import clock

MONTH = "2024-05"
DUE = date(2024, 5, 18)
FILLED = {"work_done": "入户检查", "problems": "无", "next_plan": "继续", "responsible_name": "甲",
          "responsible_phone": "1", "liaison_name": "乙", "liaison_phone": "2"}


def test_reminded_before_the_due_date_then_late(personas):
    campaign = services.default_campaign()
    street_a, street_b = user_unit(personas.street_a), user_unit(personas.street_b)
    units = reporting_units(campaign)
    assert street_a in units and street_b in units and user_unit(personas.market) in units
    assert len(units) == 24 + 5 + 21  # the plan's member departments, 5 zones, 21 streets/towns

    # street A submits in time; street B does not
    with clock.frozen(timezone.make_aware(datetime(2024, 5, 10, 9))):
        services.submit_report(services.open_report(campaign, street_a, MONTH), FILLED, by=personas.street_a)

    assert services.send_reminders(campaign, today=date(2024, 5, 14)) == {"reminders": 0}  # 4 days before
    first = services.send_reminders(campaign, today=date(2024, 5, 15))  # 3 days before
    assert first["reminders"] == len(units) - 1  # everyone but street A
    assert services.send_reminders(campaign, today=date(2024, 5, 15)) == {"reminders": 0}  # run twice: once
    assert services.send_reminders(campaign, today=date(2024, 5, 16)) == {"reminders": 0}  # same step
    assert services.send_reminders(campaign, today=date(2024, 5, 17))["reminders"] == len(units) - 1  # 1 day
    b = Notice.objects.filter(unit_key=street_b.key, kind="reminder").order_by("created_at", "id")
    assert [n.title for n in b] == [f"请于 2024-05-18 前报送 {MONTH} 月报（还有 3 天）",
                                    f"请于 2024-05-18 前报送 {MONTH} 月报（还有 1 天）"]
    assert not Notice.objects.filter(unit_key=street_a.key, kind="reminder").exists()

    may = MonthlyReport.objects.filter(campaign=campaign, month=MONTH, late_marked_at__isnull=False)
    services.mark_late(campaign, today=DUE)  # (marks April, the latest month past due)
    assert not may.exists()  # the 18th itself is still in time
    services.mark_late(campaign, today=date(2024, 5, 19))
    assert may.count() == len(units) - 1
    assert services.mark_late(campaign, today=date(2024, 5, 20)) == {"late": 0}  # idempotent
    assert Notice.objects.filter(unit_key=street_b.key, kind="late", title__startswith=MONTH).count() == 1
    report_b = MonthlyReport.objects.get(campaign=campaign, month=MONTH, unit_key=street_b.key)
    assert report_b.late_marked_at is not None and report_b.version == 0

    rows = {r["unit"].key: r for r in services.board(campaign, [MONTH], today=date(2024, 5, 19))}
    assert rows[street_a.key]["cells"][0]["state"] == "submitted"
    assert rows[street_b.key]["cells"][0]["state"] == "late"

    # B reports late: it shows as submitted late, and the circular names it
    with clock.frozen(timezone.make_aware(datetime(2024, 5, 21, 9))):
        services.submit_report(report_b, FILLED, by=personas.street_b)
    rows = {r["unit"].key: r for r in services.board(campaign, [MONTH], today=date(2024, 5, 22))}
    assert rows[street_b.key]["cells"][0]["state"] == "submitted_late"
    named = {e["unit_key"]: e["reasons"] for e in services.slow_units(campaign, MONTH, today=date(2024, 5, 22))}
    assert named[street_b.key][0].startswith("月报迟报")
    assert street_a.key not in named


def test_first_report_is_due_on_the_11th_of_september_2023(db):
    campaign = services.default_campaign()
    assert services.due_date(campaign, "2023-09") == date(2023, 9, 11)
    assert services.due_date(campaign, "2023-10") == date(2023, 10, 18)
    assert services.period(campaign, "2023-09") == (date(2023, 8, 31), date(2023, 9, 11))
    assert services.period(campaign, "2023-10") == (date(2023, 9, 11), date(2023, 10, 18))
    assert services.report_months(campaign, until=date(2023, 11, 2)) == ["2023-09", "2023-10", "2023-11"]
