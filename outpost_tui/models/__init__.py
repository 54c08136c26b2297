"""Pydantic models of the Outpost API objects. No I/O here."""

from .account import ErrorBody, Health, NamespaceMembership, Page, Pagination, User
from .base import Money, OutpostModel, Timestamp
from .compute import Artifact, Job, Machine, ReplicaPolicy, Resource, Service
from .keys import AccessKey, ApiKey, PersonalAccessToken, SshKey

__all__ = [
    "AccessKey",
    "ApiKey",
    "Artifact",
    "ErrorBody",
    "Health",
    "Job",
    "Machine",
    "Money",
    "NamespaceMembership",
    "OutpostModel",
    "Page",
    "Pagination",
    "PersonalAccessToken",
    "ReplicaPolicy",
    "Resource",
    "Service",
    "SshKey",
    "Timestamp",
    "User",
]
