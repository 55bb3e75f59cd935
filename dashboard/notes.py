"""The warnings a map carries about its own data, worded once for page, map and exports.

Each note appears only while it is true: approximate boundaries while anything drawn is
approximate (a unit shown, or a province outline drawn over them that is not yet derived
from official units: `ViewResult.approximate`), demo figures until the demo rows are
replaced.
"""

from __future__ import annotations

APPROXIMATE_NOTE = (
    "Ranh giới xấp xỉ (dựng từ tâm xã), không phải ranh giới chính thức; "
    "không dùng để xác định địa giới hành chính."
)
DEMO_NOTE = "Có số liệu mẫu của ứng dụng (không phải số liệu thật)."
# on the map itself: one short line, so the note does not hide the south of the country
SHORT = {APPROXIMATE_NOTE: "Ranh giới xấp xỉ, không chính thức", DEMO_NOTE: "số liệu mẫu"}


def data_notes(approximate: bool, demo: bool) -> tuple[str, ...]:
    """The notes that apply to a view, in the order they are shown."""
    return tuple(
        note for note, applies in ((APPROXIMATE_NOTE, approximate), (DEMO_NOTE, demo)) if applies
    )


def map_note(notes: tuple[str, ...]) -> str:
    """The notes as the one line drawn on the map ("" when none applies)."""
    text = " · ".join(SHORT.get(n, n) for n in notes)
    return f"⚠ {text[0].upper()}{text[1:]}" if text else ""
