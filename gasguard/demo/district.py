"""The demo district (演示区): accounts of every role, the gas enterprises, ~300 regulated sites, and the campaign
from 2023-09-01 to today replayed through the service functions — inspections, hazards and every step of their
rectification, escalation and look-back — with the platform clock set back for each step. The ledger, the
timelines and the audit chain are therefore the genuine output of the code users run, in chronological order.

Nothing here writes an inspection, a hazard, a hazard event or an audit record by hand; only the master data
(users, enterprises, sites, licences), which has no service of its own, is created directly.
"""
import math
import random
import struct
import time as walltime
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from gasguard.audit.models import AuditHead
from gasguard.campaign import demo as campaign_demo
from gasguard.campaign import services as campaign_services
from gasguard.campaign.models import SupervisionOrder
from gasguard.catalog.choices import Severity
from gasguard.catalog.models import CheckItem
from gasguard.cylinders.demo import load as load_cylinders
from gasguard.hazards import services as hazard_services
from gasguard.hazards.choices import State
from gasguard.hazards.models import Hazard, LookBack
from gasguard.inspections.models import Inspection, InspectionKind, Photo, Result
from gasguard.inspections.services import ItemAnswer, record_inspection
from gasguard.org.choices import EnterpriseKind, Level, Role
from gasguard.org.models import Department, Enterprise, Jurisdiction, User
from gasguard.sites.choices import Building, Fuel, LicenceKind, SiteType
from gasguard.sites.models import Licence, Site
from gasguard.utilities import clock
from gasguard.utilities.credit_code import make_credit_code

DEFAULT_SEED = 20231
PASSWORD = "gasguard123"
CAMPAIGN_START = date(2023, 9, 1)
WINTER_DAYS = 60  # the winter special inspection: the last two months

# The final mix of hazard states the replay aims at (the rest are closed).
STATE_MIX = [(State.OPEN, 0.20), (State.RECTIFYING, 0.15), (State.CONTROLLED, 0.10), (State.SUBMITTED, 0.10)]

# ---------------------------------------------------------------------------------------------------------------
# Accounts. The named demo accounts are listed in the README; their names are invented.
# (username, full name, role, department code, jurisdiction code)
NAMED_USERS = [
    ("office", "王建国", Role.OFFICE, "cgw", None),
    ("scjg", "李秀梅", Role.DEPARTMENT, "scjg", None),
    ("fire", "张振宇", Role.DEPARTMENT, "fire-bh", None),
    ("swtcj", "刘晓燕", Role.DEPARTMENT, "swtcj", None),
    ("tanggu", "陈志强", Role.JURISDICTION, None, "120116-S01"),
    ("hangzhoudao", "杨丽娟", Role.JURISDICTION, None, "120116-S03"),
    ("teda", "赵文博", Role.JURISDICTION, None, "120116-Z1"),
    ("inspector", "周鹏飞", Role.INSPECTOR, None, "120116-S01"),
    ("inspector2", "吴俊杰", Role.INSPECTOR, "fire-bh", None),
]
ADMIN_NAME = "郑国华"
AGENCY_DEMO_NAME = "何建平"  # `jianyan`: the inspection agency's account (records periodic inspections)
LOGIN_ORDER = ["office", "scjg", "fire", "swtcj", "tanggu", "hangzhoudao", "teda", "enterprise", "inspector",
               "inspector2", "admin"]
ENTERPRISE_DEMO_NAME = "孙海涛"

# Usernames of the territorial units' own accounts (属地账号); tanggu, hangzhoudao and teda are named above.
UNIT_USERNAMES = {
    "120116-Z2": "baoshuiqu", "120116-Z3": "gaoxinqu", "120116-Z4": "dongjiang", "120116-Z5": "shengtaicheng",
    "120116-S02": "xinbei", "120116-S04": "xinhe", "120116-S05": "dagu", "120116-S06": "beitang",
    "120116-S07": "hujiayuan", "120116-S08": "xincheng", "120116-S09": "hangu", "120116-S10": "zhaishang",
    "120116-S11": "chadian", "120116-S12": "yangjiabo", "120116-S13": "dagang", "120116-S14": "haibin",
    "120116-S15": "gulin", "120116-S16": "taiping", "120116-S17": "xiaowangzhuang", "120116-S18": "zhongtang",
    "120116-S19": "taida", "120116-S20": "xingang", "120116-S21": "xincun",
}

# More field inspectors (inspector03 …): where they belong. A jurisdiction inspector sees its own subtree only.
MORE_INSPECTORS = [
    (None, "120116-S01"), (None, "120116-S03"), (None, "120116-Z1"), (None, "120116-S02"), (None, "120116-S13"),
    (None, "120116-S09"), ("cgw", None), ("cgw", None), ("scjg", None), ("fire-jk", None), ("swtcj", None),
    ("jtysj", None),
]

# How much each department's inspectors care about each kind of site (0 = never goes there alone).
GAS_TYPES = {SiteType.PIPELINE_GAS_ENTERPRISE, SiteType.LPG_ENTERPRISE, SiteType.LPG_SUPPLY_POINT,
             SiteType.PIPELINE_SEGMENT, SiteType.REGULATOR_STATION, SiteType.FILLING_STATION}
CROWDED_TYPES = {SiteType.RESTAURANT, SiteType.SCHOOL, SiteType.KINDERGARTEN, SiteType.HOSPITAL,
                 SiteType.ELDERLY_HOME, SiteType.WELFARE_HOME, SiteType.HOTEL, SiteType.COMMERCIAL_COMPLEX,
                 SiteType.FARMERS_MARKET}


def _affinity(dept_code: str, site_type: str) -> float:
    if dept_code == "cgw":
        return 2.0 if site_type in GAS_TYPES else 0.6
    if dept_code == "scjg":
        return 2.5 if site_type in {SiteType.FILLING_STATION, SiteType.LPG_SUPPLY_POINT, SiteType.APPLIANCE_MAKER,
                                    SiteType.APPLIANCE_SELLER, SiteType.INSPECTION_AGENCY,
                                    SiteType.LPG_PRODUCER} else (0.8 if site_type == SiteType.RESTAURANT else 0.2)
    if dept_code.startswith("fire"):
        return 1.5 if site_type in CROWDED_TYPES else 0.2
    if dept_code == "swtcj":
        return 1.5 if site_type in {SiteType.RESTAURANT, SiteType.HOTEL, SiteType.COMMERCIAL_COMPLEX,
                                    SiteType.STREET_SHOP} else 0.0
    if dept_code == "jtysj":
        return 3.0 if site_type in {SiteType.HAZMAT_VEHICLE, SiteType.TRANSPORT_ENTERPRISE} else 0.0
    return 0.3


