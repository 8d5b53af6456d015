"""Personal data of buyers: resident ID numbers are encrypted at rest (Fernet), found by a keyed hash, and masked
wherever they are shown or exported."""
import base64
import hashlib
import hmac

from cryptography.fernet import Fernet
from django.conf import settings


def _key_material() -> bytes:
    secret = getattr(settings, "CYLINDER_PII_KEY", "") or settings.SECRET_KEY
    return hashlib.sha256(("gasguard.cylinders.pii:" + secret).encode()).digest()


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_key_material()))


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def lookup_hash(value: str) -> str:
    """A keyed hash, so the same person is found again without the number being readable."""
    return hmac.new(_key_material(), value.encode(), hashlib.sha256).hexdigest()


def mask_id_number(number: str) -> str:
    """120***********123X: the first three and last four characters only."""
    if len(number) < 8:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 11 else phone
