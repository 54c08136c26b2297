"""API keys, personal access tokens and SSH keys of the signed-in user.

A create response carries the new secret exactly once. It is kept in a ``SecretStr``
so that ``repr``, logs and validation errors show ``**********`` instead of the value.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import Field, SecretStr

from .base import OutpostModel, Timestamp

# A key older than this is flagged so that users rotate it.
OLD_KEY_DAYS = 90
# A key that expires within this many days is flagged so that users replace it in time.
EXPIRY_WARNING_DAYS = 14


class AccessKey(OutpostModel):
    """Fields that API keys and PATs share. ``scopes`` is None for an unscoped key."""

    id: str = ""
    name: str
    prefix: str = ""
    last_four: str = ""
    scopes: list[str] | None = None
    created_at: Timestamp | None = None
    last_used_at: Timestamp | None = None
    expires_at: Timestamp | None = None

    @property
    def key(self) -> str:
        """The row key in tables: the name, which addresses the key in every path."""
        return self.name

    @property
    def hint(self) -> str:
        """The prefix and the last four characters, such as ``sk_live_4f9a…b2c1``."""
        return f"{self.prefix}…{self.last_four}"

    def warning(self, now: datetime) -> str | None:
        """Return why this key needs attention (expired, expiring soon, old), or None."""
        if self.expires_at is not None:
            left = self.expires_at - now
            if left <= timedelta(0):
                return "expired"
            if left <= timedelta(days=EXPIRY_WARNING_DAYS):
                days = max(int(left.total_seconds() // 86400), 0)
                return "expires today" if days == 0 else f"expires in {days} d"
        if self.created_at is not None and now - self.created_at >= timedelta(days=OLD_KEY_DAYS):
            return f"older than {OLD_KEY_DAYS} d"
        return None


class ApiKey(AccessKey):
    """An API key; ``secret`` is present only in the create response."""

    secret: SecretStr | None = Field(default=None, repr=False)


class PersonalAccessToken(AccessKey):
    """A personal access token; ``token`` is present only in the create response."""

    token: SecretStr | None = Field(default=None, repr=False)


class SshKey(OutpostModel):
    """An OpenSSH public key on the account, addressed by ``id``."""

    id: str
    name: str = ""
    fingerprint: str = ""
    public_key: str = ""
    created_at: Timestamp | None = None

    @property
    def key(self) -> str:
        return self.id
