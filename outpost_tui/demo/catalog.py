"""GPU and region catalog, allowed sizes and the hourly cost rules."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class GpuType:
    """One row of the GPU catalog; prices are USD per GPU hour (per machine for ``none``)."""

    memory_gb: int
    price_per_hour: Decimal
    spot_price_per_hour: Decimal


GPU_TYPES: dict[str, GpuType] = {
    "A100-40GB": GpuType(40, Decimal("2.40"), Decimal("0.96")),
    "A100-80GB": GpuType(80, Decimal("3.20"), Decimal("1.28")),
    "H100-80GB": GpuType(80, Decimal("4.50"), Decimal("1.80")),
    "L4": GpuType(24, Decimal("0.80"), Decimal("0.32")),
    "T4": GpuType(16, Decimal("0.40"), Decimal("0.16")),
    "none": GpuType(0, Decimal("0.20"), Decimal("0.08")),
}

REGIONS: dict[str, str] = {
    "us-east-1": "US East (Virginia)",
    "us-west-2": "US West (Oregon)",
    "eu-west-1": "Europe (Ireland)",
    "eu-central-1": "Europe (Frankfurt)",
    "ap-northeast-1": "Asia Pacific (Tokyo)",
}

# The family names the cloud-shape ``gpus`` value may use instead of a catalog value.
GPU_FAMILIES: dict[str, str] = {
    "A100": "A100-80GB",
    "H100": "H100-80GB",
    "L4": "L4",
    "T4": "T4",
}

GPU_COUNTS = (1, 2, 4, 8)
CPU_VALUES = (2, 4, 8, 16, 32, 64, 96)
MEMORY_VALUES = (8, 16, 32, 64, 128, 256, 512)
CLOUDS = ("aws", "azure", "gcp")
DISK_TIERS = ("standard", "high", "ultra")


def unit_price(gpu: str, *, spot: bool = False) -> Decimal | None:
    """Return the hourly unit price of ``gpu``, or None for a GPU not in the catalog."""
    gpu_type = GPU_TYPES.get(gpu)
    if gpu_type is None:
        return None
    return gpu_type.spot_price_per_hour if spot else gpu_type.price_per_hour


def hourly_cost(gpu: object, gpu_count: object, *, spot: bool = False, nodes: object = 1) -> str:
    """Return unit price x max(gpu_count, 1) x nodes as a two-decimal string, rounded half-up.

    An unknown GPU or a non-integer count (possible in test-inserted records)
    costs ``"0.00"`` rather than failing the request.
    """
    price = unit_price(gpu, spot=spot) if isinstance(gpu, str) else None
    if price is None or not isinstance(gpu_count, int) or not isinstance(nodes, int):
        return "0.00"
    total = price * max(gpu_count, 1) * max(nodes, 1)
    return str(total.quantize(CENT, rounding=ROUND_HALF_UP))


def gpu_catalog(unavailable: set[tuple[str, str]]) -> list[dict]:
    """Return the GPU catalog list, marking each ``(gpu, region)`` pair in ``unavailable``."""
    return [
        {
            "gpu": gpu,
            "memory_gb": gpu_type.memory_gb,
            "price_per_hour": str(gpu_type.price_per_hour),
            "spot_price_per_hour": str(gpu_type.spot_price_per_hour),
            "regions": [
                {"region": region, "available": (gpu, region) not in unavailable}
                for region in REGIONS
            ],
        }
        for gpu, gpu_type in GPU_TYPES.items()
    ]


def region_catalog() -> list[dict]:
    """Return the region catalog list."""
    return [{"name": name, "location": location} for name, location in REGIONS.items()]
