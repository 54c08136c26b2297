"""Compute operations: machine, job, service and fleet writes, the catalog and analytics.

Every write is built as a :class:`PreparedRequest` first, so a form can show the exact
method, path and body before :meth:`ComputeAPI.send` sends that same object.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from ..models import (
    Analytics,
    Catalog,
    Fleet,
    GpuOffer,
    Job,
    Machine,
    OutpostModel,
    Region,
    Service,
    SshKey,
)
from .client import JOBS, MACHINES, SERVICES, OutpostClient, ResourceKind, parse_model
from .endpoints import ENDPOINTS, PER_PAGE_MAX, Query
from .errors import InvalidResponse
from .ratelimit import Lane

FLEETS = ResourceKind("fleets", "fleet", Fleet)
# The resources that have an analytics endpoint.
ANALYTICS_KINDS = {kind.name: kind for kind in (MACHINES, JOBS, SERVICES)}
ANALYTICS_WINDOWS = ("15m", "1h", "6h", "24h")
# SSH keys are listed for the create form only; more pages than this are not read.
SSH_KEY_PAGE_LIMIT = 5


@dataclass(frozen=True)
class PreparedRequest:
    """One write as it will be sent: an operation of the endpoint table, its path
    parameters and its JSON body."""

    operation: str
    path_params: dict[str, str]
    body: dict[str, Any] | None = None
    model: type[OutpostModel] | None = field(default=None, compare=False)

    @property
    def method(self) -> str:
        return ENDPOINTS[self.operation].method

    @property
    def path(self) -> str:
        """The percent-encoded path, exactly as the client sends it."""
        return ENDPOINTS[self.operation].format(**self.path_params)

    def preview(self) -> str:
        """Return the request as text: the method and path, then the body as indented JSON."""
        text = f"{self.method} {self.path}"
        if self.body is not None:
            text += "\n" + json.dumps(self.body, indent=2, ensure_ascii=False)
        return text


class ComputeAPI:
    """The compute operations of one client. The client enforces read-only mode."""

    def __init__(self, client: OutpostClient) -> None:
        self.client = client
        self._catalog: Catalog | None = None
        self._catalog_lock = asyncio.Lock()

    @classmethod
    def for_client(cls, client: OutpostClient) -> ComputeAPI:
        """Return the one instance for ``client``, so its catalog is fetched only once."""
        api = _INSTANCES.get(client)
        if api is None:
            api = _INSTANCES[client] = cls(client)
        return api

    # -- writes -------------------------------------------------------------------------

    def prepare(
        self,
        operation: str,
        *,
        body: dict[str, Any] | None = None,
        model: type[OutpostModel] | None = None,
        **path: str,
    ) -> PreparedRequest:
        """Build a write from an operation of the endpoint table; nothing is sent."""
        return PreparedRequest(operation, dict(path), body, model)

    async def send(self, request: PreparedRequest) -> Any:
        """Send a prepared write; return its parsed body, or None for an empty one (204)."""
        body = await self.client.request_json(
            request.operation, path=request.path_params, json_body=request.body
        )
        if body is None or request.model is None:
            return None
        return parse_model(request.model, body, request.operation)

    def create_machine(self, namespace: str, body: dict[str, Any]) -> PreparedRequest:
        return self.prepare("machines.create", body=body, model=Machine, namespace=namespace)

    def update_machine(self, namespace: str, name: str, changes: dict[str, Any]) -> PreparedRequest:
        return self.prepare("machines.update", body=changes, model=Machine, namespace=namespace, name=name)

    def submit_job(self, namespace: str, body: dict[str, Any]) -> PreparedRequest:
        return self.prepare("jobs.create", body=body, model=Job, namespace=namespace)

    def scale_service(self, namespace: str, name: str, body: dict[str, Any]) -> PreparedRequest:
        return self.prepare("services.update", body=body, model=Service, namespace=namespace, name=name)

    def create_fleet(self, namespace: str, body: dict[str, Any]) -> PreparedRequest:
        return self.prepare("fleets.create", body=body, model=Fleet, namespace=namespace)

    def update_fleet(self, namespace: str, name: str, changes: dict[str, Any]) -> PreparedRequest:
        return self.prepare("fleets.update", body=changes, model=Fleet, namespace=namespace, name=name)

    def item_action(self, kind: ResourceKind, verb: str, namespace: str, name: str) -> PreparedRequest:
        """Build a body-less action on one item, such as ``machines.stop`` or ``jobs.delete``."""
        return self.prepare(kind.operation(verb), model=kind.model, namespace=namespace, name=name)

    # -- reads --------------------------------------------------------------------------

    async def catalog(self, *, refresh: bool = False) -> Catalog:
        """Return the GPU and region catalog, fetched once and then kept for price previews."""
        async with self._catalog_lock:
            if self._catalog is None or refresh:
                gpus = await self._catalog_list("catalog.gpus", GpuOffer)
                regions = await self._catalog_list("catalog.regions", Region)
                self._catalog = Catalog(gpus=gpus, regions=regions)
            return self._catalog

    async def _catalog_list(self, operation: str, model: type[OutpostModel]) -> list[Any]:
        body = await self.client.request_json(operation)
        # The catalog returns {"data": [...]}; a bare array is accepted too.
        items = body.get("data") if isinstance(body, dict) else body
        if not isinstance(items, list):
            raise InvalidResponse(f"expected a list for {operation}", status=200)
        return [parse_model(model, item, operation) for item in items]

    async def ssh_keys(self) -> list[SshKey]:
        """Return the account's SSH keys, reading at most a few pages."""
        keys: list[SshKey] = []
        for page in range(1, SSH_KEY_PAGE_LIMIT + 1):
            body = await self.client.request_json(
                "ssh_keys.list", params={Query.PAGE: page, Query.PER_PAGE: PER_PAGE_MAX}
            )
            items = body.get("data") if isinstance(body, dict) else body
            if not isinstance(items, list):
                raise InvalidResponse("expected a list envelope with 'data' for SSH keys", status=200)
            keys.extend(parse_model(SshKey, item, "SSH key") for item in items)
            total_pages = (body.get("pagination") or {}).get("total_pages", 1) if isinstance(body, dict) else 1
            if not items or not isinstance(total_pages, int) or page >= total_pages:
                break
        return keys

    async def analytics(
        self,
        kind: ResourceKind,
        namespace: str,
        name: str,
        *,
        window: str = "1h",
        lane: Lane = Lane.BACKGROUND,
    ) -> Analytics:
        """Fetch the metric series of one machine, job or service."""
        if kind.name not in ANALYTICS_KINDS:
            raise ValueError(f"{kind.name} have no analytics; use machines, jobs or services")
        if window not in ANALYTICS_WINDOWS:
            raise ValueError(f"invalid analytics window {window!r}; use one of {', '.join(ANALYTICS_WINDOWS)}")
        body = await self.client.request_json(
            kind.operation("analytics"),
            path={"namespace": namespace, "name": name},
            params={Query.WINDOW: window},
            lane=lane,
        )
        return parse_model(Analytics, body, f"{kind.singular} analytics")


_INSTANCES: WeakKeyDictionary[OutpostClient, ComputeAPI] = WeakKeyDictionary()
