from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    DISTRICT = "district", _("区")
    ZONE = "zone", _("开发区")
    STREET = "street", _("街镇")
    COMMUNITY = "community", _("社区")
    GRID = "grid", _("网格")


class Role(models.TextChoices):
    OFFICE = "office", _("区专班办公室")
    DEPARTMENT = "department", _("成员单位")
    JURISDICTION = "jurisdiction", _("属地（开发区/街镇）")
    ENTERPRISE = "enterprise", _("燃气企业")
    INSPECTOR = "inspector", _("检查人员")
    AGENCY = "agency", _("检验机构")  # a cylinder inspection agency: records periodic inspections, nothing else


class EnterpriseKind(models.TextChoices):
    PIPELINE_GAS = "pipeline_gas", _("管道燃气经营企业")
    LPG = "lpg", _("瓶装液化石油气经营企业")
    FILLING = "filling", _("气瓶充装企业")
    TRANSPORT = "transport", _("危险货物运输企业")
    PRODUCER = "producer", _("生产企业")
    INSPECTION_AGENCY = "inspection_agency", _("气瓶检验机构")
    USER = "user", _("用气单位")
    OTHER = "other", _("其他")
