"""The default campaign: the Binhai New Area plan of 2023-08-31 (data/work-plan.zh.txt), its three phases with the
plan's own words as their goals, and its reporting rhythm (first report 2023-09-11, then before the 18th)."""
import re
from datetime import date
from pathlib import Path

from gasguard.org.models import Jurisdiction

PLAN = Path(__file__).parent / "data" / "work-plan.zh.txt"
NAME = "滨海新区城镇燃气安全专项整治"
STARTS_ON = date(2023, 8, 31)
FIRST_REPORT_DUE = date(2023, 9, 11)
REPORT_DAY = 18
# (name, starts, ends, heading in the plan's section 四)
PHASES = [
    ("集中攻坚", date(2023, 8, 1), date(2023, 11, 30), "集中攻坚阶段"),
    ("巩固提升", date(2023, 12, 1), date(2024, 6, 30), "全面巩固提升阶段"),
    ("长效机制", date(2024, 7, 1), None, "建立长效机制阶段"),
]


def phase_goals() -> dict[str, str]:
    """Each phase's paragraph of section 四, without its heading and dates: '（一）集中攻坚阶段（…）。<goals>'."""
    goals = {}
    for line in PLAN.read_text(encoding="utf-8").splitlines():
        for name, _, _, heading in PHASES:
            m = re.match(rf"^（[一二三]）{heading}（[^）]*）。(.+)$", line.strip())
            if m:
                goals[name] = m.group(1)
    return goals


def phase_rows():
    goals = phase_goals()
    return [{"name": name, "starts_on": starts, "ends_on": ends, "goals": goals[name], "order": i}
            for i, (name, starts, ends, _) in enumerate(PHASES, start=1)]


def ensure_default_campaign(campaign_model=None, phase_model=None, jurisdiction_model=None):
    """The default campaign, created with its phases on first use (idempotent). Takes the models so that a data
    migration can pass its historical ones."""
    if campaign_model is None:
        from .models import Campaign, Phase  # a cycle: campaign.models imports this module
        campaign_model, phase_model, jurisdiction_model = Campaign, Phase, Jurisdiction
    campaign = campaign_model.objects.filter(is_default=True).first()
    if campaign is None:
        campaign, _ = campaign_model.objects.get_or_create(
            name=NAME, defaults={"starts_on": STARTS_ON, "first_report_due": FIRST_REPORT_DUE,
                                 "report_day": REPORT_DAY, "is_default": True})
        for row in phase_rows():
            phase_model.objects.get_or_create(campaign=campaign, name=row["name"], defaults=row)
    if campaign.root_id is None:
        # The territory is loaded after migrations (post_migrate): attach the district once it is there.
        root = jurisdiction_model.objects.filter(parent=None).order_by("id").first()
        if root is not None:
            campaign.root = root
            campaign.save(update_fields=["root"])
    return campaign
