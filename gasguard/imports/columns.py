"""The columns of each import: header, whether required, what may be written. The template, its instructions sheet
and the error messages are all built from these, so they cannot disagree."""
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import translation

from gasguard.catalog.choices import Severity
from gasguard.hazards.choices import Source
from gasguard.org.choices import EnterpriseKind
from gasguard.sites.choices import Building, Fuel, SiteType

from .cells import DATE_HELP, Choices, base
from .models import Kind

REQUIRED, OPTIONAL = "必填", "选填"


@dataclass(frozen=True)
class Column:
    key: str
    label: str                      # the header as error messages name it: "统一社会信用代码"
    header: str = ""                # the header in the template, when it says more: "设有专用气瓶间（是/否）"
    required: str = OPTIONAL        # 必填 / 选填 / a condition
    help: str = ""
    values: Callable[[], list[str]] | None = None   # allowed values, shown in the instructions and as a drop-down
    width: int = 16
    as_text: bool = False           # formatted as text in the template (codes, phone numbers keep leading zeros)
    aliases: tuple[str, ...] = ()   # other headers accepted for this column

    @property
    def title(self):
        return self.header or self.label

    def matches(self, header: str) -> bool:
        key = base(header)
        return key == base(self.title) or key in {base(a) for a in self.aliases}


def labels(choices) -> Callable[[], list[str]]:
    def chinese():
        with translation.override(None):  # the Chinese labels of the code, whatever the page's language
            return [str(label) for _, label in choices]
    return chinese


SITE_TYPE = Choices(SiteType.choices, what="对象类型")
FUEL = Choices(Fuel.choices, what="用气类型", aliases={"液化石油气": Fuel.LPG, "天然气": Fuel.PIPELINE_GAS,
                                                       "无": Fuel.NONE})
BUILDING = Choices(Building.choices, what="建筑类型")
ENTERPRISE_KIND = Choices(EnterpriseKind.choices, what="企业类型")
SEVERITY = Choices(Severity.choices, what="隐患等级", aliases={"一般": Severity.GENERAL, "重大": Severity.MAJOR})
SOURCE = Choices(Source.choices, what="来源", aliases={"检查": Source.INSPECTION, "自查": Source.SELF_INSPECTION,
                                                      "举报": Source.TIP})

YES_NO = lambda: ["是", "否"]  # noqa: E731
JURISDICTION_HELP = "填写属地编码或名称（开发区、街镇、社区、网格均可），见本表下方“属地编码表”"
CREDIT_HELP = "18位，按 GB 32100 校验第18位校验码"

SITE_COLUMNS = [
    Column("name", "名称", required=REQUIRED, width=28),
    Column("site_type", "类型", required=REQUIRED, values=labels(SiteType.choices), width=22,
           help="对象类型的中文名称（或代码）"),
    Column("jurisdiction", "属地", "属地（编码或名称）", required=REQUIRED, width=20, as_text=True,
           aliases=("属地编码", "属地名称", "属地编码或名称"), help=JURISDICTION_HELP),
    Column("address", "地址", width=32, help="与名称一起用于识别已登记的对象"),
    Column("lat", "纬度", width=10, help="WGS-84 十进制度，如 39.0123；与经度同时填写"),
    Column("lon", "经度", width=10, help="WGS-84 十进制度，如 117.6543；与纬度同时填写"),
    Column("fuel", "用气类型", values=labels(Fuel.choices), width=16, help="不填为“不用气”"),
    Column("building", "建筑类型", values=labels(Building.choices), width=14, help="不填为“普通建筑”"),
    Column("lpg_stored_kg", "液化石油气存放量", "液化石油气存放量（kg）", width=14,
           aliases=("液化石油气存放量kg",), help="单位千克，不填为0"),
    Column("has_cylinder_room", "设有专用气瓶间", "设有专用气瓶间（是/否）", values=YES_NO, width=12,
           help="不填为“否”"),
    Column("crowded_place", "人员密集场所", "人员密集场所（是/否）", values=YES_NO, width=12, help="不填为“否”"),
    Column("contact_person", "负责人", width=10),
    Column("contact_phone", "联系电话", width=16, as_text=True),
    Column("enterprise", "所属企业统一社会信用代码", width=24, as_text=True,
           aliases=("所属企业信用代码", "统一社会信用代码"),
           help="该企业须已在平台登记（可先导入企业）；" + CREDIT_HELP),
]

ENTERPRISE_COLUMNS = [
    Column("name", "企业名称", required=REQUIRED, width=30),
    Column("credit_code", "统一社会信用代码", required=REQUIRED, width=24, as_text=True, help=CREDIT_HELP),
    Column("kind", "企业类型", required=REQUIRED, values=labels(EnterpriseKind.choices), width=22),
    Column("legal_representative", "法定代表人", width=12),
    Column("safety_officer", "安全负责人", width=12),
    Column("phone", "联系电话", width=16, as_text=True),
    Column("address", "地址", width=32),
    Column("jurisdiction", "属地", required=REQUIRED, width=20, as_text=True,
           aliases=("属地编码", "属地名称", "所属属地"), help=JURISDICTION_HELP),
]

HAZARD_COLUMNS = [
    Column("site_name", "隐患所在对象名称", required=REQUIRED, width=28, aliases=("隐患所在对象", "对象名称"),
           help="须为已登记的监管对象（可先导入监管对象），且在您的管辖范围内"),
    Column("site_address", "对象地址", width=30, help="与名称一起识别对象；应与登记的地址一致"),
    Column("site_credit_code", "对象统一社会信用代码", "对象统一社会信用代码（可选）", width=24, as_text=True,
           help="对象所属企业的统一社会信用代码；填写时按“企业＋名称”识别对象"),
    Column("description", "隐患描述", required=REQUIRED, width=40),
    Column("severity", "隐患等级", "隐患等级（一般/重大）", required="必填（填写检查项编码时可不填，取检查项的等级）",
           values=lambda: ["一般", "重大"], width=12),
    Column("item", "检查项编码", "检查项编码（可选）", width=14, as_text=True, help="检查项目录中的编码，如 P2.4.2-05"),
    Column("lead_unit", "牵头单位", required="必填（填写检查项编码时可不填，按方案分派）", width=22,
           help="成员单位名称，按工作方案的写法（也可用简称），见本表下方“成员单位表”"),
    Column("responsible_person", "整治责任人", required=REQUIRED, width=12, help="须具体到人"),
    Column("responsible_phone", "责任人电话", width=16, as_text=True),
    Column("deadline", "整改期限", required=REQUIRED, width=14,
           help=DATE_HELP + "；不能早于导入当天（已逾期的隐患请先确定新的整改期限）"),
    Column("found_date", "发现日期", required=REQUIRED, width=14, help=DATE_HELP + "；不能晚于导入当天"),
    Column("source", "来源", values=labels(Source.choices), width=12, help="不填为“监管检查”"),
]

COLUMNS = {Kind.SITES: SITE_COLUMNS, Kind.ENTERPRISES: ENTERPRISE_COLUMNS, Kind.HAZARDS: HAZARD_COLUMNS}
