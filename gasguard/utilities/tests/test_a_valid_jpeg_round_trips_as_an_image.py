"""A phone's JPEG comes back as that picture: the same size and colours, turned upright as the camera's EXIF
orientation said, and without the EXIF itself (the phone's location, its make, the time); its SHA-256 is that of
the stored bytes. A PNG stays a PNG, transparency included."""
import hashlib
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gasguard.testing import api_client, inspect

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def phone_jpeg() -> bytes:
    """60×40 as stored by the sensor, left half red, right half blue; EXIF says: turn 90° to show it (6)."""
    image = Image.new("RGB", (60, 40), (220, 20, 20))
    image.paste((20, 20, 220), (30, 0, 60, 40))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[MAKE] = "PhoneMaker"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (39.0, 1.0, 30.0), 3: "E", 4: (117.0, 42.0, 10.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


def served(user, photo):
    response = api_client(user).get(f"/photos/{photo.pk}/")
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def test_a_phone_jpeg_is_served_upright_as_a_jpeg_without_its_exif(personas):
    upload = SimpleUploadedFile("IMG_0001.JPG", phone_jpeg(), content_type="application/octet-stream")
    inspection, _ = inspect(personas.site_a, personas.inspector, photos=[upload])
    photo = inspection.photos.get()
    response, data = served(personas.inspector, photo)
    assert response["Content-Type"] == "image/jpeg"
    assert hashlib.sha256(data).hexdigest() == photo.sha256
    assert photo.file.name.endswith(".jpg") and "IMG_0001" in photo.file.name
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG" and image.size == (40, 60)  # turned upright
        exif = image.getexif()
        assert ORIENTATION not in exif and MAKE not in exif and not exif.get_ifd(GPS_IFD)
        assert b"PhoneMaker" not in data
        rgb = image.convert("RGB")
        top, bottom = rgb.getpixel((20, 5)), rgb.getpixel((20, 55))
    # Orientation 6: the sensor's left (red) is the picture's top.
    assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0]


def test_a_png_with_transparency_stays_a_png_with_it(personas):
    image = Image.new("RGBA", (20, 10), (0, 128, 0, 0))
    image.paste((0, 128, 0, 255), (0, 0, 10, 10))
    out = io.BytesIO()
    image.save(out, "PNG")
    inspection, _ = inspect(personas.site_a, personas.inspector,
                            photos=[SimpleUploadedFile("sign.png", out.getvalue(), content_type="image/png")])
    response, data = served(personas.inspector, inspection.photos.get())
    assert response["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(data)) as back:
        assert back.format == "PNG" and back.mode == "RGBA"
        assert back.getpixel((2, 2))[3] == 255 and back.getpixel((15, 2))[3] == 0


@pytest.mark.parametrize(("name", "stored"), [("!!!.png", "photo.png"), ("../../etc/passwd.png", "passwd.png"),
                                              ("整改照片 1.GIF", "整改照片_1.jpg")])
def test_the_stored_name_is_safe_and_its_extension_is_the_contents(personas, name, stored):
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (1, 2, 3)).save(out, "GIF" if name.endswith(".GIF") else "PNG")
    inspection, _ = inspect(personas.site_a, personas.inspector, photos=[SimpleUploadedFile(name, out.getvalue())])
    stem, ext = stored.rsplit(".", 1)
    # (the storage adds a random suffix when the name is taken by an earlier photo)
    assert re.fullmatch(rf"evidence/\d{{4}}/\d{{2}}/{stem}(_[A-Za-z0-9]{{7}})?\.{ext}", inspection.photos.get().file.name)
