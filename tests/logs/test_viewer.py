"""The log viewer end to end: the demo server streams into the app, driven with Pilot."""

from __future__ import annotations

from textual.app import App, ComposeResult

from outpost_tui.app import Target
from outpost_tui.models import LogLine
from outpost_tui.screens.logs import LogScreen
from outpost_tui.screens.modals.log_line import LogLineScreen
from outpost_tui.widgets.log_buffer import LEVEL, SEQ, TEXT, Level, compile_pattern
from outpost_tui.widgets.log_view import LogView

from ..conftest import make_app
from ..ui.helpers import screen_text, wait_for
from .conftest import assert_contiguous

SIZE = (150, 45)
LONG_JOB = "finetune-llama-3-r1"


def finished_job(server) -> str:
    """A seeded job that ran and succeeded, whose log no longer changes."""
    return next(
        record["name"]
        for record in server.state.jobs["acme"].values()
        if record["status"] == "succeeded" and record["started_at"] is not None
    )


async def open_log(pilot, app) -> LogScreen:
    await wait_for(pilot, lambda: isinstance(app.screen, LogScreen) and len(app.screen.log_view.buffer) > 0)
    return app.screen


def view_seqs(view: LogView) -> list[int]:
    return [entry[SEQ] for entry in view.buffer.entries()]


async def type_into_prompt(pilot, text: str) -> None:
    prompt = pilot.app.screen.query_one("#log-prompt")
    prompt.value = text
    await pilot.press("enter")


async def test_deep_link_streams_live(log_server):
    app = make_app(log_server, target=Target("jobs", LONG_JOB, "logs"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_log(pilot, app)
        view = screen.log_view
        await wait_for(pilot, lambda: "live" in screen_text(app) and len(view.buffer) > 200)

        assert view.following
        assert_contiguous(view_seqs(view))
        newest = view.buffer.last_entry
        await wait_for(pilot, lambda: view.scroll_y >= view.max_scroll_y)
        assert "0 dropped" in screen_text(app)
        assert newest[SEQ] > 1000


async def test_key_opens_highlighted_log(log_server):
    app = make_app(log_server, target=Target("jobs"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.table.row_count > 0)
        highlighted = app.screen.table.highlighted_key
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, LogScreen))

        assert app.screen.item_name == highlighted
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, LogScreen))


