"""The zip writer writes what :mod:`zipfile` writes, and deflates a repeated member once."""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from datetime import datetime

import pytest

from briefconv.writers import _zip
from briefconv.writers._zip import Packed, deflated, keep, normalize_zip, packed_form, write_zip

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


def test_a_kept_deflated_form_is_used_once_checked() -> None:
    """A member's deflated form read back from the disk is stored instead of deflating it."""
    data = os.urandom(24) * 2048
    found = packed_form(data)
    assert found is not None
    assert zlib.decompress(found.deflated, -15) == data
    # In another process (a new cache here), the kept form is what the zip stores.
    other = os.urandom(24) * 2048
    made = packed_form(other)
    assert made is not None
    fresh = Packed(made.crc, bytes(bytearray(made.deflated)), made.check)
    _zip._CACHE._entries.pop(other)
    assert keep(bytes(bytearray(other)), fresh)
    assert deflated(other)[1] is fresh.deflated
    # Too small to keep: not worth a place on disk.
    assert packed_form(b"<w:p/>") is None


@pytest.mark.parametrize("damage", ["deflated bytes", "member"])
def test_a_damaged_deflated_form_is_refused(damage: str) -> None:
    data = os.urandom(24) * 2048
    made = packed_form(data)
    assert made is not None
    _zip._CACHE._entries.pop(data)
    if damage == "deflated bytes":
        flipped = bytearray(made.deflated)
        flipped[len(flipped) // 2] ^= 0x40
        bad, member = Packed(made.crc, bytes(flipped), made.check), data
    else:  # kept for other bytes than the member's
        bad, member = made, data[:-1] + bytes([data[-1] ^ 1])
    assert not keep(member, bad)
    # Deflated as if nothing had been kept: zipfile's bytes.
    assert deflated(member)[1] == zlib.compress(member, 9)[2:-4]
    assert write_zip([("m", member)], WHEN) == _by_zipfile([("m", member)], WHEN, set())
