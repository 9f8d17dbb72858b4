"""API tokens that expire and can be revoked, and a token endpoint that says 429 when locked.

- ``POST /api/token/`` (username, password) → ``{"token": ..., "expires": ...}``; an expired token
  is replaced by a new one. While django-axes has locked the username and address out (too many
  failed sign-ins) it answers 429 with the error envelope, not 400.
- ``DELETE /api/token/`` with ``Authorization: Token ...`` revokes that token (204).
- A token older than ``settings.API_TOKEN_DAYS`` is refused (401, "token expired").
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from humsec_web.api.authentication import ExpiringTokenAuthentication, expired, expires_at
from humsec_web.api.errors import envelope


def _locked(request: Request) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    return bool(
        AxesProxyHandler.is_locked(request._request, {"username": str(request.data.get("username", ""))})
    )


class TokenView(APIView):
    """Issue (POST) and revoke (DELETE) API tokens."""

    authentication_classes = [ExpiringTokenAuthentication]
    permission_classes = [AllowAny]
    throttle_classes: list[type[BaseThrottle]] = []
    rules: dict[str, str] = {}  # access is decided here (credentials), not by the role table

    def get_permissions(self) -> list[Any]:
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    @extend_schema(
        request=AuthTokenSerializer,
        responses=inline_serializer("Token", {"token": serializers.CharField(), "expires": serializers.DateTimeField()}),
    )
    def post(self, request: Request) -> Response:
        if _locked(request):
            return Response(
                envelope(429, "locked_out", "Too many failed sign-ins: try again in 15 minutes."),
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        body = AuthTokenSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        token, _ = Token.objects.get_or_create(user=body.validated_data["user"])
        if expired(token):
            token.delete()
            token = Token.objects.create(user=body.validated_data["user"])
        return Response({"token": token.key, "expires": expires_at(token)})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
