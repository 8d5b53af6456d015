"""Labels print as A4 PDF sheets; the QR opens a public page (no account) with the filling enterprise, the last
filling, the inspection validity and fitness for use, and no personal data."""
import pytest

from gasguard.cylinders import labels

from . import helpers

pytestmark = pytest.mark.django_db


def test_the_public_page_shows_the_cylinder_and_no_personal_data(client, gas, personas):
    cyl = helpers.cylinder(gas)
    helpers.fill(gas, cyl, weight="14.2")
    buyer = helpers.person(gas, name="赵六")
    helpers.sell(gas, buyer, [cyl])
    page = client.get(labels.scan_url(cyl.code))
    html = page.content.decode()
    assert page.status_code == 200
    for text in ("滨海燃气有限公司", "14.20", "可以使用", f"{cyl.next_inspection_due:%Y-%m-%d}"):
        assert text in html, text
    for private in ("赵六", buyer.id_number_masked, "13900001111", gas.operator.name):
        assert private not in html, private
    bad = client.get(f"/cylinders/scan/{cyl.code[:-1]}{'0' if cyl.code[-1] != '0' else '1'}/")
    assert bad.status_code == 400 and "编码无效" in bad.content.decode()


def test_an_unfit_cylinder_reads_as_not_for_use(client, gas, personas):
    cyl = helpers.cylinder(gas)
    from gasguard.cylinders import services
    services.change_status(cyl, to_status="seized", reason="x", by=personas.office)
    assert "不能使用" in client.get(labels.scan_url(cyl.code)).content.decode()


def test_labels_print_as_an_a4_pdf_sheet(client, gas):
    cylinders = [helpers.cylinder(gas) for _ in range(3)]
    assert client.login(username=gas.user.username, password="gasguard-test")
    response = client.get("/cylinders/labels.pdf", {"codes": ",".join(c.code for c in cylinders[:2])})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    code = cylinders[0].code
    assert labels.scan_url(code, "https://gas.example/") == \
        f"https://gas.example/cylinders/scan/{code}/{labels.scan_token(code)}/"