# ---------------------------------------------------------------------------------------------------------------
# Enterprises (invented names). (kind, name, short name, territorial unit)
ENTERPRISES = [
    (EnterpriseKind.PIPELINE_GAS, "天津滨海海晟燃气有限公司", "海晟燃气", "120116-S01"),
    (EnterpriseKind.PIPELINE_GAS, "天津港城管道燃气发展有限公司", "港城燃气", "120116-Z1"),
    (EnterpriseKind.PIPELINE_GAS, "天津滨海泰和城市燃气有限公司", "泰和燃气", "120116-S13"),
    (EnterpriseKind.LPG, "天津滨海安泰液化气销售有限公司", "安泰液化气", "120116-S01"),
    (EnterpriseKind.LPG, "天津鑫港液化石油气经营有限公司", "鑫港液化气", "120116-S03"),
    (EnterpriseKind.LPG, "天津滨海福源燃气经营有限公司", "福源燃气", "120116-S04"),
    (EnterpriseKind.LPG, "天津汉沽利民液化气有限公司", "利民液化气", "120116-S09"),
    (EnterpriseKind.LPG, "天津大港宏达液化气销售有限公司", "宏达液化气", "120116-S13"),
    (EnterpriseKind.LPG, "天津滨海顺通燃气服务有限公司", "顺通燃气", "120116-S08"),
    (EnterpriseKind.LPG, "天津北塘永安液化气有限公司", "永安液化气", "120116-S06"),
    (EnterpriseKind.LPG, "天津滨海众和燃气供应有限公司", "众和燃气", "120116-S07"),
    (EnterpriseKind.FILLING, "天津滨海瑞丰液化气充装有限公司", "瑞丰充装", "120116-S08"),
    (EnterpriseKind.FILLING, "天津大港恒泰气体充装有限公司", "恒泰充装", "120116-S16"),
    (EnterpriseKind.FILLING, "天津汉沽兴盛液化气充装有限公司", "兴盛充装", "120116-S11"),
    (EnterpriseKind.FILLING, "天津滨海华安能源充装有限公司", "华安充装", "120116-Z3"),
    (EnterpriseKind.TRANSPORT, "天津滨海通达危险货物运输有限公司", "通达运输", "120116-Z2"),
    (EnterpriseKind.TRANSPORT, "天津港顺危险品物流有限公司", "港顺物流", "120116-Z4"),
    (EnterpriseKind.TRANSPORT, "天津大港安运危险货物运输有限公司", "安运运输", "120116-S15"),
    (EnterpriseKind.PRODUCER, "天津滨海瀚宇石化科技有限公司", "瀚宇石化", "120116-S17"),
    (EnterpriseKind.PRODUCER, "天津大港润达能源化工有限公司", "润达化工", "120116-S14"),
    (EnterpriseKind.PRODUCER, "天津临港金澜燃料有限公司", "金澜燃料", "120116-S18"),
    (EnterpriseKind.USER, "天津滨海渔家湾餐饮管理有限公司", "渔家湾海鲜", "120116-S01"),
    (EnterpriseKind.USER, "天津老码头餐饮连锁有限公司", "老码头", "120116-S03"),
    (EnterpriseKind.USER, "天津津味坊餐饮管理有限公司", "津味坊", "120116-Z1"),
    (EnterpriseKind.USER, "天津滨海和顺轩餐饮有限公司", "和顺轩", "120116-S20"),
    (EnterpriseKind.INSPECTION_AGENCY, "天津滨海特种设备检验检测有限公司", "滨海特检", "120116-S01"),
]
# The head-office site every enterprise of these kinds has, with its site type.
HQ_TYPES = {
    EnterpriseKind.PIPELINE_GAS: SiteType.PIPELINE_GAS_ENTERPRISE, EnterpriseKind.LPG: SiteType.LPG_ENTERPRISE,
    EnterpriseKind.FILLING: SiteType.FILLING_STATION, EnterpriseKind.TRANSPORT: SiteType.TRANSPORT_ENTERPRISE,
    EnterpriseKind.PRODUCER: SiteType.LPG_PRODUCER,
}

# Sites at scale 1 besides the head offices (21): 43 enterprise facilities and others, 236 gas users → 300.
SITE_COUNTS = [
    (SiteType.LPG_SUPPLY_POINT, 12), (SiteType.PIPELINE_SEGMENT, 8), (SiteType.REGULATOR_STATION, 6),
    (SiteType.HAZMAT_VEHICLE, 9), (SiteType.APPLIANCE_MAKER, 2), (SiteType.APPLIANCE_SELLER, 4),
    (SiteType.INSPECTION_AGENCY, 2),
    (SiteType.RESTAURANT, 105), (SiteType.HOUSEHOLD, 36), (SiteType.STREET_SHOP, 24), (SiteType.CANTEEN, 12),
    (SiteType.SCHOOL, 9), (SiteType.KINDERGARTEN, 6), (SiteType.HOSPITAL, 5), (SiteType.ELDERLY_HOME, 6),
    (SiteType.WELFARE_HOME, 2), (SiteType.HOTEL, 8), (SiteType.HOMESTAY, 5), (SiteType.FARM_STAY, 4),
    (SiteType.COMMERCIAL_COMPLEX, 5), (SiteType.MOBILE_VENDOR, 4), (SiteType.FARMERS_MARKET, 5),
]

# Where sites are: the three demo jurisdictions get the most, the towns the fewest.
UNIT_WEIGHTS = {"120116-S01": 6.0, "120116-S03": 4.5, "120116-Z1": 4.5, "120116-S02": 1.5, "120116-S04": 1.5,
                "120116-S05": 1.5, "120116-S19": 1.5, "120116-S20": 1.5, "120116-S21": 1.5, "120116-S13": 1.5}
TOWNS = {"120116-S08", "120116-S11", "120116-S12", "120116-S16", "120116-S17", "120116-S18"}

# ---------------------------------------------------------------------------------------------------------------
# Words for names and addresses.
SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏"
            "薛叶阎潘杜戴夏钟汪田任姜范方石姚谭廖邹金陆郝孔白崔康毛邱秦江史顾侯邵孟万段钱汤尹常武乔贺")
GIVEN_NAMES = [
    "伟", "芳", "娜", "敏", "静", "磊", "军", "洋", "勇", "艳", "杰", "涛", "超", "霞", "刚", "平", "辉", "鹏",
    "建华", "建国", "建军", "志刚", "志强", "志明", "国庆", "国华", "海涛", "海燕", "红梅", "玉兰", "秀英", "秀兰",
    "桂芳", "丽华", "丽娟", "晓东", "晓峰", "晓丽", "春生", "春燕", "永刚", "永强", "立新", "振华", "德胜", "文静",
    "文斌", "子豪", "浩然", "宇航", "俊峰", "雪梅", "凤霞", "淑珍", "金凤", "玉梅", "宏伟", "明亮", "新民", "爱华",
    "卫东", "学军", "长江", "宝山", "瑞雪", "佳琪", "欣怡", "思远", "嘉伟", "一鸣", "天宇", "博文", "雅琴", "慧敏",
]
ROADS = ["河北路", "新港路", "解放路", "中心北路", "上海道", "福州道", "紫云路", "津塘路", "新华路", "营口道",
         "东沽路", "大连道", "渤海路", "南海路", "黄海路", "第三大街", "第五大街", "中央大道", "西环路", "港城大道",
         "世纪大道", "学府路", "永和路", "振华路", "石化路", "幸福路", "团结路", "胜利路", "东风路", "朝阳路"]
ESTATES = ["海景家园", "金色港湾", "新城佳苑", "和平里", "阳光新村", "福华里", "港湾花园", "春和园", "锦绣苑",
           "滨海明珠", "丽水园", "安居里", "紫云花园", "康乐里", "翠园", "新港一村"]
WORDS = ["福记", "鑫源", "海韵", "老街", "渔港", "聚贤", "和顺", "金海湾", "蓝海", "乐家", "湘味", "川香", "粤海",
         "津门", "港湾", "喜来", "好运来", "百味", "鲜满楼", "一品", "八方", "鸿运", "兴隆", "如意", "万福", "顺心",
         "春和", "老味道", "东北人家", "小渔村", "香满园", "四季", "利民", "永盛", "德顺"]
CUISINES = ["海鲜酒楼", "饺子馆", "面馆", "火锅店", "烧烤店", "快餐店", "家常菜馆", "包子铺", "早点铺", "麻辣烫",
            "砂锅居", "涮肉馆", "川菜馆", "小厨", "饭庄", "食府", "煎饼馃子铺", "烤鸭店", "农家菜馆", "自助餐厅"]
SHOP_KINDS = ["便利店", "熟食店", "烧饼铺", "小吃部", "糕点房", "卤味店", "豆腐坊", "粮油店"]
POSITIVE = ["阳光", "彩虹", "蓝天", "康乐", "颐和", "福寿", "安康", "春晖", "明德", "育才", "滨海", "海湾", "泰和",
            "瑞景", "金港", "华夏", "嘉禾", "晨曦"]

