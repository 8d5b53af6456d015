"""Personal data at rest: encrypted (Fernet), found by a keyed hash, masked wherever shown or exported.

Keys: settings.PII_KEYS, newest first (MultiFernet: the newest encrypts, any decrypts), plus the deprecated
CYLINDER_PII_KEY as the oldest. The lookup hash is keyed by a key of its own derived from each Fernet key: a value is
searched under every key (a row keeps the hash of the key that encrypted it until `gasguard pii rotate`).

Every encrypted column is registered here (`register`), so that rotation covers them all. The derivation strings
below name the app that first used them; they stay as they are, or the stored ciphertexts and hashes stop matching."""
import base64
import hashlib
import hmac
from dataclasses import dataclass
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction


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
    """A keyed hash (newest key), so the same person is found again without the value being readable."""
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
    """138****1234 (a mobile or a landline with its area code); a short number keeps its last two digits only."""
    if len(phone) >= 11:
        return phone[:3] + "****" + phone[-4:]
    return "*" * max(len(phone) - 2, 0) + phone[-2:]


def mask_name(name: str) -> str:
    """张*: a person's surname only."""
    return name[:1] + "*" if name else ""


# --- the registry of encrypted columns, for rotation ------------------------------------------------------------

@dataclass(frozen=True)
class EncryptedField:
    model: type
    encrypted: str     # the ciphertext column
    hash: str          # its lookup hash column ("" when it has none)
    label: str         # what a value is, in the message naming a row no key opens


REGISTRY: list[EncryptedField] = []


def register(model, encrypted: str, hash: str = "", *, label: str) -> None:
    if not any(f.model is model and f.encrypted == encrypted for f in REGISTRY):
        REGISTRY.append(EncryptedField(model, encrypted, hash, label))


@transaction.atomic
def rotate(*, batch_size=1000) -> dict[str, int]:
    """Every registered encrypted value re-encrypted under the newest key, its lookup hash recomputed: one transaction
    (all or nothing), `batch_size` rows at a time. A value no configured key opens stops it with a ValidationError
    naming the row, and nothing is changed. Returns the values rewritten per column."""
    done = {}
    for field in REGISTRY:
        model, columns = field.model, [field.encrypted, *([field.hash] if field.hash else [])]
        last, count = 0, 0
        while True:
            batch = list(model.objects.select_for_update().filter(pk__gt=last).exclude(**{field.encrypted: ""})
                         .order_by("pk").only("pk", *columns)[:batch_size])
            if not batch:
                break
            for row in batch:
                try:
                    value = decrypt(getattr(row, field.encrypted))
                except InvalidToken:
                    raise ValidationError(f"{model._meta.verbose_name} #{row.pk} 的{field.label}无法用现有的任何密钥"
                                          "（PII_KEYS、CYLINDER_PII_KEY）解密：密钥不全，未作任何更改")
                setattr(row, field.encrypted, encrypt(value))
                if field.hash:
                    setattr(row, field.hash, lookup_hash(value))
            model.objects.bulk_update(batch, columns)
            count += len(batch)
            last = batch[-1].pk
        done[f"{model._meta.label_lower}.{field.encrypted}"] = count
    return done
