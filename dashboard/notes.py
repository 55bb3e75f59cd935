"""The warnings a map carries about its own data, worded once for page, map and exports.

Each note appears only while it is true: approximate boundaries until official ones are
imported for the units shown, demo figures until the demo rows are replaced.
"""

from __future__ import annotations

APPROXIMATE_NOTE = (
    "Ranh giới xấp xỉ (dựng từ tâm xã), không phải ranh giới chính thức; "
    "không dùng để xác định địa giới hành chính."
)
DEMO_NOTE = "Có số liệu mẫu của ứng dụng (không phải số liệu thật)."


def data_notes(approximate: bool, demo: bool) -> tuple[str, ...]:
    """The notes that apply to a view, in the order they are shown."""
    return tuple(
        note for note, applies in ((APPROXIMATE_NOTE, approximate), (DEMO_NOTE, demo)) if applies
    )
