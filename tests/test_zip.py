"""The zip writer writes what :mod:`zipfile` writes, and deflates a repeated member once."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import datetime

import pytest

from briefconv.writers._zip import deflated, normalize_zip, write_zip

WHEN = datetime(2026, 11, 26, 9, 30, 17)


def _by_zipfile(members: list[tuple[str, bytes]], when: datetime, stored: set[str]) -> bytes:
    """The reference: the same members written by zipfile's own writestr."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            if name in stored:
                info.compress_type = zipfile.ZIP_STORED
                dst.writestr(info, data)
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                dst.writestr(info, data, compresslevel=9)
    return out.getvalue()


MEMBERS = [
    ("mimetype", b"application/epub+zip"),
    ("[Content_Types].xml", b"<Types/>" * 40),
    ("empty", b""),
    ("word/styles.xml", b"<w:style w:styleId='Normal'/>" * 5000),  # kept in the cache
    ("word/fonts/font1.odttf", os.urandom(70_000)),  # does not compress
    ("OEBPS/\u0441\u0442\u0430\u0442\u0442\u044f.xhtml", "<p>Київ</p>".encode() * 300),
]


@pytest.mark.parametrize("when", [WHEN, datetime(1970, 1, 1), datetime(2107, 12, 31, 23, 59, 59)])
def test_write_zip_is_zipfiles_bytes(when: datetime) -> None:
    stored = {"mimetype"}
    expected = _by_zipfile(MEMBERS, when, stored)
    assert write_zip(MEMBERS, when, stored=stored) == expected
    # Twice: the second time the large members come from the cache.
    assert write_zip(MEMBERS, when, stored=stored) == expected
    with zipfile.ZipFile(io.BytesIO(expected)) as archive:
        assert archive.testzip() is None
        assert [(i.filename, archive.read(i)) for i in archive.infolist()] == MEMBERS


def test_normalize_zip_orders_and_stores_first() -> None:
    scrambled = io.BytesIO()
    with zipfile.ZipFile(scrambled, "w", zipfile.ZIP_DEFLATED) as src:
        for name, data in reversed(MEMBERS):
            src.writestr(name, data)
    got = normalize_zip(scrambled.getvalue(), WHEN, first=("mimetype",))
    order = [MEMBERS[0], *reversed(MEMBERS[1:])]
    assert got == _by_zipfile(order, WHEN, {"mimetype"})


def test_a_repeated_member_is_deflated_once() -> None:
    data = os.urandom(16) * 4096
    first = deflated(data)
    # An equal member of another document (another bytes object): the same deflated bytes,
    # not deflated again.
    again = deflated(bytes(bytearray(data)))
    assert again == first
    assert again[1] is first[1]
    # A small member is deflated every time (caching it would cost more than it saves).
    small = b"<w:p/>" * 10
    assert deflated(small)[1] is not deflated(bytes(bytearray(small)))[1]