async def test_scroll_up_pauses_and_counts(log_server):
    app = make_app(log_server, target=Target("jobs", LONG_JOB, "logs"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_log(pilot, app)
        view = screen.log_view
        await pilot.press("up", "up")
        paused_on = view.cursor_entry

        await wait_for(pilot, lambda: view.new_lines > 50 and "new lines" in screen_text(app))
        assert not view.following
        assert view.cursor_entry == paused_on

        await pilot.press("F")
        await wait_for(pilot, lambda: view.following and view.new_lines == 0)
        assert view.cursor is None


async def test_scroll_bar_pauses(log_server):
    app = make_app(log_server, target=Target("jobs", LONG_JOB, "logs"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_log(pilot, app)
        view = screen.log_view
        await wait_for(pilot, lambda: len(view.buffer) > 200 and view.scroll_y > 10)
        # The wheel and the scroll bar move scroll_y the way this does.
        view.scroll_to(y=view.scroll_y - 5, animate=False)

        await wait_for(pilot, lambda: not view.following)
        assert view.cursor is None
        view.scroll_to(y=view.max_scroll_y, animate=False)
        await wait_for(pilot, lambda: view.following)


async def test_dropped_stream_leaves_no_gap(log_server):
    log_server.faults.drop_streams_after_lines = 150
    app = make_app(log_server, target=Target("jobs", LONG_JOB, "logs"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_log(pilot, app)
        view = screen.log_view
        await wait_for(pilot, lambda: screen.source.connections >= 3 and len(view.buffer) > 600, timeout=20)

        assert_contiguous(view_seqs(view))
        assert screen.source.missed == 0
        assert "0 dropped" in screen_text(app)


class HostileApp(App):
    def compose(self) -> ComposeResult:
        yield LogView(id="log")


async def test_escape_sequences_render_inert():
    hostile = [
        "\x1b]0;pwned\x07\x1b[31mred\x1b[0m [bold]markup[/bold] [@click=app.quit]x[/]",
        "\x1b[2J\x1b[H\x9b2Jcleared? \u202eevil\u202c \x07bell",
        "\x1bP+q544e\x1b\\dcs \x1b_apc\x1b\\ tail",
    ]
    app = HostileApp()
    async with app.run_test(size=(100, 10)) as pilot:
        view = app.query_one(LogView)
        view.write_lines([LogLine(seq=index, message=text) for index, text in enumerate(hostile, 1)])
        await wait_for(pilot, lambda: len(view.buffer) == 3)
        await pilot.pause()
        rendered = [view.render_line(row).text for row in range(3)]

        for text in rendered:
            assert not any(ord(char) < 32 or 0x7F <= ord(char) < 0xA0 for char in text)
            assert "\u202e" not in text
        assert rendered[0].startswith("red [bold]markup[/bold] [@click=app.quit]x[/]")
        assert "cleared?" in rendered[1]
        assert rendered[2].startswith("dcs  tail")
        assert "[bold]markup" in screen_text(app)


async def test_megabyte_line_stays_responsive(log_server):
    app = make_app(log_server, target=Target("jobs", finished_job(log_server), "logs"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_log(pilot, app)
        await wait_for(pilot, lambda: screen.status.state.value == "ended")
        view = screen.log_view
        huge = "0123456789abcdef" * 65536
        view.write_lines([LogLine(seq=10**9, message=huge)])
        await wait_for(pilot, lambda: view.buffer.last_entry[TEXT] == huge)

        await pilot.press("t", "t", "w")
        await wait_for(pilot, lambda: "more characters; enter shows the whole line" in screen_text(app))
        assert len(view.display_text(view.buffer.last_entry)) < 3000
        await pilot.press("w")

        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LogLineScreen))
        dialog_log = app.screen.query_one("#log-line-text")
        assert sum(len(row) for row in dialog_log.lines) == len(huge)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, LogScreen))


async def test_search_moves_between_matches(log_server):
    app = make_app(log_server, target=Target("jobs", finished_job(log_server), "logs"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_log(pilot, app)
        await wait_for(pilot, lambda: screen.status.state.value == "ended")
        view = screen.log_view
        total = view.buffer.view_length
        await pilot.press("slash")
        await type_into_prompt(pilot, "shard")
        await wait_for(pilot, lambda: view.cursor is not None)

        matches = len(view.buffer.matches)
        assert 0 < matches < total
        first = view.cursor
        assert "shard" in view.cursor_entry[TEXT]
        await pilot.press("n")
        assert view.cursor > first
        await pilot.press("N")
        assert view.cursor == first
        assert view.buffer.view_length == total
        await wait_for(pilot, lambda: f"of {matches:,}" in screen_text(app))


async def test_filter_invert_and_level(log_server):
    app = make_app(log_server, target=Target("jobs", finished_job(log_server), "logs"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_log(pilot, app)
        await wait_for(pilot, lambda: screen.status.state.value == "ended")
        view = screen.log_view
        total = view.buffer.view_length
        await pilot.press("f")
        await type_into_prompt(pilot, r"loss \d\.9")

        shown = [entry[TEXT] for entry in view.buffer.view_entries()]
        assert 0 < len(shown) < total
        assert all("loss 0.9" in text or "loss 1.9" in text or "loss 2.9" in text for text in shown)

        await pilot.press("v")
        inverted = [entry[TEXT] for entry in view.buffer.view_entries()]
        assert len(inverted) == total - len(shown)
        assert "inverted" in screen_text(app)

        await pilot.press("f")
        await type_into_prompt(pilot, "")
        assert view.buffer.view_length == total
        await pilot.press("e")
        assert all(entry[LEVEL] >= Level.WARNING for entry in view.buffer.view_entries())
        await pilot.press("e")
        errors = list(view.buffer.view_entries())
        assert errors and all(entry[LEVEL] == Level.ERROR for entry in errors)
        await pilot.press("e")
        assert view.buffer.view_length == total


async def test_invalid_filter_keeps_prompt(log_server):
    app = make_app(log_server, target=Target("jobs", finished_job(log_server), "logs"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_log(pilot, app)
        await pilot.press("f")
        await type_into_prompt(pilot, "loss (")

        assert screen.query_one("#log-prompt").has_focus
        assert not screen.log_view.buffer.filter.active


async def test_save_whole_and_filtered(log_server, tmp_path):
    app = make_app(log_server, target=Target("jobs", finished_job(log_server), "logs"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_log(pilot, app)
        await wait_for(pilot, lambda: screen.status.state.value == "ended")
        view = screen.log_view
        whole = tmp_path / "whole.log"
        await pilot.press("s")
        assert screen.query_one("#log-prompt").value.endswith(".log")
        await type_into_prompt(pilot, str(whole))
        await wait_for(pilot, lambda: whole.exists())
        saved = whole.read_text(encoding="utf-8").splitlines()
        assert saved == [entry[TEXT] for entry in view.buffer.entries()]

        await pilot.press("f")
        await type_into_prompt(pilot, "loss")
        await pilot.press("t")
        shown = tmp_path / "shown.log"
        await pilot.press("S")
        await type_into_prompt(pilot, str(shown))
        await wait_for(pilot, lambda: shown.exists())
        lines = shown.read_text(encoding="utf-8").splitlines()
        assert len(lines) == view.buffer.view_length < len(saved)
        assert all(line.endswith(entry[TEXT]) for line, entry in zip(lines, view.buffer.view_entries()))
        assert lines[0][:4].isdigit()
        assert " stdout " in lines[0]


async def test_save_asks_before_replacing(log_server, tmp_path):
    app = make_app(log_server, target=Target("jobs", finished_job(log_server), "logs"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_log(pilot, app)
        await wait_for(pilot, lambda: screen.status.state.value == "ended")
        target = tmp_path / "job.log"
        target.write_text("old\n", encoding="utf-8")
        await pilot.press("s")
        await type_into_prompt(pilot, str(target))
        await pilot.pause(0.2)
        assert target.read_text(encoding="utf-8") == "old\n"

        await pilot.press("enter")
        await wait_for(pilot, lambda: target.read_text(encoding="utf-8") != "old\n")


async def test_ring_buffer_limit(log_server):
    app = make_app(log_server, target=Target("jobs", LONG_JOB, "logs"))
    app.log_buffer_lines = 1000
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_log(pilot, app)
        view = screen.log_view
        await wait_for(pilot, lambda: view.buffer.evicted > 300)

        assert len(view.buffer) == 1000
        assert_contiguous(view_seqs(view))
        await wait_for(pilot, lambda: "older discarded, limit 1,000" in screen_text(app))


async def test_copy_line(log_server):
    app = make_app(log_server, target=Target("jobs", finished_job(log_server), "logs"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_log(pilot, app)
        await wait_for(pilot, lambda: screen.status.state.value == "ended")
        await pilot.press("up", "up", "c")

        assert app.clipboard == screen.log_view.cursor_entry[TEXT]


async def test_jump_to_time(log_server):
    app = make_app(log_server, target=Target("jobs", finished_job(log_server), "logs"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_log(pilot, app)
        await wait_for(pilot, lambda: screen.status.state.value == "ended")
        view = screen.log_view
        moment = view.buffer.view_entry(10)[1]
        await pilot.press("g")
        await type_into_prompt(pilot, moment.isoformat())

        assert view.cursor == view.buffer.index_at_time(moment)
        assert view.buffer.view_entry(view.cursor)[1] == moment


async def test_wrap_shows_long_lines_whole(log_server):
    app = make_app(log_server, target=Target("jobs", finished_job(log_server), "logs"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_log(pilot, app)
        await wait_for(pilot, lambda: screen.status.state.value == "ended")
        view = screen.log_view
        view.write_lines([LogLine(seq=10**9, message="w" * 1000)])
        await wait_for(pilot, lambda: view.buffer.last_entry[TEXT] == "w" * 1000)
        rows_before = view.virtual_size.height
        await pilot.press("w")

        assert view.virtual_size.height >= rows_before + 1000 // view.scrollable_content_region.width
        assert "wrap on" in screen_text(app)


async def test_service_log_refreshes(log_server):
    running = next(record["name"] for record in log_server.state.services["acme"].values()
                   if record["status"] == "running")
    app = make_app(log_server, target=Target("services", running, "logs"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_log(pilot, app)
        await wait_for(pilot, lambda: "refreshed" in screen_text(app))

        assert screen.item_name == running
        assert_contiguous(view_seqs(screen.log_view))


async def test_search_highlights_matches():
    app = HostileApp()
    async with app.run_test(size=(100, 10)) as pilot:
        view = app.query_one(LogView)
        view.write_lines([LogLine(seq=1, message="warn: cache miss for shard 3, shard 4")])
        await wait_for(pilot, lambda: len(view.buffer) == 1)
        view.set_search(compile_pattern("shard", regex=False))
        await pilot.pause()
        segments = list(view.render_line(0))
        highlighted = [segment.text for segment in segments if segment.style and segment.style.bold]

        assert highlighted == ["shard", "shard"]
        assert "".join(segment.text for segment in segments).startswith("warn: cache miss for shard 3, shard 4")


async def test_paused_line_survives_eviction(log_server):
    app = make_app(log_server, target=Target("jobs", LONG_JOB, "logs"))
    app.log_buffer_lines = 1000
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_log(pilot, app)
        view = screen.log_view
        await wait_for(pilot, lambda: len(view.buffer) == 1000)
        await pilot.press("up")
        paused_on = view.cursor_entry
        index = view.cursor
        evicted = view.buffer.evicted
        await wait_for(pilot, lambda: view.buffer.evicted > evicted + 100)

        assert view.cursor_entry == paused_on
        assert view.cursor < index
        assert view.cursor_entry[SEQ] == paused_on[SEQ]
