"""Write zip containers (DOCX, EPUB) so the same content gives the same bytes.

python-docx and ebooklib stamp every member with the current time and leave member order
to chance (PITFALLS 4). Here every member gets the document's date, fixed permissions,
deflate at a fixed level, and a stable order; EPUB's ``mimetype`` goes first, stored.

:func:`write_zip` writes the members given (the DOCX writer's parts, as python-docx
would save them); :func:`normalize_zip` rewrites a finished zip (ebooklib's). Both write
exactly what :mod:`zipfile` writes for these members (``ZipFile.writestr`` with the
:class:`~zipfile.ZipInfo` below, deflate level 9), record for record: the local headers,
the data, the central directory, the end record. They write it themselves for one reason:
``zipfile`` can only compress every member anew, and most members of a batch are the same
bytes in every file (the styles, the theme, the embedded font subsets). Deflating the same
bytes at the same level gives the same output (and :mod:`zipfile` compresses a member in
one call, as here), so the compressed form of such a member is kept per process, keyed by
its bytes (:func:`deflated`), and the zip is byte for byte what it was.

A fresh process would still deflate those members once more. So the DOCX writer keeps
their deflated form on disk, with the data it is made from and under the same key (the
base document's parts; the font subsets: :mod:`briefconv.writers.docx._base` and
``_fonts``): :func:`packed_form` makes the :class:`Packed` to store, :func:`keep` hands one
read back to this process's cache after checking it, and :data:`DEFLATE_VERSION` goes
into those keys, since another zlib (or level) may deflate the same bytes differently.
"""

from __future__ import annotations

import io
import struct
import threading
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "DEFLATE_VERSION",
    "Packed",
    "deflated",
    "keep",
    "normalize_zip",
    "packed_form",
    "write_zip",
]

#: The deflate level of every compressed member.
LEVEL = 9

#: What a member's deflated bytes depend on besides the member: part of every on-disk key
#: under which a :class:`Packed` is kept (zlib-ng, for one, deflates to other bytes).
DEFLATE_VERSION = f"zlib {zlib.ZLIB_RUNTIME_VERSION} deflate level {LEVEL}"

# The records of APPNOTE.TXT as zipfile packs them (its structFileHeader, structCentralDir,
# structEndArchive): a local file header, a central directory entry, the end record.
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_LOCAL_SIG = b"PK\003\004"
_CENTRAL_SIG = b"PK\001\002"
_END_SIG = b"PK\005\006"
# What zipfile's ZipInfo says of every member: made and readable by zip 2.0 (deflate), on
# Unix (create_system 3, so the permissions mean the same everywhere), rw-r--r--.
_VERSION = 20
_UNIX = 3
_ATTRIBUTES = 0o100644 << 16
_UTF8_NAME = 1 << 11  # general purpose flag 11: the name is UTF-8 (not ASCII)

# Beyond these a member or the archive needs ZIP64 records, which zipfile writes itself;
# documents never come near them (a template is at most 128 MiB unpacked).
_MEMBER_LIMIT = 1 << 30
_ARCHIVE_LIMIT = (1 << 31) - 1
_COUNT_LIMIT = (1 << 16) - 1


