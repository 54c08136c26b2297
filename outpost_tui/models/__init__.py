"""Pydantic models of the Outpost API objects. No I/O here."""

from .account import ErrorBody, Health, NamespaceMembership, Page, Pagination, User
from .base import Money, OutpostModel, Timestamp
from .compute import Artifact, Job, Machine, ReplicaPolicy, Resource, Service

__all__ = [
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
    "ReplicaPolicy",
    "Resource",
    "Service",
    "Timestamp",
    "User",
]