START_NOTES = ["已安排专人立即整改", "已组织整改，预计按期完成", "已通知责任人落实整改", "立行立改，正在更换不合格设施",
               "已制定整改方案并开始实施"]
CONTROL_MEASURES = [
    "已关闭气源总阀，暂停使用相关燃气设施，设置警示标识，安排专人每日巡查",
    "已将超量气瓶转移至具备条件的专用气瓶间存放，落实24小时值守，待整改完成后恢复使用",
    "已临时加装可燃气体报警器，并安排专人每两小时检查一次，整改所需设备已订购",
    "已划定警戒区域，停止经营相关业务，待第三方机构完成维修检测后恢复",
    "已采取临时防护措施并告知从业人员，需等待燃气企业上门改造，期间每日自查",
]
SUBMIT_NOTES = ["已按要求完成整改，附整改后现场照片", "不合格设施已全部更换，附更换后照片及购置凭证",
                "已完成整改并组织员工安全培训，附整改照片", "整改完成，已自查确认，请予验收",
                "已按整改通知书要求整改到位，附现场照片"]
VERIFY_FAIL_NOTES = ["现场复核发现整改不彻底，请继续整改", "整改佐证材料与现场不符，退回重新整改",
                     "部分问题仍未整改到位，请于期限内完成", "更换的配件不符合标准要求，请重新整改"]
VERIFY_PASS_NOTES = ["现场复核，整改到位，同意销号", "经现场核查，隐患已消除，予以销号", "整改到位，验收通过",
                     "复查合格，同意销号"]
FINDING_NOTES = ["", "", "", "现场检查发现，已拍照取证", "经询问现场负责人确认", "已当场告知负责人整改要求"]
REBOUND_NOTE = "复查发现原隐患问题再次出现，整改效果未能保持，重新登记整改"


def tiny_png(rgb: tuple[int, int, int], accent: tuple[int, int, int], size: int = 16) -> bytes:
    """A small, valid PNG (truecolour, a square with a diagonal stripe) built with zlib and struct."""
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter type 0
        for x in range(size):
            row += bytes(accent if abs(x - y) <= 1 else rgb)
        rows.append(bytes(row))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows)))
            + chunk(b"IEND", b""))


# ---------------------------------------------------------------------------------------------------------------
@dataclass
class SitePlan:
    site: Site
    items: list  # its checklist (CheckItem), in catalog order
    unit: Jurisdiction  # the zone or street/town that holds it
    badness: float


@dataclass
class InspectionPlan:
    idx: int
    at: datetime
    site: SitePlan
    by: User
    kind: str
    present: list = field(default_factory=list)
    failures: dict = field(default_factory=dict)  # code → CheckItem
    na: set = field(default_factory=set)
    note: str = ""


@dataclass
class HazardPlan:
    inspection: InspectionPlan
    item: CheckItem
    deadline: date
    state: str = State.OPEN
    steps: list = field(default_factory=list)  # (at, action, param)
    rectifier: User | None = None
    pick: float = 0.0  # decides the verifier among those allowed
    hazard: Hazard | None = None

    @property
    def found_at(self) -> datetime:
        return self.inspection.at


@dataclass
class Summary:
    seconds: float = 0.0
    counts: dict = field(default_factory=dict)
    by_state: dict = field(default_factory=dict)
    logins: list = field(default_factory=list)


