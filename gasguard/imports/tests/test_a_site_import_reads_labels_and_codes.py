"""Sites: Chinese labels and codes alike, yes/no, numbers; the owner by its credit code; what is already there is
counted, not duplicated; two rows of one file that are the same site are an error."""
from decimal import Decimal

from gasguard.sites.models import Site
from gasguard.testing import STREET_A_GRID, nothing_changes

from .helpers import SITE_HEADERS, upload, xlsx


def test_labels_and_codes_are_read_and_a_second_import_adds_nothing(personas):
    owner = personas.site_a.enterprise
    rows = [
        ["老味道二号店", "餐饮企业", STREET_A_GRID, "塘沽区解放路8号", 39.021, 117.652, "瓶装液化石油气", "地下空间",
         "120", "是", "是", "王店长", 13700000000, owner.credit_code.lower()],
        ["塘沽一中食堂", "canteen", "塘沽街道", "塘沽区学校路1号", None, None, "pipeline_gas", "", None, "", "否", "", "", ""],
        ["调压箱A", "调压站(箱)", "120116-S01", "", "", "", "不用气", "普通建筑", 0, "N", "", "", "", ""],
        # Already registered (the persona's restaurant): counted as present, not duplicated.
        [personas.site_a.name, "餐饮企业", STREET_A_GRID, "另一个地址", "", "", "", "", "", "", "", "", "",
         owner.credit_code],
    ]
    file = xlsx(SITE_HEADERS, rows)
    job = upload(personas.street_a, "sites", file)
    assert (job.state, job.created_count, job.existing_count) == ("done", 3, 1), job.error_lines()
    shop = Site.objects.get(name="老味道二号店")
    assert (shop.site_type, shop.fuel, shop.building, shop.enterprise, shop.lpg_stored_kg, shop.has_cylinder_room,
            shop.crowded_place, shop.contact_phone, shop.lat) == (
        "restaurant", "lpg", "underground", owner, Decimal("120.0"), True, True, "13700000000", 39.021)
    canteen = Site.objects.get(name="塘沽一中食堂")
    assert (canteen.site_type, canteen.fuel, canteen.building, canteen.lat, canteen.jurisdiction.code) == (
        "canteen", "pipeline_gas", "ordinary", None, "120116-S01")
    assert Site.objects.get(name="调压箱A").site_type == "regulator_station"

    with nothing_changes():
        again = upload(personas.street_a, "sites", file)
    assert (again.state, again.created_count, again.existing_count) == ("done", 0, 4)


def test_bad_values_and_repeated_rows_are_named(personas):
    rows = [
        ["甲店", "饭馆", STREET_A_GRID, "路1号", "北纬39", 117.6, "煤气", "", "-5", "也许", "", "", "", "91350100M000100Y44"],
        ["乙店", "餐饮企业", "没有这个街道", "路2号", 39.0, "", "", "", "", "", "", "", "", "91350100M000100Y43"],
        ["丙店", "餐饮企业", STREET_A_GRID, "路3号", "", "", "", "", "", "", "", "", "", ""],
        ["丙店", "餐饮企业", STREET_A_GRID, "路3号", "", "", "", "", "", "", "", "", "", ""],
    ]
    with nothing_changes():
        job = upload(personas.office, "sites", xlsx(SITE_HEADERS, rows))
    assert job.state == "failed"
    assert [line.split("：")[0] for line in job.error_lines()] == [
        "第2行 B列（类型）", "第2行 E列（纬度）", "第2行 G列（用气类型）", "第2行 I列（液化石油气存放量）",
        "第2行 J列（设有专用气瓶间）", "第2行 N列（所属企业统一社会信用代码）",
        "第3行 C列（属地）", "第3行 F列（经度）", "第3行 N列（所属企业统一社会信用代码）",
        "第5行 A列（名称）"], job.error_lines()
    lines = job.error_lines()
    assert "校验位错误" in lines[5]
    assert "未找到统一社会信用代码为“91350100M000100Y43”的企业" in lines[8]
    assert "与第4行是同一对象" in lines[9]
    assert not Site.objects.filter(name__in=["丙店", "甲店", "乙店"]).exists()


def test_a_file_without_the_template_headers_is_refused_as_a_whole(personas):
    with nothing_changes():
        job = upload(personas.office, "sites", xlsx(["店名", "地址"], [["甲店", "路1号"]]))
    assert job.state == "failed"
    assert "缺少“名称”列" in job.error_lines()[0] and job.error_lines()[0].startswith("第1行：")
