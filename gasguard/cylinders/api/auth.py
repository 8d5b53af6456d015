"""Token authentication with the token → user resolution cached in the worker process, for the stations' readers
(the gate check is their hot path: the token lookup would be one of its database round trips).

An entry lives CYLINDERS_TOKEN_CACHE_SECONDS (default 30 s). Deleting or re-creating a token (rotation) and saving
or deleting its user drop the entries in the process that did it at once (signals below); other worker processes
keep theirs until the TTL runs out — the bound on how long a revoked reader may still be answered."""
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

_cache: dict[str, tuple[float, object, object]] = {}  # key → (expires, user, token)
_MAX_ENTRIES = 10_000  # a bound, not a working size: a district has a few hundred readers


def ttl() -> float:
    return getattr(settings, "CYLINDERS_TOKEN_CACHE_SECONDS", 30)


def clear():
    _cache.clear()


class CachedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        now = time.monotonic()
        hit = _cache.get(key)
        if hit is not None and hit[0] > now and hit[1].is_active:
            return hit[1], hit[2]
        user, token = super().authenticate_credentials(key)  # raises on an unknown key or an inactive user
        if len(_cache) >= _MAX_ENTRIES:
            _cache.clear()
        _cache[key] = (now + ttl(), user, token)
        return user, token


@receiver(post_delete, sender=Token, dispatch_uid="cylinders-token-cache-token-deleted")
@receiver(post_save, sender=Token, dispatch_uid="cylinders-token-cache-token-saved")
def _token_changed(sender, instance, **kwargs):
    _cache.pop(instance.key, None)
    _drop_user(instance.user_id)


def _drop_user(user_id):
    for key, (_, user, _token) in list(_cache.items()):
        if user.pk == user_id:
            _cache.pop(key, None)


@receiver(post_delete, sender=get_user_model(), dispatch_uid="cylinders-token-cache-user-deleted")
@receiver(post_save, sender=get_user_model(), dispatch_uid="cylinders-token-cache-user-saved")
def _user_changed(sender, instance, **kwargs):
    _drop_user(instance.pk)
