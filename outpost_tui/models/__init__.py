"""Pydantic models of the Outpost API objects. No I/O here."""

from importlib import import_module
from typing import TYPE_CHECKING

# Each name is imported from its module on first use (PEP 562), so start-up builds only
# the model classes the first screen needs.
_MODULE_OF = {
    **dict.fromkeys(("ErrorBody", "Health", "NamespaceMembership", "Page", "Pagination", "User"), "account"),
    **dict.fromkeys(("Analytics", "AnalyticsPoint", "AnalyticsSeries"), "analytics"),
    **dict.fromkeys(("Money", "OutpostModel", "Timestamp"), "base"),
    **dict.fromkeys(("Catalog", "GpuOffer", "Region", "RegionAvailability"), "catalog"),
    **dict.fromkeys(("Artifact", "Job", "Machine", "ReplicaPolicy", "Resource", "Service"), "compute"),
    "Fleet": "fleet",
    **dict.fromkeys(("AccessKey", "ApiKey", "PersonalAccessToken", "SshKey"), "keys"),
    "LogLine": "logs",
}


def __getattr__(name: str) -> object:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from .account import ErrorBody, Health, NamespaceMembership, Page, Pagination, User
    from .analytics import Analytics, AnalyticsPoint, AnalyticsSeries
    from .base import Money, OutpostModel, Timestamp
    from .catalog import Catalog, GpuOffer, Region, RegionAvailability
    from .compute import Artifact, Job, Machine, ReplicaPolicy, Resource, Service
    from .fleet import Fleet
    from .keys import AccessKey, ApiKey, PersonalAccessToken, SshKey
    from .logs import LogLine

__all__ = [
    "Analytics",
    "AnalyticsPoint",
    "AnalyticsSeries",
    "AccessKey",
    "ApiKey",
    "Artifact",
    "Catalog",
    "ErrorBody",
    "Fleet",
    "GpuOffer",
    "Health",
    "Job",
    "LogLine",
    "Machine",
    "Money",
    "NamespaceMembership",
    "OutpostModel",
    "Page",
    "Pagination",
    "PersonalAccessToken",
    "Region",
    "RegionAvailability",
    "ReplicaPolicy",
    "Resource",
    "Service",
    "SshKey",
    "Timestamp",
    "User",
]
