"""Analytics: metric time series of a machine, job or service."""

from __future__ import annotations

from pydantic import Field

from .base import OutpostModel, Timestamp


class AnalyticsPoint(OutpostModel):
    """One value at one time; steps without data are left out by the server."""

    timestamp: Timestamp | None = None
    value: float | None = None


class AnalyticsSeries(OutpostModel):
    """One metric, such as ``gpu_utilization``, in its unit (``percent``, ``rps``, ``ms``)."""

    metric: str = ""
    unit: str = ""
    points: list[AnalyticsPoint] = Field(default_factory=list)

    @property
    def values(self) -> list[float]:
        """The point values, oldest first, without the missing ones."""
        return [point.value for point in self.points if point.value is not None]


class Analytics(OutpostModel):
    """The analytics body: the window used, the point spacing and one series per metric."""

    window: str = ""
    step_seconds: int | None = None
    series: list[AnalyticsSeries] = Field(default_factory=list)
