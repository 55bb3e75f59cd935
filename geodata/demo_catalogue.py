"""Demo vocabulary: model types and the model names quoted in the source articles."""

from __future__ import annotations

# Model type (loại mô hình) -> model names from the seeds that belong to it.
MODEL_TYPES: dict[str, tuple[str, ...]] = {
    "Tự quản khu dân cư": (
        "Tổ liên gia tự quản",
        "Dân phòng tự quản",
        "Dòng họ tự quản",
        "Tổ giáo dân tự quản về ANTT",
        "Nhà trọ tự quản",
    ),
    "Phòng, chống tội phạm": (
        "Tiếng kẻng vây bắt tội phạm",
        "Tổ công nhân đường phố phòng, chống tội phạm",
        "Mô hình 5+1",
    ),
    "Camera và truyền thông ANTT": (
        "Camera giám sát tình hình an ninh, trật tự",
        "Tiếng loa về ANTT",
        "Cổng ANTT",
    ),
    "Nghề nghiệp, vận tải tự quản": (
        "Xe ôm tự quản",
        "Tổ tài xế taxi tự quản về ANTT",
        "Tổ tự quản rừng phòng hộ về ANTT",
    ),
    "Nhà trường, thanh thiếu niên": (
        "Nhà trường an toàn không ma túy",
        "Câu lạc bộ Người hoàn lương",
    ),
    "Hòa giải ở cơ sở": ("Tổ hòa giải",),
}
TYPE_NAMES = tuple(MODEL_TYPES)

# Years the demo covers (status rows); models may have started a few years earlier.
FIRST_YEAR, LAST_YEAR = 2014, 2026
FIRST_MODEL_YEAR = 2008
REFORM_YEAR = 2025  # periods ending in or after 2025 are shown on vn-2025 units