class _DeflateCache:
    """Compressed members by their bytes, the least recently used dropped past a budget.

    Shared by the documents one process writes, and holding only immutable bytes: a
    member's CRC and deflated form are a function of its bytes, so no document can see
    anything of another. A lock keeps the order consistent under threads.
    """

    #: Members smaller than this are deflated every time: it costs microseconds.
    SMALLEST = 2048
    #: Members larger than this are not kept (a long pack's document.xml, never repeated).
    LARGEST = 4 * 2**20

    def __init__(self, budget: int) -> None:
        self._budget = budget
        self._size = 0
        self._entries: OrderedDict[bytes, tuple[int, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, data: bytes) -> tuple[int, bytes]:
        """``data``'s CRC-32 and deflated bytes, computed or kept from before."""
        if not self.SMALLEST <= len(data) <= self.LARGEST:
            return zlib.crc32(data), _deflate(data)
        # A key must not change: a part's bytes held in a bytearray are copied.
        data = bytes(data) if type(data) is not bytes else data
        with self._lock:
            found = self._entries.get(data)
            if found is not None:
                self._entries.move_to_end(data)
                return found
        found = zlib.crc32(data), _deflate(data)
        self.add(data, found)
        return found

    def add(self, data: bytes, found: tuple[int, bytes]) -> None:
        """Keep ``found``, ``data``'s CRC-32 and deflated bytes, unless already kept."""
        with self._lock:
            if data not in self._entries:
                self._entries[data] = found
                self._size += len(data) + len(found[1])
                while self._size > self._budget and self._entries:
                    old, (_, deflated) = self._entries.popitem(last=False)
                    self._size -= len(old) + len(deflated)

    def kept(self, data: bytes) -> bool:
        """Whether ``data`` is one this cache keeps (by its size)."""
        return self.SMALLEST <= len(data) <= self.LARGEST


def _deflate(data: bytes) -> bytes:
    """``data`` deflated (raw, no zlib header) as zipfile deflates a member: in one call."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


# What repeats (a style's styles part, a handout's font subsets: about 1.5 MB a style) is
# used by every document and stays; what does not (each document's own text) drifts to
# the old end and goes.
_CACHE = _DeflateCache(budget=24 * 2**20)


def deflated(data: bytes) -> tuple[int, bytes]:
    """The CRC-32 of ``data`` and ``data`` deflated at :data:`LEVEL`, as zipfile stores them.

    >>> crc, packed = deflated(b"abc" * 1000)
    >>> zlib.decompress(packed, -15) == b"abc" * 1000, crc == zlib.crc32(b"abc" * 1000)
    (True, True)
    """
    return _CACHE.get(data)


@dataclass(frozen=True, slots=True)
class Packed:
    """A member's deflated form, kept on disk with the bytes it was made from.

    ``check`` is the CRC-32 of ``deflated`` itself: :func:`keep` refuses a copy whose
    bytes were damaged on disk (``crc``, the zip's CRC of the member, checks the member).
    """

    crc: int
    deflated: bytes
    check: int


def packed_form(data: bytes) -> Packed | None:
    """``data``'s :class:`Packed` form to keep on disk, or ``None`` if not worth keeping.

    It goes through :func:`deflated`, so the zip that holds ``data`` next does not deflate
    it again. Members that :func:`deflated` does not keep (a few KiB or less) are not
    worth a place on disk either.
    """
    if not _CACHE.kept(data):
        return None
    crc, out = deflated(data)
    return Packed(crc, out, zlib.crc32(out))


def keep(data: bytes, found: Packed) -> bool:
    """Give this process ``found``, ``data``'s deflated form read back from the disk.

    The next zip holding ``data`` stores those bytes instead of deflating it again. Both
    CRCs are checked first (about 0.1 ms for 100 KB): a copy that does not match is
    ignored (False), and the member is deflated as if it had never been kept.
    """
    if not _CACHE.kept(data):
        return False
    if zlib.crc32(data) != found.crc or zlib.crc32(found.deflated) != found.check:
        return False
    _CACHE.add(bytes(data) if type(data) is not bytes else data, (found.crc, found.deflated))
    return True


def _stamp(when: datetime) -> tuple[int, int]:
    """The DOS date and time of ``when`` (zip dates start in 1980; seconds count in twos)."""
    year = max(when.year, 1980)
    return (
        (year - 1980) << 9 | when.month << 5 | when.day,
        when.hour << 11 | when.minute << 5 | when.second // 2,
    )


def write_zip(
    members: Iterable[tuple[str, bytes]], when: datetime, *, stored: Collection[str] = ()
) -> bytes:
    """A zip of ``members`` (name, bytes) in the order given, every one dated ``when``.

    Members named in ``stored`` are stored uncompressed (EPUB requires this of
    ``mimetype``), the rest deflated at :data:`LEVEL`. The bytes are those of
    ``zipfile.ZipFile.writestr`` (see the module's docstring).
    """
    members = list(members)
    if len(members) > _COUNT_LIMIT or any(len(data) > _MEMBER_LIMIT for _, data in members):
        return _write_with_zipfile(members, when, stored)
    date, time = _stamp(when)
    out = io.BytesIO()
    central: list[bytes] = []
    for name, data in members:
        try:
            raw_name, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            raw_name, flags = name.encode("utf-8"), _UTF8_NAME
        if name in stored:
            method, crc, packed = zipfile.ZIP_STORED, zlib.crc32(data), data
        else:
            method, (crc, packed) = zipfile.ZIP_DEFLATED, deflated(data)
        offset = out.tell()
        if offset > _ARCHIVE_LIMIT:
            return _write_with_zipfile(members, when, stored)
        # Shared by both records: needs zip 2.0, a reserved byte, flags, method, time, date,
        # CRC, compressed and full size, name length.
        sizes = (crc, len(packed), len(data), len(raw_name))
        common = (_VERSION, 0, flags, method, time, date, *sizes)
        out.write(_LOCAL.pack(_LOCAL_SIG, *common, 0) + raw_name)  # no extra field
        out.write(packed)
        # Made on Unix by zip 2.0; no extra field, comment, disk, internal attributes.
        made_by = (_VERSION, _UNIX)
        rest = (0, 0, 0, 0, _ATTRIBUTES, offset)
        central.append(_CENTRAL.pack(_CENTRAL_SIG, *made_by, *common, *rest) + raw_name)
    start = out.tell()
    for entry in central:
        out.write(entry)
    size = out.tell() - start
    if start > _ARCHIVE_LIMIT or size > _ARCHIVE_LIMIT:
        return _write_with_zipfile(members, when, stored)
    out.write(_END.pack(_END_SIG, 0, 0, len(central), len(central), size, start, 0))
    return out.getvalue()


def _write_with_zipfile(
    members: list[tuple[str, bytes]], when: datetime, stored: Collection[str]
) -> bytes:
    """:func:`write_zip` by :mod:`zipfile` itself, for an archive that needs ZIP64 records."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = _UNIX
            info.external_attr = _ATTRIBUTES
            if name in stored:
                info.compress_type = zipfile.ZIP_STORED
                dst.writestr(info, data)
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                dst.writestr(info, data, compresslevel=LEVEL)
    return out.getvalue()


def normalize_zip(data: bytes, when: datetime, *, first: tuple[str, ...] = ()) -> bytes:
    """Return ``data`` (a zip) rewritten deterministically.

    Members named in ``first`` come first in that order and are stored uncompressed (EPUB
    requires this of ``mimetype``); the rest keep their original relative order.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        names = src.namelist()
        ordered = [n for n in first if n in names] + [n for n in names if n not in first]
        return write_zip([(name, src.read(name)) for name in ordered], when, stored=first)
