"""The log buffer alone: ring limits, levels, filters, search and saving."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from outpost_tui.cli import build_parser
from outpost_tui.log_files import (
    default_save_path,
    format_saved,
    parse_jump_time,
    resolve_save_path,
    write_log_file,
)
from outpost_tui.models import LogLine
from outpost_tui.widgets.log_buffer import (
    LEVEL,
    SEQ,
    TEXT,
    EntryMaker,
    Level,
    LogBuffer,
    LogFilter,
    classify,
    compile_pattern,
)

from .conftest import make_lines


def filled(count: int) -> LogBuffer:
    buffer = LogBuffer()
    buffer.append(EntryMaker().make(make_lines(count)))
    return buffer


def test_ring_keeps_newest_lines():
    buffer = LogBuffer(capacity=1000)
    maker = EntryMaker()
    for start in range(1, 2501, 500):
        buffer.append(maker.make(make_lines(500, first_seq=start)))

    assert len(buffer) == 1000
    assert buffer.evicted == 1500
    assert buffer.view_entry(0)[SEQ] == 1501
    assert buffer.view_entry(999)[SEQ] == 2500


def test_ring_character_limit():
    buffer = LogBuffer(capacity=1000, max_chars=10_000)
    buffer.append(EntryMaker().make(make_lines(100, message="x" * 1000 + "{seq}")))

    assert len(buffer) < 100
    assert sum(len(entry[TEXT]) for entry in buffer.entries()) <= 10_000
    assert buffer.view_entry(buffer.view_length - 1)[SEQ] == 100


def test_ring_keeps_one_huge_line():
    buffer = LogBuffer(capacity=10, max_chars=100)
    buffer.append(EntryMaker().make(make_lines(1, message="y" * 1000)))

    assert len(buffer) == 1


def test_capacity_below_one_rejected():
    with pytest.raises(ValueError, match="capacity 0"):
        LogBuffer(capacity=0)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("epoch 1 step 3 loss 0.91", Level.INFO),
        ("warn: cache miss for shard 3", Level.WARNING),
        ("UserWarning: TypedStorage is deprecated", Level.WARNING),
        ("ConnectionResetError: [Errno 104] reset by peer", Level.ERROR),
        ("Traceback (most recent call last):", Level.ERROR),
        ("ERROR could not open checkpoint", Level.ERROR),
        ("2026-05-02 09:14:06 WARNING disk 91% full", Level.WARNING),
        ("INFO retried after the error above", Level.INFO),
        ("warn: worker restarted after the error above", Level.WARNING),
        ("stderr is redirected", Level.INFO),
    ],
)
def test_classify_levels(text, level):
    assert classify(text, None) == level


def test_stack_trace_frames_inherit_level():
    lines = [
        LogLine(seq=1, stream="stderr", message="Traceback (most recent call last):"),
        LogLine(seq=2, stream="stdout", message="  progress 3/8"),
        LogLine(seq=3, stream="stderr", message='  File "/workspace/train.py", line 412'),
        LogLine(seq=4, stream="stderr", message="    main()"),
        LogLine(seq=5, stream="stderr", message="RuntimeError: CUDA error"),
    ]
    levels = [entry[LEVEL] for entry in EntryMaker().make(lines)]

    assert levels == [Level.ERROR, Level.INFO, Level.ERROR, Level.ERROR, Level.ERROR]


def test_entries_are_sanitized():
    lines = [LogLine(seq=1, message="\x1b]0;pwned\x07\x1b[31mred\x1b[0m \u202eevil\x9b2J [b]x[/b]")]
    text = EntryMaker().make(lines)[0][TEXT]

    assert "\x1b" not in text
    assert "\x9b" not in text
    assert "\u202e" not in text
    assert text.startswith("red ")
    assert "[b]x[/b]" in text


def test_carriage_return_keeps_last_part():
    lines = [LogLine(seq=1, message="\r 10%|█ |\r 55%|█████ | 550/1000"), LogLine(seq=2, message="done\r")]
    texts = [entry[TEXT] for entry in EntryMaker().make(lines)]

    assert texts == [" 55%|█████ | 550/1000", "done"]


def test_filter_regex_and_invert():
    buffer = filled(100)
    buffer.set_filter(LogFilter(compile_pattern(r"line \d*7$", regex=True)))
    shown = [entry[SEQ] for entry in buffer.view_entries()]
    assert shown == [7, 17, 27, 37, 47, 57, 67, 77, 87, 97]

    buffer.set_filter(LogFilter(compile_pattern(r"line \d*7$", regex=True), invert=True))
    assert buffer.view_length == 90
    assert 7 not in [entry[SEQ] for entry in buffer.view_entries()]


def test_filter_level_minimum():
    lines = [
        LogLine(seq=1, message="all good"),
        LogLine(seq=2, message="warn: slow"),
        LogLine(seq=3, message="ValueError: bad"),
    ]
    buffer = LogBuffer()
    buffer.append(EntryMaker().make(lines))

    buffer.set_filter(LogFilter(min_level=Level.WARNING))
    assert [entry[SEQ] for entry in buffer.view_entries()] == [2, 3]
    buffer.set_filter(LogFilter(min_level=Level.ERROR))
    assert [entry[SEQ] for entry in buffer.view_entries()] == [3]


def test_filter_applies_to_new_lines():
    buffer = LogBuffer()
    maker = EntryMaker()
    buffer.set_filter(LogFilter(compile_pattern("5", regex=False)))
    buffer.append(maker.make(make_lines(20)))

    assert [entry[SEQ] for entry in buffer.view_entries()] == [5, 15]


def test_filter_view_survives_eviction():
    buffer = LogBuffer(capacity=50)
    maker = EntryMaker()
    buffer.set_filter(LogFilter(compile_pattern("0$", regex=True)))
    buffer.append(maker.make(make_lines(100)))
    result = buffer.append(maker.make(make_lines(30, first_seq=101)))

    assert result.evicted == 3
    assert [entry[SEQ] for entry in buffer.view_entries()] == [90, 100, 110, 120, 130]


def test_search_counts_and_wraps():
    buffer = filled(30)
    buffer.set_search(compile_pattern("line 1", regex=False))

    assert len(buffer.matches) == 11  # 1 and 10-19
    first = buffer.next_match(-1)
    assert buffer.view_entry(first)[SEQ] == 1
    assert buffer.view_entry(buffer.next_match(first))[SEQ] == 10
    last = buffer.next_match(first, backwards=True)
    assert buffer.view_entry(last)[SEQ] == 19
    assert buffer.match_number(last) == 11


def test_search_smart_case():
    assert compile_pattern("loss", regex=False).search("LOSS 3")
    assert not compile_pattern("Loss", regex=False).search("loss 3")
    assert compile_pattern("a.c", regex=False).search("abc") is None


def test_index_at_time():
    buffer = filled(100)
    moment = buffer.view_entry(42)[1]

    assert buffer.index_at_time(moment) == 42
    assert buffer.index_at_time(moment + timedelta(microseconds=1)) == 43
    assert buffer.index_at_time(moment + timedelta(days=1)) == 100


def test_save_writes_whole_lines(tmp_path):
    long = "z" * 5000
    entries = EntryMaker().make(
        [LogLine(seq=1, timestamp=datetime(2026, 5, 2, 9, 14, 6, 500000, tzinfo=timezone.utc),
                 stream="stderr", message="warn: x"),
         LogLine(seq=2, message=long)]
    )
    path = tmp_path / "job.log"

    assert write_log_file(path, entries, timestamps=True) == 2
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[0] == "2026-05-02T09:14:06.500Z stderr warn: x"
    assert lines[1] == f"- stdout {long}"
    assert format_saved(entries[1], timestamps=False) == long
    assert not list(tmp_path.glob(".*partial"))


def test_save_path_checks(tmp_path):
    with pytest.raises(ValueError, match="Missing path"):
        resolve_save_path("  ")
    with pytest.raises(ValueError, match="is a folder"):
        resolve_save_path(str(tmp_path))
    with pytest.raises(ValueError, match="does not exist"):
        resolve_save_path(str(tmp_path / "missing" / "job.log"))
    assert resolve_save_path(str(tmp_path / "job.log")) == tmp_path / "job.log"


def test_default_save_path_name():
    moment = datetime(2026, 5, 2, 9, 14, 6, tzinfo=timezone.utc)
    path = default_save_path("eval/../x", filtered=True, now=moment)

    assert path.name == "eval_.._x-20260502-091406-shown.log"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:14", datetime(2026, 5, 2, 9, 14, tzinfo=timezone.utc)),
        ("9:14:06.5", datetime(2026, 5, 2, 9, 14, 6, 500000, tzinfo=timezone.utc)),
        ("23:50", datetime(2026, 5, 1, 23, 50, tzinfo=timezone.utc)),
        ("2026-04-30T08:00:00Z", datetime(2026, 4, 30, 8, tzinfo=timezone.utc)),
        ("2026-04-30T10:00:00+02:00", datetime(2026, 4, 30, 8, tzinfo=timezone.utc)),
        ("25:00", None),
        ("yesterday", None),
    ],
)
def test_parse_jump_time(text, expected):
    reference = datetime(2026, 5, 2, 12, 0, tzinfo=timezone.utc)
    assert parse_jump_time(text, reference) == expected


def test_log_buffer_option():
    parser = build_parser()

    assert parser.parse_args([]).log_buffer == 100_000
    assert parser.parse_args(["--log-buffer", "5000"]).log_buffer == 5000
    with pytest.raises(SystemExit):
        parser.parse_args(["--log-buffer", "5"])
    with pytest.raises(SystemExit):
        parser.parse_args(["--log-buffer", "many"])


def test_runtime_tuning_nests():
    import gc
    import sys

    from outpost_tui import runtime_tuning

    thresholds, interval = gc.get_threshold(), sys.getswitchinterval()
    runtime_tuning.tune_for_streaming()
    runtime_tuning.tune_for_streaming()
    tuned = gc.get_threshold()[0], sys.getswitchinterval()
    runtime_tuning.restore_defaults()
    still_tuned = gc.get_threshold()[0]
    runtime_tuning.restore_defaults()

    assert tuned == (max(thresholds[0], 10_000), min(interval, 0.001))
    assert still_tuned == tuned[0]
    assert gc.get_threshold() == thresholds
    assert sys.getswitchinterval() == interval


def test_row_index_wraps_and_evicts():
    from outpost_tui.widgets.log_rows import RowIndex

    rows = RowIndex()
    rows.rebuild(10, [5, 25, 10, 0])
    assert rows.count(4) == 6
    assert [rows.locate(row, 4) for row in range(7)] == [
        (0, 0), (1, 0), (1, 1), (1, 2), (2, 0), (3, 0), (None, 0),
    ]
    assert rows.evict(2) == 4
    rows.extend([11])
    assert rows.count(3) == 4
    assert rows.row_of(2) == 2
    assert rows.locate(3, 3) == (2, 1)


def test_row_index_without_wrap():
    from outpost_tui.widgets.log_rows import RowIndex

    rows = RowIndex()
    rows.rebuild(0, [500, 3])

    assert rows.count(2) == 2
    assert rows.locate(1, 2) == (1, 0)
    assert rows.locate(2, 2) == (None, 0)
    assert rows.evict(1) == 1
