"""The refresh schedule: stretching on unchanged data, reset on change, degraded probes."""

from __future__ import annotations

from outpost_tui.polling import (
    FAILURES_BEFORE_DEGRADED,
    MAX_INTERVAL,
    PROBE_INTERVALS,
    PollPolicy,
)


def test_unchanged_data_stretches_interval():
    policy = PollPolicy(base_interval=5.0)
    delays = []
    for _ in range(10):
        policy.record_data(changed=False)
        delays.append(policy.next_delay())
    assert delays == sorted(delays)
    assert delays[0] > 5.0
    assert delays[-1] <= MAX_INTERVAL


def test_change_resets_interval():
    policy = PollPolicy(base_interval=5.0)
    for _ in range(5):
        policy.record_data(changed=False)
    policy.record_data(changed=True)
    assert policy.next_delay() == 5.0


def test_user_action_resets_interval():
    policy = PollPolicy(base_interval=5.0)
    for _ in range(5):
        policy.record_data(changed=False)
    policy.user_acted()
    assert policy.next_delay() == 5.0


def test_failures_enter_degraded_mode():
    policy = PollPolicy(base_interval=5.0)
    for _ in range(FAILURES_BEFORE_DEGRADED):
        policy.record_failure()
    assert policy.degraded
    probes = []
    for _ in range(5):
        probes.append(policy.next_delay())
        policy.record_probe_failure()
    assert probes == [30.0, 60.0, 300.0, 300.0, 300.0]
    assert tuple(probes[:3]) == PROBE_INTERVALS


def test_success_leaves_degraded_mode():
    policy = PollPolicy(base_interval=5.0)
    for _ in range(FAILURES_BEFORE_DEGRADED):
        policy.record_failure()
    policy.record_data(changed=True)
    assert not policy.degraded
    assert policy.next_delay() == 5.0


def test_interval_steps_through_choices():
    policy = PollPolicy(base_interval=5.0)
    assert policy.step_interval(+1) == 10.0
    assert policy.step_interval(+1) == 30.0
    assert policy.step_interval(-1) == 10.0
    for _ in range(6):
        policy.step_interval(-1)
    assert policy.base_interval == 2.0