class DemoBuilder:
    def __init__(self, *, seed: int, scale: float, log=print):
        self.rng = random.Random(seed)
        self.seed = seed
        self.scale = scale
        self.log = log
        self.tz = timezone.get_default_timezone()
        # History runs up to the start of today (local), so a seed gives the same data all day long.
        self.today = timezone.localdate(timezone.now())
        self.end = datetime.combine(self.today, time(0, 0), self.tz).astimezone(UTC)
        self.used_names: set[str] = set()
        self.site_names: set[str] = set()
        self.photo_no = 0

    # -- helpers --------------------------------------------------------------------------------------------------
    def n(self, count: float) -> int:
        return max(1, round(count * self.scale))

    def person(self, unique=False) -> str:
        for _ in range(200):
            name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES)
            if not unique or name not in self.used_names:
                self.used_names.add(name)
                return name
        raise RuntimeError("no unique name left")

    def mobile(self) -> str:
        return self.rng.choice(["13", "15", "18", "17"]) + "".join(self.rng.choice("0123456789") for _ in range(9))

    def landline(self) -> str:
        return "022-" + self.rng.choice(["25", "66", "59", "63", "65"]) + f"{self.rng.randrange(10**6):06d}"

    def at_local(self, day: date, hour: int, minute: int = 0) -> datetime:
        """A local wall-clock moment as an aware UTC datetime (the audit chain compares UTC isoformats)."""
        return datetime.combine(day, time(hour, minute), self.tz).astimezone(UTC)

    def business_time(self, day: date) -> datetime:
        minutes = self.rng.randrange(8 * 60 + 30, 17 * 60 + 30)
        return self.at_local(day, minutes // 60, minutes % 60) + timedelta(seconds=self.rng.randrange(60))

    def snap(self, t: datetime) -> datetime:
        """Move a moment forward into office hours (08:30–18:00 local)."""
        local = t.astimezone(self.tz)
        if local.hour >= 18:
            local = datetime.combine(local.date() + timedelta(days=1), time(8, 30), self.tz)
        elif local.hour < 8 or (local.hour == 8 and local.minute < 30):
            local = datetime.combine(local.date(), time(8, 30), self.tz)
        else:
            return t
        return (local + timedelta(minutes=self.rng.randrange(90))).astimezone(UTC)

    def point_near(self, node: Jurisdiction) -> tuple[float, float]:
        r = node.radius_km * math.sqrt(self.rng.random())
        theta = self.rng.random() * 2 * math.pi
        lat = node.lat + (r * math.sin(theta)) / 111.32
        lon = node.lon + (r * math.cos(theta)) / (111.32 * math.cos(math.radians(node.lat)))
        return round(lat, 6), round(lon, 6)

    def photo(self, label: str) -> SimpleUploadedFile:
        self.photo_no += 1
        rgb = tuple(self.rng.randrange(40, 230) for _ in range(3))
        accent = tuple(255 - c for c in rgb)
        return SimpleUploadedFile(f"{label}-{self.photo_no:05d}.png", tiny_png(rgb, accent), content_type="image/png")

    def unique_site_name(self, name: str, fallback) -> str:
        for _ in range(20):
            if name not in self.site_names:
                self.site_names.add(name)
                return name
            name = fallback()
        name = f"{name}（{len(self.site_names)}）"
        self.site_names.add(name)
        return name

    # -- master data ---------------------------------------------------------------------------------------------
    def load_reference(self):
        self.juris = {j.code: j for j in Jurisdiction.objects.all()}
        self.depts = {d.code: d for d in Department.objects.all()}
        self.units = [j for j in self.juris.values() if j.level in (Level.ZONE, Level.STREET)]
        self.units.sort(key=lambda j: j.code)
        self.leaves: dict[str, list[Jurisdiction]] = {u.code: [] for u in self.units}
        for j in self.juris.values():
            if j.level in (Level.COMMUNITY, Level.GRID):
                self.leaves[self.unit_code(j)].append(j)
        for nodes in self.leaves.values():
            nodes.sort(key=lambda j: j.code)
        self.catalog = list(CheckItem.objects.filter(is_active=True).order_by("order", "code"))

    def unit_code(self, node: Jurisdiction) -> str:
        parts = [p for p in node.path.split("/") if p]
        return parts[1] if len(parts) > 1 else parts[0]

    def leaf_in(self, unit_code: str) -> Jurisdiction:
        nodes = self.leaves[unit_code]
        grids = [j for j in nodes if j.level == Level.GRID]
        return self.rng.choice(grids if grids and self.rng.random() < 0.7 else nodes)

    def random_unit(self) -> str:
        codes = [u.code for u in self.units]
        weights = [UNIT_WEIGHTS.get(c, 0.7 if c in TOWNS else 1.0) for c in codes]
        return self.rng.choices(codes, weights)[0]

    def create_users(self):
        hashed = make_password(PASSWORD)  # hashed once: PBKDF2 per user would cost seconds
        joined = self.at_local(CAMPAIGN_START - timedelta(days=7), 9)
        rows = []

        def add(username, full_name, role, dept=None, juris=None, enterprise=None, staff=False, superuser=False):
            self.used_names.add(full_name)
            rows.append(User(username=username, full_name=full_name, role=role, password=hashed, is_staff=staff,
                             is_superuser=superuser, department=self.depts[dept] if dept else None,
                             jurisdiction=self.juris[juris] if juris else None, enterprise=enterprise,
                             phone=self.mobile(), date_joined=joined))

        if not User.objects.filter(username="admin").exists():
            add("admin", ADMIN_NAME, Role.OFFICE, staff=True, superuser=True)
        for username, name, role, dept, juris in NAMED_USERS:
            add(username, name, role, dept, juris, staff=(username == "office"))
        for code, username in UNIT_USERNAMES.items():
            add(username, self.person(unique=True), Role.JURISDICTION, juris=code)
        for i, (dept, juris) in enumerate(MORE_INSPECTORS, start=3):
            add(f"inspector{i:02d}", self.person(unique=True), Role.INSPECTOR, dept, juris)
        ent_no = 0
        for ent in self.enterprises:
            if ent.kind in (EnterpriseKind.USER, EnterpriseKind.INSPECTION_AGENCY):
                continue
            ent_no += 1
            add(f"ent{ent_no:02d}", ent.safety_officer, Role.ENTERPRISE, enterprise=ent)
        add("enterprise", ENTERPRISE_DEMO_NAME, Role.ENTERPRISE, enterprise=self.demo_enterprise)
        add("jianyan", AGENCY_DEMO_NAME, Role.AGENCY,
            enterprise=next(e for e in self.enterprises if e.kind == EnterpriseKind.INSPECTION_AGENCY))
        for user in rows:
            user.full_clean(exclude=["password"])
        User.objects.bulk_create(rows)
        self.users = {u.username: u for u in User.objects.select_related("department", "jurisdiction", "enterprise")}
        self.office = self.users["office"]
        self.unit_user = {"120116-S01": self.users["tanggu"], "120116-S03": self.users["hangzhoudao"],
                          "120116-Z1": self.users["teda"]}
        self.unit_user.update({code: self.users[name] for code, name in UNIT_USERNAMES.items()})
        self.ent_users: dict[int, list[User]] = {}
        for u in self.users.values():
            if u.role == Role.ENTERPRISE:
                self.ent_users.setdefault(u.enterprise_id, []).append(u)
        for users in self.ent_users.values():
            users.sort(key=lambda u: u.username)
        self.inspectors = sorted((u for u in self.users.values() if u.role == Role.INSPECTOR),
                                 key=lambda u: u.username)
        self.dept_users = {u.department_id: u for u in self.users.values() if u.role == Role.DEPARTMENT}

    def credit_code(self) -> str:
        alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        body = "91120116MA0" + "".join(self.rng.choice(alphabet) for _ in range(5))
        return make_credit_code(body)

    def create_enterprises(self):
        rows = []
        for kind, name, _short, unit in ENTERPRISES:
            node = self.leaf_in(unit)
            rows.append(Enterprise(
                name=name, credit_code=self.credit_code(), kind=kind, legal_representative=self.person(),
                safety_officer=self.person(unique=True), phone=self.landline(),
                address=f"天津市滨海新区{self.juris[unit].name}{self.rng.choice(ROADS)}{self.rng.randint(1, 999)}号",
                jurisdiction=node))
        for ent in rows:
            ent.full_clean()
        Enterprise.objects.bulk_create(rows)
        self.enterprises = list(Enterprise.objects.order_by("id"))
        self.short = {e.pk: s for e, (_, _, s, _) in zip(self.enterprises, ENTERPRISES, strict=True)}
        self.by_kind: dict[str, list[Enterprise]] = {}
        for ent in self.enterprises:
            self.by_kind.setdefault(ent.kind, []).append(ent)
        self.demo_enterprise = self.by_kind[EnterpriseKind.LPG][0]

    # -- sites ---------------------------------------------------------------------------------------------------
    def create_sites(self):
        created = self.at_local(CAMPAIGN_START - timedelta(days=5), 10)
        specs = []
        for ent in self.enterprises:
            if ent.kind in HQ_TYPES:
                specs.append((HQ_TYPES[ent.kind], ent, True))
        owners = {
            SiteType.LPG_SUPPLY_POINT: self.by_kind[EnterpriseKind.LPG],
            SiteType.PIPELINE_SEGMENT: self.by_kind[EnterpriseKind.PIPELINE_GAS],
            SiteType.REGULATOR_STATION: self.by_kind[EnterpriseKind.PIPELINE_GAS],
            SiteType.HAZMAT_VEHICLE: self.by_kind[EnterpriseKind.TRANSPORT],
        }
        for site_type, count in SITE_COUNTS:
            for i in range(self.n(count)):
                owner = None
                if site_type in owners:
                    owner = owners[site_type][i % len(owners[site_type])]
                elif site_type == SiteType.RESTAURANT and self.rng.random() < 0.25:
                    owner = self.rng.choice(self.by_kind[EnterpriseKind.USER])
                specs.append((site_type, owner, False))
        rows = [self.make_site(site_type, owner, hq, created) for site_type, owner, hq in specs]
        Site.objects.bulk_create(rows)
        sites = list(Site.objects.select_related("jurisdiction", "enterprise").order_by("id"))
        self.sites = []
        for site in sites:
            items = [item for item in self.catalog if item.applies_to(site)]
            badness = self.rng.lognormvariate(0, 0.6)
            self.sites.append(SitePlan(site, items, self.juris[self.unit_code(site.jurisdiction)], badness))

    def make_site(self, site_type, owner, hq, created) -> Site:
        rng = self.rng
        if owner is not None and (hq or site_type == SiteType.HAZMAT_VEHICLE):
            node = owner.jurisdiction
        else:
            node = self.leaf_in(self.random_unit())
        unit_code = self.unit_code(node)
        unit = self.juris[unit_code]
        lat, lon = self.point_near(node)
        road = rng.choice(ROADS)
        address = f"天津市滨海新区{unit.name}{road}{rng.randint(1, 888)}号"
        fuel, building, stored, room, crowded, attrs = Fuel.NONE, Building.ORDINARY, 0, False, False, {}
        contact = self.person()
        short = self.short.get(owner.pk, "") if owner else ""
        place = unit.short_name or unit.name

        def pick_fuel(p_lpg):
            return Fuel.LPG if rng.random() < p_lpg else Fuel.PIPELINE_GAS

        def lpg_kg(lo, hi, mode):
            return Decimal(round(rng.triangular(lo, hi, mode) / 5) * 5)

        if hq:
            name = owner.name
            address = owner.address
        if site_type == SiteType.PIPELINE_GAS_ENTERPRISE:
            fuel = Fuel.PIPELINE_GAS
            attrs = {"users": rng.randrange(20000, 180000, 1000), "pipeline_km": rng.randrange(80, 900)}
        elif site_type == SiteType.LPG_ENTERPRISE:
            fuel, stored = Fuel.LPG, lpg_kg(500, 3000, 1200)
            attrs = {"cylinders": rng.randrange(800, 6000, 50), "delivery_staff": rng.randint(6, 40)}
        elif site_type == SiteType.FILLING_STATION:
            fuel, stored = Fuel.LPG, Decimal(rng.randrange(20000, 60000, 1000))
            attrs = {"tank_m3": rng.choice([50, 100, 150]), "filling_scales": rng.randint(4, 12)}
        elif site_type == SiteType.TRANSPORT_ENTERPRISE:
            attrs = {"vehicles": rng.randint(8, 40)}
        elif site_type == SiteType.LPG_PRODUCER:
            fuel = Fuel.INDUSTRIAL_FUEL
            attrs = {"products": ["液化石油气", "工业丙烷"]}
        elif site_type == SiteType.LPG_SUPPLY_POINT:
            fuel, stored = Fuel.LPG, lpg_kg(200, 1500, 500)
            name = f"{short}{rng.choice(ESTATES[:8] + [place])}供应站"
        elif site_type == SiteType.PIPELINE_SEGMENT:
            fuel = Fuel.PIPELINE_GAS
            a, b = rng.sample(ROADS, 2)
            name = f"{road}中压燃气管道（{a}至{b}段）"
            attrs = {"pressure": rng.choice(["中压A", "中压B", "次高压"]), "length_km": round(rng.uniform(0.8, 6), 1),
                     "material": rng.choice(["PE", "钢管"]), "laid_year": rng.randint(1995, 2018)}
        elif site_type == SiteType.REGULATOR_STATION:
            fuel = Fuel.PIPELINE_GAS
            name = f"{rng.choice(ESTATES)}{rng.choice(['区域调压站', '调压箱'])}"
        elif site_type == SiteType.HAZMAT_VEHICLE:
            plate = "津" + rng.choice("ABCDEFGHJKLMN") + rng.choice("DF") + f"{rng.randrange(10000):04d}"
            name = f"{short}液化石油气运输车（{plate}）"
            attrs = {"plate": plate, "tank_m3": rng.choice([5.0, 10.0, 23.5, 35.5])}
            address = owner.address
        elif site_type == SiteType.APPLIANCE_MAKER:
            name = f"天津{rng.choice(POSITIVE)}燃气具制造有限公司"
        elif site_type == SiteType.APPLIANCE_SELLER:
            name = f"{rng.choice(WORDS)}{rng.choice(['燃气具商行', '厨房设备经营部', '燃气配件店'])}"
            attrs = {"online": rng.random() < 0.3}
        elif site_type == SiteType.INSPECTION_AGENCY:
            name = f"天津滨海{rng.choice(POSITIVE)}特种设备检测有限公司"
        elif site_type == SiteType.RESTAURANT:
            r = rng.random()
            fuel = Fuel.LPG if r < 0.72 else (Fuel.PIPELINE_GAS if r < 0.97 else Fuel.INDUSTRIAL_FUEL)
            building = rng.choices([Building.ORDINARY, Building.HIGH_RISE, Building.UNDERGROUND,
                                    Building.SEMI_UNDERGROUND, Building.LARGE_STORE], [72, 10, 5, 5, 8])[0]
            crowded = rng.random() < 0.6
            attrs = {"seats": rng.randrange(20, 300, 10), "area_m2": rng.randrange(40, 800, 10)}
            if owner:
                name = f"{short}（{place}{rng.choice(['', road])}店）"
            else:
                name = f"{rng.choice(WORDS)}{rng.choice(CUISINES)}"
        elif site_type == SiteType.CANTEEN:
            fuel = pick_fuel(0.4)
            crowded = rng.random() < 0.5
            name = rng.choice([f"{place}街道办事处机关食堂", f"天津{rng.choice(POSITIVE)}科技有限公司职工食堂",
                               f"{rng.choice(POSITIVE)}物流园职工食堂", f"{place}建筑工地食堂"])
            attrs = {"diners": rng.randrange(50, 800, 10)}
        elif site_type == SiteType.SCHOOL:
            fuel, crowded = pick_fuel(0.3), True
            name = f"滨海新区{place}{rng.choice(['第一', '第二', '第三', '实验', '育才', '明德'])}{rng.choice(['小学', '中学'])}"
            attrs = {"students": rng.randrange(300, 2500, 10)}
        elif site_type == SiteType.KINDERGARTEN:
            fuel, crowded = pick_fuel(0.3), True
            name = f"滨海新区{place}{rng.choice(POSITIVE)}幼儿园"
            attrs = {"children": rng.randrange(80, 450, 5)}
        elif site_type == SiteType.HOSPITAL:
            fuel, crowded = pick_fuel(0.15), True
            building = Building.HIGH_RISE if rng.random() < 0.5 else Building.ORDINARY
            name = rng.choice([f"{place}社区卫生服务中心", f"滨海{rng.choice(POSITIVE)}医院"])
            attrs = {"beds": rng.randrange(20, 600, 10)}
        elif site_type in (SiteType.ELDERLY_HOME, SiteType.WELFARE_HOME):
            fuel, crowded = pick_fuel(0.4), True
            kind = "养老院" if site_type == SiteType.ELDERLY_HOME else "社会福利院"
            name = f"{place}{rng.choice(POSITIVE)}{kind}"
            attrs = {"residents": rng.randrange(20, 200, 5)}
        elif site_type == SiteType.HOTEL:
            fuel, crowded = pick_fuel(0.2), rng.random() < 0.7
            building = Building.HIGH_RISE if rng.random() < 0.5 else Building.ORDINARY
            name = f"{rng.choice(POSITIVE)}{rng.choice(['大酒店', '商务酒店', '假日酒店', '宾馆'])}"
            attrs = {"rooms": rng.randrange(30, 400, 5)}
        elif site_type == SiteType.HOMESTAY:
            fuel = pick_fuel(0.5)
            name = f"{rng.choice(['听海', '渔家', '港湾', '观澜', '海风', '归园'])}民宿"
        elif site_type == SiteType.FARM_STAY:
            fuel = pick_fuel(0.85)
            name = f"{contact[0]}家农家院"
        elif site_type == SiteType.COMMERCIAL_COMPLEX:
            fuel, crowded = pick_fuel(0.15), True
            building = Building.LARGE_STORE if rng.random() < 0.6 else Building.HIGH_RISE
            name = f"{rng.choice(POSITIVE)}{rng.choice(['广场', '购物中心', '商业中心'])}"
            attrs = {"floor_area_m2": rng.randrange(20000, 200000, 1000), "tenants_catering": rng.randint(10, 80)}
        elif site_type == SiteType.STREET_SHOP:
            fuel = pick_fuel(0.7)
            name = f"{rng.choice(WORDS)}{rng.choice(SHOP_KINDS)}"
        elif site_type == SiteType.MOBILE_VENDOR:
            fuel = Fuel.LPG
            name = f"{contact}流动{rng.choice(['早点摊', '煎饼摊', '烧烤摊'])}"
            attrs = {"vehicle": rng.choice(["三轮车", "小型货车"])}
        elif site_type == SiteType.FARMERS_MARKET:
            fuel, crowded = pick_fuel(0.7), True
            name = f"{place}{rng.choice(POSITIVE)}农贸市场"
            attrs = {"stalls": rng.randrange(40, 300, 5)}
        elif site_type == SiteType.HOUSEHOLD:
            fuel = pick_fuel(0.15)
            building = Building.HIGH_RISE if rng.random() < 0.4 else Building.ORDINARY
            estate = rng.choice(ESTATES)
            room_no = f"{rng.randint(1, 30)}号楼{rng.randint(1, 6)}门{rng.randint(1, 18)}{rng.randint(1, 4):02d}"
            name = f"{estate}{room_no}（{contact}）"
            address = f"天津市滨海新区{unit.name}{estate}{room_no}"

        if fuel == Fuel.LPG and not stored:
            if site_type == SiteType.HOUSEHOLD:
                stored = lpg_kg(15, 50, 15)
            elif site_type in (SiteType.MOBILE_VENDOR, SiteType.HOMESTAY, SiteType.FARM_STAY):
                stored = lpg_kg(15, 100, 30)
            else:
                stored = lpg_kg(30, 300, 80)
            room = rng.random() < (0.45 if stored > 100 else 0.1)
        if site_type == SiteType.HAZMAT_VEHICLE:
            contact_phone = self.mobile()
        elif hq:
            contact, contact_phone = owner.safety_officer, owner.phone
        else:
            contact_phone = self.mobile() if rng.random() < 0.8 else self.landline()
        fallback = {
            SiteType.RESTAURANT: lambda: f"{rng.choice(WORDS)}{rng.choice(CUISINES)}（{road}店）",
            SiteType.STREET_SHOP: lambda: f"{rng.choice(WORDS)}{rng.choice(SHOP_KINDS)}（{road}）",
        }.get(site_type, lambda: f"{name}（{road}）")
        return Site(
            name=self.unique_site_name(name, fallback), site_type=site_type, jurisdiction=node, enterprise=owner,
            address=address, lat=lat, lon=lon, fuel=fuel, building=building, lpg_stored_kg=Decimal(stored),
            has_cylinder_room=room, crowded_place=crowded, urban_village=unit_code in TOWNS and rng.random() < 0.35,
            contact_person=contact, contact_phone=contact_phone, attributes=attrs, created_at=created)

    def create_licences(self):
        rows = []
        seq = 0
        gas = self.by_kind[EnterpriseKind.PIPELINE_GAS] + self.by_kind[EnterpriseKind.LPG]
        for ent in gas:
            seq += 1
            rows.append(Licence(enterprise=ent, kind=LicenceKind.GAS_BUSINESS,
                                number=f"津燃经〔{self.rng.randint(2019, 2023)}〕0116{seq:03d}号",
                                issuer="天津市滨海新区城市管理委员会", valid_until=self.licence_until(seq)))
        for site in self.sites:
            s = site.site
            if s.site_type == SiteType.FILLING_STATION:
                seq += 1
                rows.append(Licence(enterprise=s.enterprise, site=s, kind=LicenceKind.FILLING,
                                    number=f"TS4212{seq:03d}-{self.rng.randint(2025, 2028)}",
                                    issuer="天津市市场监督管理委员会", valid_until=self.licence_until(seq)))
        for ent in self.by_kind[EnterpriseKind.TRANSPORT]:
            seq += 1
            rows.append(Licence(enterprise=ent, kind=LicenceKind.HAZMAT_TRANSPORT,
                                number=f"津交运管许可津字120116{seq:06d}号", issuer="天津市滨海新区交通运输局",
                                valid_until=self.licence_until(seq)))
        Licence.objects.bulk_create(rows)
        self.licence_count = len(rows)

    def licence_until(self, seq: int) -> date:
        # Every fifth licence has lapsed, every seventh runs out within two months.
        if seq % 5 == 2:
            return self.today - timedelta(days=self.rng.randint(20, 400))
        if seq % 7 == 3:
            return self.today + timedelta(days=self.rng.randint(5, 60))
        return self.today + timedelta(days=self.rng.randint(200, 1400))

    # -- planning the history ------------------------------------------------------------------------------------
    def random_moment(self, lo: date, hi: date) -> datetime:
        for _ in range(50):
            day = lo + timedelta(days=self.rng.randrange((hi - lo).days + 1))
            if day.weekday() >= 5 and self.rng.random() < 0.85:
                continue
            at = self.business_time(day)
            if at < self.end - timedelta(hours=2):
                return at
        return self.end - timedelta(hours=3)

    def inspection_moment(self) -> datetime:
        """The campaign's rhythm: the autumn 2023 sweep, steady work since, a busy half-year and this winter's
        special inspection (今冬明春专项检查) over the last two months."""
        last = self.today
        r = self.rng.random()
        if r < 0.22:
            return self.random_moment(CAMPAIGN_START, min(last, date(2023, 12, 31)))
        if r < 0.50:
            return self.random_moment(CAMPAIGN_START, last)
        if r < 0.75:
            return self.random_moment(max(CAMPAIGN_START, last - timedelta(days=180)), last)
        return self.random_moment(max(CAMPAIGN_START, last - timedelta(days=WINTER_DAYS)), last)

    def inspector_for(self, sp: SitePlan, joint: bool) -> User | None:
        site_type = sp.site.site_type
        cands, weights = [], []
        for user in self.inspectors:
            if user.jurisdiction_id:
                if joint or not sp.site.jurisdiction.path.startswith(user.jurisdiction.path):
                    continue
                cands.append(user)
                weights.append(6.0)
            else:
                w = _affinity(user.department.code, site_type)
                if w > 0:
                    cands.append(user)
                    weights.append(w)
        if not joint:
            for user in self.dept_users.values():  # department staff sometimes go out themselves
                w = _affinity(user.department.code, site_type) * 0.15
                if w > 0:
                    cands.append(user)
                    weights.append(w)
        return self.rng.choices(cands, weights)[0] if cands else None

    def plan_inspections(self):
        total = round(500 * self.scale)
        sites = list(self.sites)
        self.rng.shuffle(sites)
        if total >= len(sites):
            chosen = list(sites)  # 全覆盖: every site is visited at least once
            weights = [(len(sp.items) ** 0.7 + 0.3) * sp.badness for sp in sites]
            chosen += self.rng.choices(sites, weights, k=total - len(sites))
        else:
            chosen = sites[:total]
        plans = []
        joint_partners = ["cgw", "scjg", "fire-bh", "swtcj", "yjj"]
        for sp in chosen:
            at = self.inspection_moment()
            owners = self.ent_users.get(sp.site.enterprise_id, [])
            present = []
            if owners and self.rng.random() < 0.22:
                kind, by = InspectionKind.SELF, self.rng.choice(owners)
            elif self.rng.random() < 0.13:
                kind, by = InspectionKind.JOINT, self.inspector_for(sp, joint=True)
                partners = [c for c in joint_partners if self.depts[c] != by.department]
                present = [self.depts[c] for c in self.rng.sample(partners, self.rng.randint(1, 2))]
            else:
                winter = timezone.localdate(at) > self.today - timedelta(days=WINTER_DAYS)
                kind = InspectionKind.SPECIAL if self.rng.random() < (0.4 if winter else 0.1) else InspectionKind.ROUTINE
                by = self.inspector_for(sp, joint=False)
            note = {InspectionKind.SPECIAL: "今冬明春燃气安全专项检查" if timezone.localdate(at) > self.today
                    - timedelta(days=WINTER_DAYS) else "城镇燃气安全专项整治专项检查",
                    InspectionKind.JOINT: "多部门联合检查，避免多头检查",
                    InspectionKind.SELF: "企业安全自查（自查自改）"}.get(kind, "")
            plans.append(InspectionPlan(0, at, sp, by, kind, present, note=note))
        plans.sort(key=lambda p: p.at)
        for i, p in enumerate(plans):
            p.idx = i
        self.inspection_plans = plans

    def failable(self, plan: InspectionPlan) -> list:
        site = plan.site.site
        return [item for item in plan.site.items
                if item.code not in plan.failures and not (item.exempt_if and getattr(site, item.exempt_if, False))]

    def plan_failures(self):
        target = round(400 * self.scale)
        plans = self.inspection_plans
        early = date(2024, 1, 1)

        def weight(p):
            cap = len(self.failable(p))
            if not cap:
                return 0.0
            w = p.site.badness * cap ** 0.6
            w *= {InspectionKind.SELF: 0.6, InspectionKind.JOINT: 1.3}.get(p.kind, 1.0)
            return w * (1.4 if timezone.localdate(p.at) < early else 1.0)

        weights = [weight(p) for p in plans]
        placed = 0
        while placed < target and any(weights):
            i = self.rng.choices(range(len(plans)), weights)[0]
            plan = plans[i]
            items = self.failable(plan)
            item_weights = [0.3 if it.severity == Severity.MAJOR else 1.0 for it in items]
            item = self.rng.choices(items, item_weights)[0]
            plan.failures[item.code] = item
            placed += 1
            weights[i] = weight(plan) * 0.6  # a second finding at the same visit is less likely
        for plan in plans:
            for item in plan.site.items:
                if item.code not in plan.failures and not item.has_measure and self.rng.random() < 0.06:
                    plan.na.add(item.code)

    def plan_hazards(self):
        hplans = []
        for p in self.inspection_plans:
            found_day = timezone.localdate(p.at)
            for item in p.failures.values():
                hplans.append(HazardPlan(p, item, found_day + timedelta(days=item.deadline_days),
                                         pick=self.rng.random()))
        n = len(hplans)
        quota = {state: round(n * share) for state, share in STATE_MIX}
        quota[State.CLOSED] = n - sum(quota.values())
        # A few stubborn cases: old hazards still open or stuck in rectification, long past their deadline.
        old = [h for h in hplans if h.deadline < self.today - timedelta(days=1)
               and h.found_at < self.end - timedelta(days=40)]
        stubborn = self.rng.sample(old, min(len(old), max(2, round(30 * self.scale)),
                                            quota[State.OPEN] + quota[State.RECTIFYING]))
        stubborn_ids = set()
        for k, h in enumerate(stubborn):
            state = State.OPEN if (k % 5 < 3 and quota[State.OPEN]) or not quota[State.RECTIFYING] else State.RECTIFYING
            h.state = state
            quota[state] -= 1
            stubborn_ids.add(id(h))
        # The rest by age, with a little noise: the older a hazard, the further along it is.
        rest = [h for h in hplans if id(h) not in stubborn_ids]
        now_ts = self.end.timestamp()
        rest.sort(key=lambda h: (now_ts - h.found_at.timestamp()) * self.rng.uniform(0.8, 1.0), reverse=True)
        pos = 0
        for state in (State.CLOSED, State.SUBMITTED, State.CONTROLLED, State.RECTIFYING, State.OPEN):
            for h in rest[pos:pos + quota[state]]:
                h.state = state
            pos += quota[state]
        for h in hplans:
            h.rectifier = self.rectifier_for(h)
            h.steps = self.schedule(h, stubborn=id(h) in stubborn_ids)
        self.hazard_plans = hplans

    def rectifier_for(self, h: HazardPlan) -> User:
        site = h.inspection.site.site
        owners = self.ent_users.get(site.enterprise_id)
        if owners:
            return owners[int(h.pick * 1000) % len(owners)]
        return self.unit_user[h.inspection.site.unit.code]

    def schedule(self, h: HazardPlan, stubborn: bool) -> list:
        """The steps that take the hazard to its planned state, as (moment, action, parameter).

        A hazard that is still open but past its first deadline has usually had control measures recorded with a
        new deadline (管控 + 延期); the stubborn ones and some others have not, and show as overdue."""
        rng = self.rng
        u = rng.uniform
        days = h.item.deadline_days
        state = h.state
        past_due = h.deadline < self.today
        steps: list[list] = []  # [gap in days after the previous step, action, param]
        if state in (State.CLOSED, State.SUBMITTED):
            if days == 0 and rng.random() < 0.6:
                steps += [[u(0.02, 0.1), "start", None], [u(0.05, 0.4), "submit", None]]
            else:
                steps.append([u(0.3, 3), "start", None])
                if (state == State.SUBMITTED and past_due) or rng.random() < 0.15:
                    ctl = rng.randint(20, 60)
                    steps += [[u(1, 5), "control", ctl], [u(5, ctl * 0.8), "submit", None]]
                else:
                    late = rng.random() < 0.12
                    steps.append([max(days, 3) * (u(1.1, 2.0) if late else u(0.3, 0.9)), "submit", None])
            if rng.random() < 0.15:
                steps += [[u(1, 5), "verify_fail", None], [u(2, 10), "submit", None]]
            if state == State.CLOSED:
                steps.append([u(0.5, 6), "verify_pass", None])
        elif state == State.CONTROLLED:
            if rng.random() < 0.5:
                steps.append([u(0.3, 3), "start", None])
            steps.append([u(1, 10), "control", rng.randint(15, 75)])
        elif state == State.RECTIFYING:
            steps.append([u(0.5, 5), "start", None])
            if not stubborn and ((past_due and rng.random() < 0.7) or rng.random() < 0.15):
                steps += [[u(1, 5), "control", rng.randint(20, 60)], [u(3, 15), "submit", None],
                          [u(1, 5), "verify_fail", None]]
        # Fit the steps between the finding and now, compressing when the hazard is young. What waits for
        # verification was submitted lately.
        total = sum(step[0] for step in steps)
        room = (self.end - h.found_at).total_seconds() / 86400 * 0.9
        if state == State.SUBMITTED and total:
            total_wanted = max(total, room - u(0.2, 5))
            steps[-1][0] += total_wanted - total
            total = total_wanted
        factor = min(1.0, room / total) if total else 1.0
        out, t = [], h.found_at
        for gap, action, param in steps:
            raw = t + timedelta(days=gap * factor) + timedelta(minutes=1)
            at = self.snap(raw)
            if at >= self.end - timedelta(minutes=1):
                at = raw if raw < self.end - timedelta(minutes=1) else t + (self.end - t) / 2
            if action == "control" and state != State.CLOSED and rng.random() < 0.85:
                # The new deadline reaches beyond today: the control measures are still in force.
                to_today = (self.today - timezone.localdate(at)).days
                param = max(param, to_today + rng.randint(5, 40))
            out.append((at, action, param))
            t = at
        return out

    # -- replay --------------------------------------------------------------------------------------------------
    def build_events(self) -> list:
        events = []  # (moment, order, callable)
        for p in self.inspection_plans:
            events.append((p.at, len(events), lambda p=p: self.do_inspection(p)))
        for h in self.hazard_plans:
            for at, action, param in h.steps:
                events.append((at, len(events), lambda h=h, a=action, x=param: self.do_step(h, a, x)))
        # The monthly escalation run (the job runner's work), on the 1st of every month.
        month = date(2023, 10, 1)
        while True:
            at = self.at_local(month, 8)
            if at >= self.end:
                break
            events.append((at, len(events), lambda: campaign_services.escalate_overdue()))
            month = (month + timedelta(days=32)).replace(day=1)
        # Look-back (回头看) for the last two months: draw on the 1st, re-check during the month.
        this_month = self.today.replace(day=1)
        last_month = (this_month - timedelta(days=1)).replace(day=1)
        for first, checks in ((last_month, [(6, False), (10, False), (14, True), (19, False), (24, False)]),
                              (this_month, [(8, False), (16, False)])):
            label = f"{first:%Y-%m}"
            draw_at = min(self.at_local(first, 9, 5), self.end - timedelta(minutes=1))
            events.append((draw_at, len(events), lambda m=label: self.do_draw(m)))
            for k, (day, rebound) in enumerate(checks):
                at = self.at_local(first + timedelta(days=day - 1), 10, 30)
                if at < self.end:
                    events.append((at, len(events), lambda m=label, k=k, r=rebound: self.do_lookback(m, k, r)))
        events.sort(key=lambda e: (e[0], e[1]))
        return events

    def replay(self):
        events = self.build_events()
        self.total_inspections = len(self.inspection_plans)
        self.log_every = max(1, self.total_inspections // 10)
        self.done_inspections = 0
        self.found = 0
        self.by_inspection: dict[int, list[HazardPlan]] = {}
        for h in self.hazard_plans:
            self.by_inspection.setdefault(h.inspection.idx, []).append(h)
        self.samples: dict[str, list[int]] = {}
        for at, _, action in events:
            with clock.frozen(at):
                action()

    def do_inspection(self, p: InspectionPlan):
        site = p.site.site
        answers = []
        for item in p.site.items:
            failed = item.code in p.failures
            value = None
            if item.has_measure:
                value = self.measure(item, site, failed)
                result = ""
            else:
                result = Result.FAIL if failed else (Result.NA if item.code in p.na else Result.PASS)
            note = self.rng.choice(FINDING_NOTES) if failed else ""
            photos = [self.photo("xianchang")] if failed and self.rng.random() < 0.4 else []
            answers.append(ItemAnswer(code=item.code, result=result, measured_value=value, note=note, photos=photos))
        lat, lon = (site.lat + self.rng.uniform(-4e-4, 4e-4), site.lon + self.rng.uniform(-4e-4, 4e-4))
        _, found = record_inspection(site=site, by=p.by, answers=answers, signature=p.by.display_name, kind=p.kind,
                                     departments_present=p.present, lat=round(lat, 6), lon=round(lon, 6),
                                     note=p.note)
        planned = {h.item.code: h for h in self.by_inspection.get(p.idx, [])}
        if sorted(planned) != sorted(h.item.code for h in found):
            raise RuntimeError(f"检查 {p.idx} 登记的隐患与计划不符：{sorted(planned)}")
        for hazard in found:
            planned[hazard.item.code].hazard = hazard
        self.done_inspections += 1
        self.found += len(found)
        if self.done_inspections % self.log_every == 0 or self.done_inspections == self.total_inspections:
            self.log(f"正在生成检查记录 {self.done_inspections}/{self.total_inspections}"
                     f"（{clock.today():%Y-%m-%d}，已登记隐患 {self.found} 条）")

    def measure(self, item: CheckItem, site: Site, failed: bool) -> str:
        limit = float(item.measure_limit)
        if item.measure_quantity == "lpg_stored_kg":
            stored = float(site.lpg_stored_kg)
            exempt = item.exempt_if and getattr(site, item.exempt_if, False)
            if exempt or (stored > limit) == failed:
                value = stored
            elif failed:
                value = round(self.rng.uniform(limit + 10, 300) / 5) * 5
            else:
                value = round(self.rng.uniform(30, limit) / 5) * 5
            return f"{value:.1f}"
        if item.measure_quantity == "hose_length_m":
            lo, hi = (limit + 0.1, 3.5) if failed else (0.8, limit)
            return f"{self.rng.uniform(lo, hi):.1f}"
        # A measure we know nothing about: just land on the right side of the limit.
        le = item.measure_op in ("le", "lt")
        return f"{limit * (1.2 if failed == le else 0.8):.3f}"

    def verifier_for(self, h: HazardPlan, hazard: Hazard) -> User:
        finder = h.inspection.by
        cands = []
        if finder.role == Role.INSPECTOR:  # an inspector sees the hazards they found
            cands.append(finder)
        cands.append(self.unit_user[h.inspection.site.unit.code])
        if hazard.lead_unit_id in self.dept_users:
            cands.append(self.dept_users[hazard.lead_unit_id])
        cands = [u for u in cands if u.pk not in (hazard.rectified_by_id, hazard.responsible_user_id)]
        if not cands:
            return self.office
        return cands[int(h.pick * 997) % len(cands)]

    def do_step(self, h: HazardPlan, action: str, param):
        hazard, by = h.hazard, h.rectifier
        if action == "start":
            hazard = hazard_services.start_rectification(hazard, by=by, note=self.rng.choice(START_NOTES))
        elif action == "control":
            deadline = clock.today() + timedelta(days=param)
            usual = timezone.localdate(hazard.found_at) + timedelta(days=hazard_services.default_period(hazard.item))
            if deadline > usual:  # 延期 past the item's period is the lead unit's decision (or the office's)
                by = self.dept_users.get(hazard.lead_unit_id) or self.office
            hazard = hazard_services.control(hazard, measures=self.rng.choice(CONTROL_MEASURES), deadline=deadline,
                                             by=by)
        elif action == "submit":
            photos = [self.photo("zhenggai") for _ in range(self.rng.randint(1, 2))]
            hazard = hazard_services.submit(hazard, by=by, note=self.rng.choice(SUBMIT_NOTES), photos=photos)
        else:
            passed = action == "verify_pass"
            note = self.rng.choice(VERIFY_PASS_NOTES if passed else VERIFY_FAIL_NOTES)
            photos = [self.photo("yanshou")] if self.rng.random() < 0.3 else []
            hazard = hazard_services.verify(hazard, by=self.verifier_for(h, hazard), passed=passed, note=note,
                                            photos=photos)
        h.hazard = hazard

    def do_draw(self, month: str):
        rows = hazard_services.draw_lookback_sample(month, by=self.office, seed=self.seed)
        self.samples[month] = sorted(lb.hazard_id for lb in rows)

    def do_lookback(self, month: str, k: int, rebound: bool):
        ids = self.samples.get(month, [])
        if k >= len(ids):
            return
        lookback = LookBack.objects.select_related("hazard__jurisdiction").get(month=month, hazard_id=ids[k])
        unit = self.juris[self.unit_code(lookback.hazard.jurisdiction)]
        hazard_services.record_lookback(lookback, by=self.unit_user[unit.code], rebound=rebound,
                                        note=REBOUND_NOTE if rebound else "回头看复查，整改效果保持良好，无反弹")

    # -- the whole thing -----------------------------------------------------------------------------------------
    def run(self) -> Summary:
        started = walltime.monotonic()
        self.load_reference()
        self.log("正在创建企业、账号和监管对象…")
        self.create_enterprises()
        self.create_users()
        self.create_sites()
        self.create_licences()
        self.log(f"已创建企业 {len(self.enterprises)} 家、账号 {len(self.users)} 个、监管对象 {len(self.sites)} 个、"
                 f"证照 {self.licence_count} 份")
        self.plan_inspections()
        self.plan_failures()
        self.plan_hazards()
        self.log(f"正在回放 {CAMPAIGN_START:%Y-%m-%d} 至 {self.today:%Y-%m-%d} 的检查、整改、督办与回头看"
                 f"（计划检查 {len(self.inspection_plans)} 次、隐患 {len(self.hazard_plans)} 条）…")
        self.replay()
        orders = campaign_services.escalate_overdue()  # today's run, on the real clock
        self.log(f"今日逾期督办：下发督办单 {len(orders)} 份")
        campaign_demo.load(today=self.today, seed=self.seed, password=PASSWORD, log=self.log)  # reports, progress
        load_cylinders(self)  # coded cylinders and their chain
        return self.summary(started)

    def summary(self, started) -> Summary:
        s = Summary(seconds=walltime.monotonic() - started)
        s.by_state = {state.label: Hazard.objects.filter(state=state).count() for state in State}
        head = AuditHead.objects.filter(pk=1).first()
        s.counts = {
            "企业": Enterprise.objects.count(), "账号": User.objects.count(), "监管对象": Site.objects.count(),
            "检查记录": Inspection.objects.count(), "隐患": Hazard.objects.count(),
            "逾期隐患": Hazard.objects.overdue().count(),
            "重大隐患": Hazard.objects.filter(severity=Severity.MAJOR).count(),
            "督办单": SupervisionOrder.objects.count(), "回头看": LookBack.objects.count(),
            "照片": Photo.objects.count(), "审计记录": head.length if head else 0,
        }
        for username in LOGIN_ORDER:
            u = User.objects.select_related("department", "jurisdiction", "enterprise").get(username=username)
            role = "系统管理员" if u.is_superuser else u.get_role_display()
            s.logins.append((u.username, u.display_name, str(role), u.unit_name or "—"))
        return s


def usernames() -> list[str]:
    """Every username the loader creates (admin is kept when it already exists)."""
    n_ent = sum(1 for kind, *_ in ENTERPRISES if kind not in (EnterpriseKind.USER, EnterpriseKind.INSPECTION_AGENCY))
    return ([row[0] for row in NAMED_USERS] + ["admin", "enterprise", "jianyan"] + list(UNIT_USERNAMES.values())
            + [f"inspector{i:02d}" for i in range(3, 3 + len(MORE_INSPECTORS))]
            + [f"ent{i:02d}" for i in range(1, n_ent + 1)])


def load(*, seed: int = DEFAULT_SEED, scale: float = 1.0, log=print) -> Summary:
    """Load the demo district into an empty database, all or nothing (one transaction)."""
    with transaction.atomic():
        return DemoBuilder(seed=seed, scale=scale, log=log).run()
