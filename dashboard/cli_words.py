"""The command line's own words in Vietnamese: argparse's headings, help line and
errors ("usage:", "options", "the following arguments are required", …).

argparse looks every one of its texts up through `gettext` (the module's `_` and
`ngettext`), which is how its messages are meant to be translated; a catalogue file
(.mo) would need a build step, so the few texts a user can meet are listed here and
argparse's look-up is pointed at them. Anything not listed stays as argparse wrote it.
"""

from __future__ import annotations

import argparse

VI = {
    "usage: ": "Cách dùng: ",
    "positional arguments": "lệnh và đối số",
    "options": "tùy chọn",
    "show this help message and exit": "hiện phần trợ giúp này rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "the following arguments are required: %s": "thiếu đối số bắt buộc: %s",
    "unrecognized arguments: %s": "không hiểu đối số: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "lựa chọn không hợp lệ: %(value)r (chọn một trong: %(choices)s)"
    ),
    "argument %(argument_name)s: %(message)s": "đối số %(argument_name)s: %(message)s",
    "expected one argument": "cần đúng một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "expected at most one argument": "cần nhiều nhất một giá trị",
    "ambiguous option: %(option)s could match %(matches)s": (
        "tùy chọn mơ hồ: %(option)s có thể là %(matches)s"
    ),
    "invalid %(type)s value: %(value)r": "giá trị %(type)s không hợp lệ: %(value)r",
    "not allowed with argument %s": "không dùng cùng đối số %s",
    "one of the arguments %s is required": "cần một trong các đối số %s",
    "ignored explicit argument %r": "bỏ qua giá trị %r",
    "can't open '%(filename)s': %(error)s": "không mở được '%(filename)s': %(error)s",
    "unexpected option string: %s": "tùy chọn không mong đợi: %s",
}
VI_PLURAL = {"expected %s argument": "cần %s giá trị"}


def _gettext(message: str) -> str:
    return VI.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    if singular in VI_PLURAL:
        return VI_PLURAL[singular]
    return singular if n == 1 else plural


def use_vietnamese() -> None:
    """Point argparse's message look-up at the Vietnamese texts (idempotent)."""
    argparse._ = _gettext  # type: ignore[attr-defined]
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]
