"""In-memory data of the demo server and its lazy lifecycle simulation.

Nothing runs in the background. Before each request the server calls
``advance()``, which moves every resource to where its stored timestamps put it
now, so a paused or frozen clock simply pauses the simulation.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import credentials, fleets, jobs, machines, services
from .config import PLAN_LIMITS, DemoConfig
from .ids import IdFactory
from .ratelimit import RateLimiter
from .seed import populate
from .timeutil import ensure_utc

ROLES = ("owner", "admin", "maintainer", "contributor", "reader")
RESOURCE_KINDS = ("machines", "jobs", "services", "fleets")
FIRST_SSH_PORT = 22001


@dataclass
class User:
    """A demo user with a plan and a role in each of its namespaces (personal first)."""

    id: str
    username: str
    email: str
    plan: str
    roles: dict[str, str] = field(default_factory=dict)


@dataclass
class Namespace:
    """A personal or organization namespace."""

    name: str
    kind: str


class DemoState:
    """Users, credentials, namespaces and resources, plus their simulated lifecycles.

    Every public method takes ``lock``, so tests may call them from their own thread
    while the server runs. The demo user's API key and PAT come from the arguments,
    else from the config, else fresh from the OS's secure generator. Records are plain dicts: public fields as sent on the
    wire (datetimes formatted on output) and internal fields prefixed with ``_``.
    """

    def __init__(self, config: DemoConfig | None = None, *, api_key: str | None = None, token: str | None = None) -> None:
        config = config or DemoConfig()
        api_key = api_key or config.api_key or f"demo-key${credentials.API_KEY_PREFIX}{credentials.random_part()}"
        token = token or config.token or credentials.PAT_PREFIX + credentials.random_part()
        self.config = config
        self.lock = threading.RLock()
        self.ids = IdFactory(random.Random(f"ids:{config.seed}"))
        self.rate_limiter = RateLimiter()
        self.users: dict[str, User] = {}
        self.namespaces: dict[str, Namespace] = {}
        self.machines: dict[str, dict[str, dict]] = {}
        self.jobs: dict[str, dict[str, dict]] = {}
        self.services: dict[str, dict[str, dict]] = {}
        self.fleets: dict[str, dict[str, dict]] = {}
        self.api_keys: dict[str, dict[str, dict]] = {}
        self.pats: dict[str, dict[str, dict]] = {}
        self.ssh_keys: dict[str, dict[str, dict]] = {}
        self.unavailable_gpus: set[tuple[str, str]] = set()
        self.quotas: dict[tuple[str, str], int] = {}
        self._by_secret_hash: dict[str, dict] = {}
        self._next_ssh_port = FIRST_SSH_PORT
        self.created_at = self.now()
        populate(self, random.Random(f"seed:{config.seed}"), self.created_at)
        self.demo_api_key = self._issue_demo_key(api_key)
        self.demo_token = self.issue_pat("mara", "demo-token", token=token)

    # Time -----------------------------------------------------------------

    def now(self) -> datetime:
        """Return the current time from the configured clock, in UTC."""
        return ensure_utc(self.config.clock())

    def scaled(self, seconds: float) -> timedelta:
        """Return a lifecycle duration of ``seconds`` divided by the speed factor."""
        return timedelta(seconds=seconds / self.config.speed)

    def next_ssh_port(self) -> int:
        """Return a port number no other machine uses."""
        port = self._next_ssh_port
        self._next_ssh_port += 1
        return port

    def advance(self, now: datetime | None = None) -> None:
        """Apply every lifecycle transition due by ``now`` (default: the clock's time)."""
        with self.lock:
            now = self.now() if now is None else ensure_utc(now)
            for items in self.machines.values():
                gone = [name for name, record in items.items() if not machines.advance(self, record, now)]
                for name in gone:
                    del items[name]
            for items in self.jobs.values():
                for record in items.values():
                    jobs.advance(self, record, now)
            for items in self.services.values():
                for record in items.values():
                    services.advance(self, record, now)
            for items in self.fleets.values():
                for record in items.values():
                    fleets.advance(self, record, now)

    # Users, namespaces and plans ------------------------------------------

    def add_namespace(self, name: str, kind: str = "organization") -> Namespace:
        """Create an empty namespace of ``kind`` (``personal`` or ``organization``)."""
        with self.lock:
            namespace = Namespace(name, kind)
            self.namespaces[name] = namespace
            for collection in (self.machines, self.jobs, self.services, self.fleets):
                collection.setdefault(name, {})
            return namespace

    def add_user(self, username: str, plan: str = "free", roles: dict[str, str] | None = None) -> User:
        """Create a user with a personal namespace (as owner) plus the given memberships."""
        with self.lock:
            if plan not in PLAN_LIMITS:
                raise ValueError(f"invalid plan {plan!r}; use one of: {', '.join(PLAN_LIMITS)}")
            if username not in self.namespaces:
                self.add_namespace(username, "personal")
            user = User(self.ids.new("usr"), username, f"{username}@example.com", plan, {username: "owner"})
            self.users[username] = user
            self.api_keys.setdefault(username, {})
            self.pats.setdefault(username, {})
            self.ssh_keys.setdefault(username, {})
            for namespace, role in (roles or {}).items():
                self.set_role(username, namespace, role)
            return user

    def set_role(self, username: str, namespace: str, role: str | None) -> None:
        """Give ``username`` a role in ``namespace``, or remove the membership with None."""
        with self.lock:
            if role is not None and role not in ROLES:
                raise ValueError(f"invalid role {role!r}; use one of: {', '.join(ROLES)}")
            if namespace not in self.namespaces:
                self.add_namespace(namespace)
            roles = self.users[username].roles
            if role is None:
                roles.pop(namespace, None)
            else:
                roles[namespace] = role

    def set_plan(self, plan: str, username: str = "mara") -> None:
        """Switch a user's plan, and with it the rate-limit tier of all its credentials."""
        with self.lock:
            if plan not in PLAN_LIMITS:
                raise ValueError(f"invalid plan {plan!r}; use one of: {', '.join(PLAN_LIMITS)}")
            self.users[username].plan = plan

    def role_of(self, username: str, namespace: str) -> str | None:
        """Return the user's role in ``namespace``, or None when not a member."""
        user = self.users.get(username)
        return user.roles.get(namespace) if user else None

    # Credentials ----------------------------------------------------------

    def issue_api_key(
        self,
        username: str,
        name: str,
        *,
        scopes: list[str] | None = None,
        expires_at: datetime | None = None,
        secret: str | None = None,
        created_at: datetime | None = None,
    ) -> str:
        """Create an API key and return the header value ``<name>$<secret>``."""
        with self.lock:
            secret = secret or credentials.API_KEY_PREFIX + credentials.random_part()
            record = credentials.new_record(
                self.ids.new("key"), secret, name=name, username=username, kind="api_key",
                scopes=scopes, created_at=created_at or self.now(), expires_at=expires_at,
            )
            self.api_keys.setdefault(username, {})[name] = record
            self._by_secret_hash[record["_secret_hash"]] = record
            return f"{name}${secret}"

    def issue_pat(
        self,
        username: str,
        name: str,
        *,
        scopes: list[str] | None = None,
        expires_at: datetime | None = None,
        token: str | None = None,
        created_at: datetime | None = None,
    ) -> str:
        """Create a personal access token and return it."""
        with self.lock:
            token = token or credentials.PAT_PREFIX + credentials.random_part()
            record = credentials.new_record(
                self.ids.new("pat"), token, name=name, username=username, kind="pat",
                scopes=scopes, created_at=created_at or self.now(), expires_at=expires_at,
            )
            self.pats.setdefault(username, {})[name] = record
            self._by_secret_hash[record["_secret_hash"]] = record
            return token

    def revoke(self, record: dict) -> None:
        """Delete an API key or PAT record; requests using it fail from now on."""
        with self.lock:
            self._by_secret_hash.pop(record["_secret_hash"], None)
            store = self.api_keys if record["_kind"] == "api_key" else self.pats
            store.get(record["_user"], {}).pop(record["name"], None)

    def authenticate(self, header: str | None) -> credentials.Credential | None:
        """Return the credential an Authorization header names, or None if it is not valid."""
        parsed = credentials.parse_authorization(header)
        if parsed is None:
            return None
        kind, secret, key_name = parsed
        with self.lock:
            record = self._by_secret_hash.get(credentials.secret_hash(secret))
            if record is None or record["_kind"] != kind:
                return None
            if kind == "api_key" and record["name"] != key_name:
                return None
            now = self.now()
            expires = record.get("expires_at")
            if isinstance(expires, datetime) and expires <= now:
                return None
            if record["_user"] not in self.users:
                return None
            record["last_used_at"] = now
            return credentials.Credential(kind, record, record["_user"])

    def _issue_demo_key(self, value: str) -> str:
        name, _, secret = value.partition("$")
        return self.issue_api_key("mara", name, secret=secret)

    # Resources ------------------------------------------------------------

    def _collection(self, kind: str, namespace: str) -> dict[str, dict]:
        if namespace not in self.namespaces:
            raise ValueError(f"namespace {namespace!r} not found; create it with add_namespace() first")
        return getattr(self, kind)[namespace]

    def add_machine(self, namespace: str, **fields: object) -> dict:
        """Insert a machine with any fields, unvalidated; return its record.

        Without ``status`` it starts provisioning like a created machine; with one,
        it stays in that status until changed.
        """
        with self.lock:
            record = machines.new_record(self, namespace, self.now(), **fields)
            self._collection("machines", namespace)[record["name"]] = record
            return record

    def add_job(self, namespace: str, **fields: object) -> dict:
        """Insert a job with any fields, unvalidated; return its record."""
        with self.lock:
            record = jobs.new_record(self, namespace, self.now(), **fields)
            self._collection("jobs", namespace)[record["name"]] = record
            return record

    def add_service(self, namespace: str, **fields: object) -> dict:
        """Insert a service with any fields, unvalidated; return its record."""
        with self.lock:
            record = services.new_record(self, namespace, self.now(), **fields)
            self._collection("services", namespace)[record["name"]] = record
            return record

    def add_fleet(self, namespace: str, **fields: object) -> dict:
        """Insert a fleet with any fields, unvalidated; return its record."""
        with self.lock:
            record = fleets.new_record(self, namespace, self.now(), **fields)
            self._collection("fleets", namespace)[record["name"]] = record
            return record

    def get_machine(self, namespace: str, name: str) -> dict | None:
        """Return the machine record, or None."""
        return self.machines.get(namespace, {}).get(name)

    def get_job(self, namespace: str, name: str) -> dict | None:
        """Return the job record, or None."""
        return self.jobs.get(namespace, {}).get(name)

    def get_service(self, namespace: str, name: str) -> dict | None:
        """Return the service record, or None."""
        return self.services.get(namespace, {}).get(name)

    def get_fleet(self, namespace: str, name: str) -> dict | None:
        """Return the fleet record, or None."""
        return self.fleets.get(namespace, {}).get(name)

    def remove(self, kind: str, namespace: str, name: str) -> dict | None:
        """Delete a resource of ``kind`` (machines, jobs, services, fleets) at once; return its record."""
        with self.lock:
            if kind not in RESOURCE_KINDS:
                raise ValueError(f"invalid resource kind {kind!r}; use one of: {', '.join(RESOURCE_KINDS)}")
            return getattr(self, kind).get(namespace, {}).pop(name, None)

    # Catalog and quotas ---------------------------------------------------

    def set_gpu_available(self, gpu: str, region: str, available: bool) -> None:
        """Mark a GPU as available or unavailable in a catalog region."""
        with self.lock:
            if available:
                self.unavailable_gpus.discard((gpu, region))
            else:
                self.unavailable_gpus.add((gpu, region))

    def set_quota(self, namespace: str, kind: str, limit: int | None) -> None:
        """Cap how many resources of ``kind`` (machines, jobs, services, fleets) a namespace holds."""
        with self.lock:
            if kind not in RESOURCE_KINDS:
                raise ValueError(f"invalid resource kind {kind!r}; use one of: {', '.join(RESOURCE_KINDS)}")
            if limit is None:
                self.quotas.pop((namespace, kind), None)
            else:
                self.quotas[(namespace, kind)] = limit
