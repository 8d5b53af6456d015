"""The safety check at the user's premises at each delivery (随瓶安检): the points, and the catalog item that a
failure is routed by where the catalog has one."""
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class CheckPoint:
    key: str
    text: str                   # what a pass means
    failure: str                # the hazard's description when it fails
    item_code: str = ""         # the catalog item (catalog/data/items.py) that routes the failure, if any
    legal_basis: str = ""       # for the failures no catalog item covers
    catering_only: bool = False
    unit: str = ""              # a measured point: the number decides
    limit: Decimal | None = None


POINTS = (
    CheckPoint("angle_valve", _("钢瓶角阀完好、开关灵活、无泄漏"), "钢瓶角阀损坏或泄漏",
               legal_basis="《城镇燃气管理条例》第二十八条；TSG 23-2021"),
    CheckPoint("regulator", _("调压器完好、无泄漏、未超过使用年限"), "调压器损坏、泄漏或超过使用年限",
               legal_basis="GB 55009-2021 第6.1.9条"),
    CheckPoint("regulator_fixed_outlet", _("使用不可调节出口压力的调压器"), "使用可调节出口压力的调压器",
               item_code="P2.4.3-02", catering_only=True),
    CheckPoint("hose_length_m", _("连接软管长度不超过2米"), "连接软管长度超过2米", item_code="P2.4.2-05",
               unit="m", limit=Decimal("2.0")),
    CheckPoint("hose_condition", _("连接软管无老化、龟裂、破损，无接头、未私接三通"), "连接软管老化、破损、有接头或私接三通",
               legal_basis="GB 55009-2021 第6.1.7条、第6.1.8条"),
    CheckPoint("hose_through_wall", _("连接软管未穿越墙体、门窗、顶棚或地面"), "连接软管穿越墙体、门窗、顶棚或地面",
               item_code="P2.4.2-07", legal_basis="GB 55009-2021 第6.1.8条"),
    CheckPoint("detector", _("安装并正常使用可燃气体探测器"), "未安装或未规范安装、使用可燃气体探测器",
               item_code="P2.4.2-08", legal_basis="GB 55009-2021 第6.2节"),
    CheckPoint("shutoff_valve", _("安装并正常使用燃气紧急切断阀"), "未安装或未规范安装、使用燃气紧急切断阀",
               item_code="P2.4.2-09", legal_basis="GB 55009-2021 第6.2节"),
    CheckPoint("placement", _("气瓶直立放置，不在地下、半地下或用餐区域，在用与备用气瓶分开"), "气瓶放置不符合要求",
               item_code="P2.4.2-04", legal_basis="GB 55009-2021 第6.2.3条"),
    CheckPoint("stored_kg", _("存放气瓶总重量不超过100kg，或设有专用气瓶间"), "存放气瓶总重量超过100kg但未设置专用气瓶间",
               item_code="P2.4.2-03", unit="kg", limit=Decimal("100")),
)
BY_KEY = {p.key: p for p in POINTS}


def points_for(site) -> list[CheckPoint]:
    from .choices import CATERING_SITE_TYPES

    catering = site.site_type in CATERING_SITE_TYPES
    return [p for p in POINTS if catering or not p.catering_only]
