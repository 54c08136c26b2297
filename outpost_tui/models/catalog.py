"""The catalog of GPU types and regions, and the hourly cost rules used for price previews."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from pydantic import Field

from .base import Money, OutpostModel

CENT = Decimal("0.01")

# Family names a fleet's or cloud-shape machine's "TYPE:COUNT" value may use instead of
# a catalog GPU value.
GPU_FAMILIES = {"A100": "A100-80GB", "H100": "H100-80GB", "L4": "L4", "T4": "T4"}


class RegionAvailability(OutpostModel):
    """Whether one GPU type can be created in one region."""

    region: str = ""
    available: bool = True


class GpuOffer(OutpostModel):
    """One GPU type with its prices in USD per GPU hour (per machine for ``none``)."""

    gpu: str
    memory_gb: int | None = None
    price_per_hour: Money | None = None
    spot_price_per_hour: Money | None = None
    regions: list[RegionAvailability] = Field(default_factory=list)

    def unit_price(self, *, spot: bool = False) -> Decimal | None:
        """Return the spot price for spot capacity, else the regular price."""
        return self.spot_price_per_hour if spot else self.price_per_hour

    def hourly_cost(self, gpu_count: int, *, spot: bool = False, nodes: int = 1) -> Decimal | None:
        """Return unit price × max(gpu_count, 1) × nodes, rounded half-up to cents."""
        price = self.unit_price(spot=spot)
        if price is None:
            return None
        total = price * max(gpu_count, 1) * max(nodes, 1)
        return total.quantize(CENT, rounding=ROUND_HALF_UP)

    def available_in(self, region: str) -> bool | None:
        """Return the catalog's availability in ``region``, or None when the region is not listed."""
        for entry in self.regions:
            if entry.region == region:
                return entry.available
        return None


class Region(OutpostModel):
    """A region the catalog offers, with a readable place name."""

    name: str
    location: str = ""


class Catalog(OutpostModel):
    """The GPU types and regions together, as the price previews use them."""

    gpus: list[GpuOffer] = Field(default_factory=list)
    regions: list[Region] = Field(default_factory=list)

    def offer(self, gpu: str) -> GpuOffer | None:
        """Return the offer for a catalog GPU value or a family name such as ``H100``."""
        gpu = GPU_FAMILIES.get(gpu, gpu)
        for offer in self.gpus:
            if offer.gpu == gpu:
                return offer
        return None

    def location(self, region: str) -> str:
        for entry in self.regions:
            if entry.name == region:
                return entry.location
        return ""


def parse_gpus(value: str | None) -> tuple[str, int]:
    """Split a ``"TYPE:COUNT"`` value into a GPU and count; None means ``("none", 0)``.

    A malformed value comes back as its whole text with count 1, so a price lookup fails
    visibly instead of raising.
    """
    if not value:
        return "none", 0
    kind, _, count = value.partition(":")
    try:
        return GPU_FAMILIES.get(kind, kind), int(count)
    except ValueError:
        return value, 1
