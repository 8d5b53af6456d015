"""Personal data of buyers: resident ID numbers are encrypted at rest (Fernet), found by a keyed hash, and masked
wherever they are shown or exported.

Keys: settings.PII_KEYS, newest first (MultiFernet: the newest encrypts, any decrypts), plus the deprecated
CYLINDER_PII_KEY as the oldest. The lookup hash is keyed by a key of its own derived from each Fernet key: a number is
searched under every key (a row keeps the hash of the key that encrypted it until `gasguard pii rotate`)."""
import base64
import hashlib
import hmac
from dataclasses import dataclass
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@dataclass(frozen=True)
class _Key:
    fernet: Fernet
    lookup: bytes  # the HMAC key of the lookup hash


def _legacy_key(secret: str) -> _Key:
    # The former scheme: one 32-byte digest of the secret, both the Fernet key and the HMAC key.
    material = hashlib.sha256(("gasguard.cylinders.pii:" + secret).encode()).digest()
    return _Key(Fernet(base64.urlsafe_b64encode(material)), material)


def _key(fernet_key: str) -> _Key:
    lookup = hashlib.sha256(b"gasguard.cylinders.pii.lookup:" + fernet_key.encode()).digest()
    return _Key(Fernet(fernet_key), lookup)


@lru_cache(maxsize=4)
def _keys_for(pii_keys: tuple[str, ...], legacy_secret: str) -> tuple[_Key, ...]:
    keys = [_key(k) for k in pii_keys]
    if legacy_secret:
        keys.append(_legacy_key(legacy_secret))
    if not keys:
        raise RuntimeError("PII_KEYS is empty")  # settings.py refuses to start without it
    return tuple(keys)


def _keys() -> tuple[_Key, ...]:
    return _keys_for(tuple(getattr(settings, "PII_KEYS", ())), getattr(settings, "CYLINDER_PII_KEY", ""))


def _multi() -> MultiFernet:
    return MultiFernet([k.fernet for k in _keys()])


def encrypt(value: str) -> str:
    return _keys()[0].fernet.encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _multi().decrypt(token.encode()).decode()


def _hash(key: _Key, value: str) -> str:
    return hmac.new(key.lookup, value.encode(), hashlib.sha256).hexdigest()


def lookup_hash(value: str) -> str:
    """A keyed hash (newest key), so the same person is found again without the number being readable."""
    return _hash(_keys()[0], value)


def lookup_hashes(value: str) -> list[str]:
    """The value's hash under every key, newest first: what a search matches while rows are being rotated."""
    return [_hash(k, value) for k in _keys()]


def mask_id_number(number: str) -> str:
    """120***********123X: the first three and last four characters only."""
    if len(number) < 8:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 11 else phone
