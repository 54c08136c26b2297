"""The refresh schedule of the visible screen: intervals, back-off and degraded mode.

The policy is plain Python so it can be tested without a terminal. A screen takes the
delay before its next request from :meth:`PollPolicy.next_delay` and records each outcome.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Refresh intervals the user can step through from the keyboard, in seconds.
INTERVAL_CHOICES = (2.0, 5.0, 10.0, 30.0, 60.0)
DEFAULT_INTERVAL = 5.0
# Unchanged data stretches the interval by this factor, up to STRETCH_LIMIT × the base
# interval and never above MAX_INTERVAL.
STRETCH_FACTOR = 1.5
STRETCH_LIMIT = 6.0
MAX_INTERVAL = 60.0
# After this many failed refreshes in a row the screen stops polling and only probes.
FAILURES_BEFORE_DEGRADED = 3
# Probe intervals in degraded mode; the last one repeats.
PROBE_INTERVALS = (30.0, 60.0, 300.0)


@dataclass
class PollPolicy:
    """The refresh schedule of one screen."""

    # Read at creation, not import, so a test can shorten the module's default.
    base_interval: float = field(default_factory=lambda: DEFAULT_INTERVAL)
    interval: float = field(init=False)
    paused: bool = False
    failures: int = 0
    probes: int = 0

    def __post_init__(self) -> None:
        self.interval = self.base_interval

    @property
    def degraded(self) -> bool:
        return self.failures >= FAILURES_BEFORE_DEGRADED

    def next_delay(self) -> float:
        """Seconds until the next request: the refresh interval, or the probe interval."""
        if self.degraded:
            return PROBE_INTERVALS[min(self.probes, len(PROBE_INTERVALS) - 1)]
        return self.interval

    def record_data(self, changed: bool) -> None:
        """Record a successful refresh: unchanged data stretches the interval, a change resets it."""
        self.failures = 0
        self.probes = 0
        if changed:
            self.interval = self.base_interval
        else:
            ceiling = min(self.base_interval * STRETCH_LIMIT, max(MAX_INTERVAL, self.base_interval))
            self.interval = min(self.interval * STRETCH_FACTOR, ceiling)

    def record_failure(self) -> None:
        self.failures += 1

    def record_probe_failure(self) -> None:
        self.probes += 1

    def user_acted(self) -> None:
        """Restart from the base interval, because a key press wants fresh data."""
        self.interval = self.base_interval

    def step_interval(self, direction: int) -> float:
        """Move the base interval to the next longer (+1) or shorter (-1) choice."""
        choices = INTERVAL_CHOICES
        index = min(range(len(choices)), key=lambda i: abs(choices[i] - self.base_interval))
        index = max(0, min(len(choices) - 1, index + direction))
        self.base_interval = choices[index]
        self.interval = self.base_interval
        return self.base_interval
