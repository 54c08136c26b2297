"""The API layer and the models must work without Textual, so scripts and tests can use them."""

from __future__ import annotations

import subprocess
import sys

import pytest

CHECK = """
import sys
import {module}
loaded = sorted(name for name in sys.modules if name == "textual" or name.startswith("textual."))
print(",".join(loaded))
"""


@pytest.mark.parametrize("module", ["outpost_tui.api", "outpost_tui.models", "outpost_tui.sanitize"])
def test_module_does_not_import_textual(module):
    result = subprocess.run(
        [sys.executable, "-c", CHECK.format(module=module)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
