"""API tokens expire API_TOKEN_TTL_HOURS after they were issued (settings.py); an expired token answers 401 and the
client asks POST /api/v1/auth/token/ for a new one."""
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

EXPIRED = _("令牌已过期，请重新获取（POST /api/v1/auth/token/）。")


def expires_at(token) -> datetime:
    return token.created + timedelta(hours=settings.API_TOKEN_TTL_HOURS)


def seconds_left(token) -> float:
    """Seconds until the token expires (≤ 0: expired); wall clock, as the token's `created`."""
    return expires_at(token).timestamp() - time.time()


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if seconds_left(token) <= 0:
            raise AuthenticationFailed(EXPIRED)
        return user, token
