"""Key rotation that keeps at least one working stored credential at every step."""

from .engine import KeyRotation, RotationRefused, guidance_for_external, unique_name
from .journal import Journal, JournalError, Phase, journal_path, load_journal
from .report import Outcome, RotationReport, Step, StepState

__all__ = [
    "Journal", "JournalError", "KeyRotation", "Outcome", "Phase", "RotationRefused",
    "RotationReport", "Step", "StepState", "guidance_for_external", "journal_path",
    "load_journal", "unique_name",
]
