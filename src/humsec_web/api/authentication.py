"""Token authentication with a lifetime: a token older than ``settings.API_TOKEN_DAYS`` is refused
(401). Kept apart from the token views: DRF imports authentication classes while it loads."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def expires_at(token: Token) -> datetime:
    return token.created + timedelta(days=settings.API_TOKEN_DAYS)


def expired(token: Token) -> bool:
    return timezone.now() >= expires_at(token)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing tokens past their lifetime."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if expired(token):
            raise exceptions.AuthenticationFailed("Token expired; POST /api/token/ for a new one.")
        return user, token
