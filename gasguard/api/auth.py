"""POST /api/v1/auth/token/: a token for a username and password. Throttled per address (API_TOKEN_RATE) and under
the login lockout of django-axes; an expired token is replaced by a new one (API_TOKEN_TTL_HOURS)."""
from django.db import transaction
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from gasguard.org.logins import lockout_message
from gasguard.utilities.tokens import expires_at, seconds_left


class ObtainToken(ObtainAuthToken):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth_token"

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # axes marks the request it refused (the DRF request: its middleware sees only Django's)
            if getattr(request, "axes_locked_out", False):
                return Response({"detail": lockout_message()}, status=status.HTTP_429_TOO_MANY_REQUESTS)
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        user = serializer.validated_data["user"]
        with transaction.atomic():
            token, created = Token.objects.select_for_update().get_or_create(user=user)
            if not created and seconds_left(token) <= 0:
                token.delete()
                token = Token.objects.create(user=user)
        return Response({"token": token.key, "expires": expires_at(token)})


obtain_token = ObtainToken.as_view()
