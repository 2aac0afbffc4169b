"""Rewrite zip containers (DOCX, EPUB) so the same content gives the same bytes.

python-docx and ebooklib stamp every member with the current time and leave member order
to chance (PITFALLS 4). Here every member gets the document's date, fixed permissions,
deflate at a fixed level, and a stable order; EPUB's ``mimetype`` goes first, stored.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

__all__ = ["normalize_zip"]


def normalize_zip(data: bytes, when: datetime, *, first: tuple[str, ...] = ()) -> bytes:
    """Return ``data`` (a zip) rewritten deterministically.

    Members named in ``first`` come first in that order and are stored uncompressed (EPUB
    requires this of ``mimetype``); the rest keep their original relative order.
    """
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        names = src.namelist()
        ordered = [n for n in first if n in names] + [n for n in names if n not in first]
        with zipfile.ZipFile(out, "w") as dst:
            for name in ordered:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.create_system = 3  # Unix, so the attributes below mean the same everywhere
                info.external_attr = 0o100644 << 16
                if name in first:
                    info.compress_type = zipfile.ZIP_STORED
                    dst.writestr(info, src.read(name))
                else:
                    info.compress_type = zipfile.ZIP_DEFLATED
                    dst.writestr(info, src.read(name), compresslevel=9)
    return out.getvalue()
