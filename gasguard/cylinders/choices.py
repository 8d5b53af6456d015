"""Enumerations of the cylinder chain (一瓶一码). Labels are the words of the plan and the standards."""
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class CylinderModel(models.TextChoices):
    """GB 5842 liquefied-petroleum-gas steel cylinder types."""
    YSP4_7 = "YSP4.7", "YSP4.7"
    YSP12 = "YSP12", "YSP12"
    YSP26_2 = "YSP26.2", "YSP26.2"
    YSP35_5 = "YSP35.5", "YSP35.5"
    # The single-valve 50 kg type of GB 5842-2006, still in service in numbers.
    YSP118 = "YSP118", _("YSP118（50kg）")
    # GB 5842-2023 dropped the 50 kg 气液双相 cylinder; catering may not use it (plan 二(四)3).
    YSP118_II = "YSP118-II", _("YSP118-II（50kg气液双相，已禁用）")
    YSP118_GAS = "YSP118/49.5", _("YSP118/49.5（50kg气相）")
    YSP118_LIQUID = "YSP118/液/49.5", _("YSP118/液/49.5（50kg液相）")


# Nominal fill (公称充装量, kg) of each type, the default when a registration gives none.
NOMINAL_FILL_KG = {
    CylinderModel.YSP4_7: Decimal("2.0"),
    CylinderModel.YSP12: Decimal("5.0"),
    CylinderModel.YSP26_2: Decimal("11.0"),
    CylinderModel.YSP35_5: Decimal("14.5"),
    CylinderModel.YSP118: Decimal("49.5"),
    CylinderModel.YSP118_II: Decimal("49.5"),
    CylinderModel.YSP118_GAS: Decimal("49.5"),
    CylinderModel.YSP118_LIQUID: Decimal("49.5"),
}

# The 50 kg 气液双相 type: banned for catering under any setting (plan 二(四)3), named as such in the refusal.
BANNED_IN_CATERING = frozenset({CylinderModel.YSP118_II})
# A "50 kg bottle" (YSP118 family, nominal fill 49.5 kg): plan 二(一)2 forbids supplying any of them to catering as
# cooking fuel. A cylinder registered with its own nominal fill counts from this fill up, whatever its model.
FIFTY_KG_MODELS = frozenset({CylinderModel.YSP118, CylinderModel.YSP118_II, CylinderModel.YSP118_GAS,
                             CylinderModel.YSP118_LIQUID})
FIFTY_KG_MIN_FILL = Decimal("49.5")


class CateringBan(models.TextChoices):
    """Setting CYLINDER_CATERING_BAN: which cylinders a catering buyer is refused."""
    ALL_50KG = "all_50kg", _("全部50kg瓶装液化石油气（方案二（一）2）")
    DOUBLE_PHASE = "double_phase", _("仅50kg“气液双相”气瓶（方案二（四）3）")


class Status(models.TextChoices):
    IN_SERVICE = "in_service", _("在用")
    DUE_INSPECTION = "due_inspection", _("待检验")
    SCRAPPED = "scrapped", _("已报废")
    SEIZED = "seized", _("已扣押")
    BLACKLISTED = "blacklisted", _("黑名单")


# Statuses set by a decision (not by the calendar); each one stops the cylinder at the gate and at the sale.
STOPPED = {Status.SCRAPPED: "scrapped", Status.SEIZED: "seized", Status.BLACKLISTED: "blacklisted"}


class GateReason(models.TextChoices):
    INVALID_CODE = "invalid_code", _("气瓶编码无效（校验位不符，可能误读或伪造）")
    UNKNOWN_CODE = "unknown_code", _("气瓶未登记")
    NOT_OWN = "not_own", _("非本站产权气瓶，不得充装")
    INSPECTION_OVERDUE = "inspection_overdue", _("超过定期检验日期")
    SERVICE_LIFE_OVER = "service_life_over", _("超过设计使用年限")
    SCRAPPED = "scrapped", _("气瓶已报废")
    SEIZED = "seized", _("气瓶已扣押")
    BLACKLISTED = "blacklisted", _("气瓶已列入黑名单")
    NOT_A_STATION = "not_a_station", _("该对象不是已登记的充装站")
    NO_FILLING_LICENCE = "no_filling_licence", _("充装站无气瓶充装许可证")
    FILLING_LICENCE_INVALID = "filling_licence_invalid", _("充装站气瓶充装许可证已过期或被吊销")
    STATION_BLOCKED = "station_blocked", _("充装站已被监管部门锁定，暂停充装")


class SaleReason(models.TextChoices):
    NO_GAS_BUSINESS_LICENCE = "no_gas_business_licence", _("销售企业无有效的燃气经营许可证")
    DOUBLE_PHASE_TO_CATERING = "double_phase_to_catering", _("不得向餐饮企业、单位食堂销售50kg“气液双相”气瓶")
    FIFTY_KG_TO_CATERING = "fifty_kg_to_catering", _(
        "不得向餐饮企业、单位食堂提供50公斤瓶装液化石油气作为烹饪热源（方案二（一）2）")
    BUYER_OVERDUE_HAZARD = "buyer_overdue_hazard", _("用户的随瓶安检隐患逾期未整改，停止供气")
    COURIER_NOT_CERTIFIED = "courier_not_certified", _("配送人员无有效的培训合格证")
    CHECKER_NOT_CERTIFIED = "checker_not_certified", _("安检人员无有效的培训合格证")
    INVALID_CODE = "invalid_code", _("气瓶编码无效")
    UNKNOWN_CODE = "unknown_code", _("气瓶未登记")
    NOT_SELLERS = "not_sellers", _("非本企业产权气瓶")
    CYLINDER_UNFIT = "cylinder_unfit", _("气瓶不能使用（报废、扣押、黑名单、超期未检或超过使用年限）")
    NOT_FILLED = "not_filled", _("气瓶自上次回收后未在充装站充装")
    ALREADY_OUT = "already_out", _("气瓶已售出且未回收")


class CustomerKind(models.TextChoices):
    PERSON = "person", _("个人（居民）")
    BUSINESS = "business", _("单位")


class WorkerRole(models.TextChoices):
    FILLING_OPERATOR = "filling_operator", _("气瓶充装作业人员")
    DELIVERY = "delivery", _("配送人员")
    SAFETY_CHECKER = "safety_checker", _("入户安检人员")


# Site types that count as catering for the cylinder rules (餐饮企业、单位食堂).
CATERING_SITE_TYPES = frozenset({"restaurant", "canteen"})

# Checks before and after filling (GB/T 14193): every one must be answered; a failed pre-fill check stops it.
PRE_FILL_CHECKS = {
    "appearance": _("瓶体无严重腐蚀、变形、损伤"),
    "valve": _("瓶阀完好、无泄漏"),
    "residue": _("残液量已确认（无异常残液）"),
    "markings": _("标志、颜色标记符合规定"),
}
POST_FILL_CHECKS = {
    "leak": _("瓶阀及瓶体无泄漏"),
    "weight": _("复秤充装量在允许范围内"),
    "seal": _("已加装密封帽（封签）"),
}
