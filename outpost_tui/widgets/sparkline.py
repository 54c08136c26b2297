"""Sparklines of analytics series as plain ``rich.text.Text``, for the detail pane."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from ..models import Analytics, AnalyticsSeries
from ..sanitize import clean_text

BLOCKS = "▁▂▃▄▅▆▇█"
DEFAULT_WIDTH = 30
# Readable names of the documented metrics; unknown metrics show their own name.
METRIC_LABELS = {
    "gpu_utilization": "GPU",
    "cpu_utilization": "CPU",
    "memory_utilization": "memory",
    "requests_per_second": "requests/s",
    "p99_latency_ms": "p99 latency",
}
UNIT_SUFFIXES = {"percent": "%", "rps": " rps", "ms": " ms"}


def resample(values: list[float], width: int) -> list[float]:
    """Fit ``values`` into ``width`` buckets by averaging; fewer values are kept as they are."""
    if len(values) <= width:
        return list(values)
    buckets = []
    for index in range(width):
        start = index * len(values) // width
        end = max((index + 1) * len(values) // width, start + 1)
        chunk = values[start:end]
        buckets.append(sum(chunk) / len(chunk))
    return buckets


def sparkline(values: list[float], width: int = DEFAULT_WIDTH, *, low: float | None = None,
              high: float | None = None) -> str:
    """Return one block character per bucket, scaled between ``low`` and ``high``.

    Without bounds the series' own minimum and maximum are used, so a flat series draws
    as a flat line of the lowest block.
    """
    points = resample(values, width)
    if not points:
        return ""
    bottom = min(points) if low is None else low
    top = max(points) if high is None else high
    span = top - bottom
    characters = []
    for value in points:
        level = 0 if span <= 0 else round((min(max(value, bottom), top) - bottom) / span * (len(BLOCKS) - 1))
        characters.append(BLOCKS[level])
    return "".join(characters)


def format_value(value: float, unit: str) -> str:
    suffix = UNIT_SUFFIXES.get(unit, f" {clean_text(unit)}" if unit else "")
    return f"{value:,.1f}{suffix}" if abs(value) < 100 else f"{value:,.0f}{suffix}"


def series_row(series: AnalyticsSeries, width: int) -> tuple[Text, Text, Text]:
    """Return the label, the sparkline and the latest value of one series."""
    label = METRIC_LABELS.get(series.metric, clean_text(series.metric).replace("_", " "))
    values = series.values
    if not values:
        return Text(label, style="bold"), Text("no data in this window", style="dim"), Text("")
    # Percentages keep their fixed 0-100 scale, so 5 % never looks like a full bar.
    bounds = (0.0, 100.0) if series.unit == "percent" else (None, None)
    line = sparkline(values, width, low=bounds[0], high=bounds[1])
    return Text(label, style="bold"), Text(line, style="cyan"), Text(format_value(values[-1], series.unit))


def analytics_table(analytics: Analytics, width: int = DEFAULT_WIDTH) -> Table | Text:
    """Return a grid with one sparkline row per series, or a note when there are none."""
    if not analytics.series:
        return Text("No analytics for this item.", style="dim")
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, justify="right")
    for series in analytics.series:
        table.add_row(*series_row(series, width))
    return table
