"""A file larger than UPLOAD_MAX_BYTES (10 MB) is refused before it is read, and a picture of more pixels than
UPLOAD_MAX_PIXELS (40 million) before it is decoded — a few hundred bytes can declare a picture that would take
gigabytes to unpack; each answer is a Chinese message naming the field, the file and the limit, and nothing is
stored."""
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from gasguard.hazards import services as hazard_services
from gasguard.inspections.models import Photo
from gasguard.testing import PNG, api_client, inspect, register_hazard

pytestmark = pytest.mark.django_db


def png_declaring(width, height) -> bytes:
    """A PNG header declaring width × height greyscale pixels, with one tiny compressed row after it."""
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * (width + 1))) + chunk(b"IEND", b""))


@pytest.fixture
def rectifying(personas):
    hazard = register_hazard(personas.site_a, personas.inspector)
    return hazard_services.start_rectification(hazard, by=personas.enterprise)


def submit(personas, hazard, upload):
    return api_client(personas.enterprise).post(f"/api/v1/hazards/{hazard.pk}/submit/",
                                                {"note": "已整改", "photos": [upload]}, format="multipart")


def test_a_file_over_ten_megabytes_is_refused(personas, rectifying):
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (10 * 1024 * 1024), content_type="image/png")
    response = submit(personas, rectifying, big)
    assert response.status_code == 400
    assert response.json()["photos"] == ["整改后照片“big.png”过大（10 MB），每个文件不能超过 10 MB"]
    assert not Photo.objects.exists()


def test_the_limit_is_a_setting(personas):
    inspection, _ = inspect(personas.site_a, personas.inspector)
    client = api_client(personas.inspector)

    def upload():
        return SimpleUploadedFile("valve.png", PNG + b"\x00" * (1536 * 1024 - len(PNG)), content_type="image/png")

    with override_settings(UPLOAD_MAX_BYTES=1024 * 1024):
        response = client.post(f"/api/v1/inspections/{inspection.pk}/photos/", {"photos": [upload()]},
                               format="multipart")
    assert response.status_code == 400
    assert response.json()["photos"] == ["照片“valve.png”过大（1.5 MB），每个文件不能超过 1 MB"]
    with override_settings(UPLOAD_MAX_BYTES=2 * 1024 * 1024):
        response = client.post(f"/api/v1/inspections/{inspection.pk}/photos/", {"photos": [upload()]},
                               format="multipart")
    assert response.status_code == 201


@pytest.mark.parametrize(("width", "height", "size"), [
    (9000, 9000, "（9000×9000）"),  # over ours, under Pillow's own warning
    (20000, 20000, ""),             # over Pillow's own limit as well: still our answer
])
def test_a_picture_of_too_many_pixels_is_refused_before_it_is_decoded(personas, rectifying, width, height, size):
    bomb = png_declaring(width, height)
    assert len(bomb) < 30_000
    response = submit(personas, rectifying, SimpleUploadedFile("bomb.png", bomb, content_type="image/png"))
    assert response.status_code == 400
    assert response.json()["photos"] == [f"整改后照片“bomb.png”像素过多{size}，不能超过 4000 万像素"]
    assert not Photo.objects.exists()
