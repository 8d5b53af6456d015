"""Logins: the lockout page of django-axes (its message in gasguard.org.logins) and the client's address behind a
proxy (TRUSTED_PROXY_COUNT)."""
from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from gasguard.org.logins import lockout_message


def lockout(request, original_response=None, credentials=None):
    """A locked-out login: the login page (or, for the API, JSON) with the reason, 429 Too Many Requests."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message()}, status=429)
    username = (credentials or {}).get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    return render(request, "web/login.html", {"form": form, "lockout": lockout_message(),
                                              "next": request.POST.get("next", "")}, status=429)


def client_ip(request) -> str | None:
    """The address counted for lockouts: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the entry of
    X-Forwarded-For that the outermost trusted proxy appended (entries further left are the client's to forge)."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' check before the password is: every login over HTTP passes its request. A call without one (the
    test client's login(), a script) has no address to count and is left to the password check alone."""

    def authenticate(self, request=None, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with its message in Chinese (Django's own catalogue leaves this one untranslated)."""

    def get_error_message(self):
        return _("密码太短：至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}

    def get_help_text(self):
        return _("密码至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}
