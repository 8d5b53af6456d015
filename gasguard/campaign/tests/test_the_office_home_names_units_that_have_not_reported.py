"""The office's home dashboard says, for the latest month past its due date, how many units reported on time, late
or not at all, and names the missing ones; other roles see no such panel."""
from datetime import date, datetime

from django.urls import reverse
from django.utils import timezone

from gasguard.campaign import services
from gasguard.campaign.units import reporting_units, user_unit
from gasguard.utilities import clock


def test_the_office_home_names_units_that_have_not_reported(client, personas):
    campaign = services.default_campaign()
    with clock.frozen(timezone.make_aware(datetime(2024, 3, 25, 9))):
        units = reporting_units(campaign)
        street = user_unit(personas.street_a)
        assert street.key in {u.key for u in units}
        report = services.open_report(campaign, street, "2024-03", by=personas.street_a)
        services.submit_report(report, {"work_done": "入户检查", "problems": "无", "next_plan": "继续",
                                        "responsible_name": "王五", "responsible_phone": "13800000001",
                                        "liaison_name": "赵六", "liaison_phone": "13800000002"}, by=personas.street_a)
    with clock.frozen(timezone.make_aware(datetime(2024, 4, 2, 9))):
        summary = services.reporting_summary(campaign)
        assert summary["month"] == "2024-03" and summary["due"] == date(2024, 3, 18)
        assert summary["late_submitted"] == 1 and summary["on_time"] == 0
        assert summary["missing"] == len(units) - 1 == len(summary["missing_units"])
        assert street.name not in summary["missing_units"]

        client.force_login(personas.office)
        page = client.get(reverse("home")).content.decode()
        assert "2024-03 月报报送" in page and f"<b>{summary['missing']}</b> 逾期未报" in page
        assert summary["missing_units"][0] in page

        client.force_login(personas.street_a)
        assert "月报报送" not in client.get(reverse("home")).content.decode()
