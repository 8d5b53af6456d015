"""A campaign is data: the default one has the plan's three phases (goals in the plan's words) and its 44 tasks;
another district's campaign is rows, with task codes of its own."""
from datetime import date

from gasguard.campaign import services
from gasguard.campaign.defaults import PLAN
from gasguard.campaign.models import Campaign, Phase, Task
from gasguard.campaign.units import reporting_units
from gasguard.org.models import Jurisdiction


def test_the_default_campaign_has_the_plans_phases_and_tasks(db):
    campaign = services.default_campaign()
    assert campaign.root.code == "120116"
    phases = list(campaign.phases.order_by("order"))
    assert [(p.name, p.starts_on, p.ends_on) for p in phases] == [
        ("集中攻坚", date(2023, 8, 1), date(2023, 11, 30)), ("巩固提升", date(2023, 12, 1), date(2024, 6, 30)),
        ("长效机制", date(2024, 7, 1), None)]
    plan = PLAN.read_text(encoding="utf-8")
    for p in phases:
        assert len(p.goals) > 50 and p.goals in plan
    assert phases[1].goals.startswith("在集中攻坚的基础上")
    assert Task.objects.filter(campaign=campaign).count() == Task.objects.count() == 44


def test_another_campaign_needs_no_code(db):
    root = Jurisdiction.objects.get(code="120116-S01")
    other = Campaign.objects.create(name="塘沽街道2025年燃气安全整治", root=root, starts_on=date(2025, 1, 1),
                                    report_day=25)
    Phase.objects.create(campaign=other, name="排查", starts_on=date(2025, 1, 1), goals="全面排查")
    task = Task.objects.create(campaign=other, code="二(一)1", section="二", group="排查", title="排查餐饮",
                               text="排查餐饮企业", streets=True)
    assert Task.objects.filter(code="二(一)1").count() == 2  # codes are unique within a campaign
    assert services.due_date(other, "2025-02") == date(2025, 2, 25)
    units = reporting_units(other)
    assert [u.obj.code for u in units] == ["120116-S01"]  # only its territory; no departments named on its tasks
    assert task in Task.objects.filter(units[0].task_q())
    assert services.default_campaign().name != other.name
