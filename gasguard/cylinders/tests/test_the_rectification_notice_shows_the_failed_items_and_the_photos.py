"""The written rectification notice after a failed safety check at delivery lists the checklist points that failed
(with the measured values) and carries the check's photos as small embedded thumbnails, so the printed or forwarded
notice is the whole evidence; a stored file that is not a picture (kept from before uploads were checked) is named,
not embedded, and does not stop the notice."""
import hashlib
import io
import random

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader

from gasguard.cylinders import notice, services
from gasguard.inspections.models import Photo
from gasguard.testing import api_client, png_upload

from . import helpers

pytestmark = pytest.mark.django_db


def phone_photo(width=2400, height=1800, seed=7) -> SimpleUploadedFile:
    """A camera-sized JPEG of noise (it does not compress: a few megabytes, like a real one)."""
    rng = random.Random(seed)
    image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return SimpleUploadedFile("hose.jpg", out.getvalue(), content_type="image/jpeg")


def sold(co, customer):
    cyl = helpers.cylinder(co)
    helpers.fill(co, cyl)
    return helpers.sell(co, customer, [cyl])


def read(delivery):
    with delivery.notice.open("rb") as f:
        data = f.read()
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    images = [image for page in reader.pages for image in page.images]
    return data, text, images


def test_the_notice_lists_the_failed_points_and_embeds_the_photos_as_thumbnails(gas, personas):
    restaurant = helpers.business(gas, personas.site_a)
    big = phone_photo()
    photos = [big, png_upload("valve.png")]
    delivery = services.deliver(sale=sold(gas, restaurant),
                                answers=helpers.all_pass(hose_length_m="2.6", detector="fail"),
                                acknowledged_by="王整改", by=gas.user, photos=photos)
    data, text, images = read(delivery)
    assert hashlib.sha256(data).hexdigest() == delivery.notice_sha256
    # The failed points, with the requirement and the measured value; the passed ones are only counted.
    assert "连接软管长度不超过2米" in text and "实测 2.6m" in text
    assert "安装并正常使用可燃气体探测器" in text
    assert "钢瓶角阀完好" not in text and "不合格 2 项" in text
    # Two pictures embedded, each a thumbnail.
    assert "现场照片（2 张）" in text and "未嵌入" not in text
    assert len(images) == 2
    for image in images:
        assert max(image.image.size) <= notice.THUMB_PX
    assert sorted(max(i.image.size) for i in images) == [1, notice.THUMB_PX]
    # A notice, not the camera's originals: far smaller than the photo it carries.
    assert len(data) < big.size / 5 and len(data) < 400_000


def test_a_stored_file_that_is_not_a_picture_is_named_not_embedded(gas, personas):
    restaurant = helpers.business(gas, personas.site_a)
    delivery = services.deliver(sale=sold(gas, restaurant), answers=helpers.all_pass(detector="fail"),
                                acknowledged_by="王整改", by=gas.user, photos=[png_upload("valve.png")])
    kept = Photo.objects.create(file=ContentFile(b"not a picture", name="note.txt"), sha256="0" * 64,
                                uploaded_by=gas.user)
    delivery.photos.add(kept)
    reader = PdfReader(io.BytesIO(notice.rectification_notice(delivery, list(delivery.hazards.all()))))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert "现场照片（2 张）" in text and "未嵌入" in text
    assert len([image for page in reader.pages for image in page.images]) == 1


def test_a_notice_without_photos_has_no_images_and_a_check_without_failures_has_no_notice(gas):
    buyer = helpers.person(gas)
    delivery = helpers.deliver(gas, sold(gas, buyer), hose_length_m="3.1")
    _, text, images = read(delivery)
    assert images == [] and "现场照片" not in text and "实测 3.1m" in text
    clean = helpers.deliver(gas, sold(gas, buyer))
    assert not clean.notice and clean.notice_sha256 == ""


def test_the_notice_downloaded_through_the_api_carries_the_phones_photos(gas, personas):
    restaurant = helpers.business(gas, personas.site_a)
    sale = sold(gas, restaurant)
    import json
    response = api_client(gas.user).post(f"/api/v1/cylinders/sales/{sale.pk}/delivery/", {
        "answers": json.dumps(helpers.all_pass(hose_through_wall="fail")), "acknowledged_by": "王整改",
        "photos": [phone_photo(1200, 900)]}, format="multipart")
    assert response.status_code == 201, response.content
    pdf = api_client(gas.user).get(response.json()["notice_url"])
    assert pdf.status_code == 200
    reader = PdfReader(io.BytesIO(b"".join(pdf.streaming_content)))
    assert [max(i.image.size) for p in reader.pages for i in p.images] == [notice.THUMB_PX]
    assert "连接软管未穿越墙体" in "".join(p.extract_text() for p in reader.pages)
    assert api_client(personas.outsider).get(response.json()["notice_url"]).status_code == 404


def test_many_photos_flow_onto_further_pages_each_kept(gas, personas):
    restaurant = helpers.business(gas, personas.site_a)
    delivery = services.deliver(sale=sold(gas, restaurant), answers=helpers.all_pass(placement="fail"),
                                acknowledged_by="王整改", by=gas.user,
                                photos=[phone_photo(640, 480, seed=n) for n in range(14)])
    data, text, images = read(delivery)
    # (Distinct pictures: the PDF stores a repeated one once.)
    assert len(images) == 14 and len(PdfReader(io.BytesIO(data)).pages) >= 2
    assert "照片14" in text and "用户签收：王整改" in text
