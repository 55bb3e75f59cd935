"""Export files: PNG, PDF (A4 landscape, vector) and PPTX (16:9), written atomically.

A file appears under its final name only when it is complete: bytes go to a hidden
temporary file in the same folder, which is renamed at the end and removed on any
error, so a failed export never leaves a partial file behind.
"""

from __future__ import annotations

import errno
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image, PngImagePlugin

from dashboard.export.render import A4_LANDSCAPE, RC, SLIDE_PICTURE, ExportError, draw
from dashboard.export.snapshot import Snapshot


def _file_mode() -> int:
    """Permissions a plain `open()` would give a new file (mkstemp makes 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


FILE_MODE = _file_mode()
PNG_DPI = 200  # A4 landscape at 200 dpi: 2339 × 1654 px
SLIDE_DPI = 220


@dataclass(frozen=True)
class Format:
    key: str
    label: str
    mime: str


FORMATS = {
    f.key: f
    for f in (
        Format("png", "Ảnh PNG", "image/png"),
        Format("pdf", "PDF (A4 ngang)", "application/pdf"),
        Format(
            "pptx",
            "PowerPoint (16:9)",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
    )
}


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ExportError(f"Định dạng '{fmt}' không hỗ trợ; chọn một trong: {', '.join(FORMATS)}.")
    return fmt


def format_for(path: str | os.PathLike, fmt: str | None) -> str:
    """The format named by `fmt`, else by the file's extension; they must agree."""
    ext = Path(path).suffix.lower().lstrip(".")
    if fmt is None:
        if ext not in FORMATS:
            raise ExportError(
                f"Không biết định dạng của tệp '{path}': dùng đuôi .png, .pdf hoặc .pptx, "
                "hoặc chỉ rõ --format."
            )
        return ext
    fmt = check_format(fmt.lower())
    if ext and ext != fmt and ext in FORMATS:
        raise ExportError(
            f"Tệp '{path}' có đuôi .{ext} nhưng định dạng là {fmt}: sửa một trong hai."
        )
    return fmt


def _rgb_png(fig, dpi: int, meta: dict[str, str]) -> bytes:
    """Render to an opaque RGB PNG (slides and reports do not want an alpha channel)."""
    canvas = FigureCanvasAgg(fig)
    fig.set_dpi(dpi)
    with mpl.rc_context(RC):
        canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    img = Image.fromarray(rgba[..., :3].copy(), "RGB")
    info = PngImagePlugin.PngInfo()
    for k, v in meta.items():
        info.add_itxt(k, v)
    out = io.BytesIO()
    img.save(out, format="PNG", pnginfo=info, dpi=(dpi, dpi), compress_level=6)
    return out.getvalue()


def _meta(snap: Snapshot) -> dict[str, str]:
    return {
        "Title": snap.title,
        "Description": " · ".join(snap.subtitle),
        "Software": "antt-map",
        "Creation Time": snap.exported_at.isoformat(),
    }


def picture_png(snap: Snapshot, layout, dpi: int) -> bytes:
    """The view drawn on `layout` as an opaque PNG (a slide's or a report's picture)."""
    return _rgb_png(draw(snap, layout), dpi, _meta(snap))


def png_bytes(snap: Snapshot) -> bytes:
    return _rgb_png(draw(snap, A4_LANDSCAPE), PNG_DPI, _meta(snap))


def pdf_bytes(snap: Snapshot) -> bytes:
    fig = draw(snap, A4_LANDSCAPE)
    out = io.BytesIO()
    with mpl.rc_context(RC):
        fig.savefig(
            out,
            format="pdf",
            metadata={
                "Title": snap.title,
                "Subject": " · ".join(snap.subtitle),
                "Creator": "antt-map",
                "CreationDate": snap.exported_at.astimezone(),
            },
        )
    return out.getvalue()


def pptx_bytes(snap: Snapshot) -> bytes:
    from dashboard.export.slide import slide_bytes

    return slide_bytes(snap, picture_png(snap, SLIDE_PICTURE, SLIDE_DPI))


WRITERS = {"png": png_bytes, "pdf": pdf_bytes, "pptx": pptx_bytes}


def export_bytes(snap: Snapshot, fmt: str) -> bytes:
    return WRITERS[check_format(fmt)](snap)


def check_writable(path: str | os.PathLike) -> Path:
    """Fail early, with a message that says what to fix, when `path` cannot be written."""
    p = Path(path)
    if p.is_dir():
        raise ExportError(f"'{p}' là một thư mục: cần tên tệp, ví dụ {p / 'ban-do.png'}.")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise ExportError(
            f"Thư mục '{parent}' không tồn tại: tạo thư mục trước hoặc chọn nơi lưu khác."
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ExportError(f"Không có quyền ghi vào thư mục '{parent}': chọn nơi lưu khác.")
    if p.exists() and not os.access(p, os.W_OK):
        raise ExportError(f"Tệp '{p}' đã có và không được phép ghi đè: chọn tên khác.")
    return p


def write_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write `data` to `path` completely or not at all."""
    p = check_writable(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".part", dir=p.parent or ".")
    except OSError as err:
        raise ExportError(f"Không ghi được vào thư mục '{p.parent}': {err.strerror}.") from err
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, p)
    except BaseException as err:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, OSError):
            why = "đĩa đầy" if err.errno == errno.ENOSPC else (err.strerror or str(err))
            raise ExportError(
                f"Không ghi được tệp '{p}' ({why}); không có tệp nào được tạo."
            ) from err
        raise
    return p


def write_export(snap: Snapshot, path: str | os.PathLike, fmt: str | None = None) -> Path:
    """Render `snap` in the format of `path` (or `fmt`) and write it atomically."""
    check_writable(path)
    fmt = format_for(path, fmt)
    return write_atomic(path, export_bytes(snap, fmt))
