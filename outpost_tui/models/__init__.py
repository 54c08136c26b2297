"""Pydantic models of the Outpost API objects. No I/O here."""

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
