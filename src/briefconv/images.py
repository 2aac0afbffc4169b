"""Which images an article may show: decided once, by the reader, for every format alike.

A figure's ``path`` is set only for a local PNG or JPEG that passed every check here, so
the DOCX, PDF, EPUB and HTML writers all show the same images and all refuse the same
ones (before, a truncated PNG or a 30000×30000 "bomb" was refused by the PDF and shipped
as-is in the DOCX and EPUB). The checks:

- where: a regular file (never a FIFO, which would hang, or a device) inside the article's
  folder, unless the caller allows outside paths;
- how big: at most :data:`MAX_IMAGE_BYTES` bytes and :data:`MAX_IMAGE_PIXELS` pixels,
  read from the header before any decoding;
- what: Pillow identifies it as PNG or JPEG and decodes it whole (JPEG at reduced scale,
  which still reads every byte), so a fake or truncated file is caught here.

Pillow's own warnings are not printed: every refusal is one warning of ours, naming the
article, the image and the reason.
"""

from __future__ import annotations

import io
import logging
import urllib.parse
import warnings
from pathlib import Path

from briefconv._io import NotRegular, TooLarge, read_limited
from briefconv.model import Figure

__all__ = ["MAX_IMAGE_BYTES", "MAX_IMAGE_PIXELS", "ImageResolver", "image_problem"]

#: The largest image file shown (a print-quality photo is a few MiB).
MAX_IMAGE_BYTES = 20 * 2**20

#: The most pixels an image may have (a 36-megapixel camera's full frame): decoding one
#: takes about 150 MB; a 30000×30000 PNG of a few KiB would take 3.6 GB.
MAX_IMAGE_PIXELS = 36_000_000

_log = logging.getLogger("briefconv")


def image_problem(path: Path) -> str | None:
    """Why the image at ``path`` may not be shown, or ``None`` if it may."""
    try:
        data, _ = read_limited(path, MAX_IMAGE_BYTES, regular_only=True)
    except NotRegular:
        return "is not a regular file"
    except TooLarge:
        return f"is over the {MAX_IMAGE_BYTES // 2**20} MiB image limit"
    except OSError as exc:
        return f"cannot be opened ({exc.strerror or exc})"
    return _decode_problem(data)


def _decode_problem(data: bytes) -> str | None:
    """Why ``data`` is not a sound PNG or JPEG of a sensible size, or ``None``."""
    from PIL import Image, UnidentifiedImageError  # only articles with images pay for it

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DecompressionBombWarning and kin: ours say it
        try:
            with Image.open(io.BytesIO(data), formats=("PNG", "JPEG")) as image:
                width, height = image.size
                if width <= 0 or height <= 0:
                    return "has no size"
                if width * height > MAX_IMAGE_PIXELS:
                    return (
                        f"is {width}×{height} pixels, over the "
                        f"{MAX_IMAGE_PIXELS // 1_000_000}-megapixel image limit"
                    )
                if image.format == "JPEG":
                    # Decode at 1/8 scale: every byte is still read, in a fraction of the time.
                    image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                image.load()
        except UnidentifiedImageError:
            return "is not a PNG or JPEG file"
        except Image.DecompressionBombError:  # Pillow's own, far larger, limit
            return f"is over the {MAX_IMAGE_PIXELS // 1_000_000}-megapixel image limit"
        except Exception as exc:  # Pillow raises OSError, SyntaxError, ValueError ...
            return f"cannot be read ({exc})"
    return None


class ImageResolver:
    """Turns an article's image references into figures: local, checked, or alt text only.

    ``base`` is the article's folder; references are relative to it and must stay inside
    it unless ``allow_outside``. Remote images are never fetched.
    """

    def __init__(self, where: str, base: Path, allow_outside: bool) -> None:
        self.where = where
        self.base = base.resolve()
        self.allow_outside = allow_outside

    def figure(self, src: str, alt: str, path: str | None = None) -> Figure:
        """A :class:`Figure` for ``src`` (or a ``path`` the input gives).

        The image is shown only if it passes every check; otherwise its alt text stands
        in, with one warning.
        """
        if path is None:
            scheme = urllib.parse.urlsplit(src).scheme.lower()
            if scheme and len(scheme) > 1:  # "c:" would be a Windows drive, not a scheme
                _log.warning(
                    "%s: image %s is not fetched (briefconv never downloads); its alt text is kept",
                    self.where,
                    src[:200],
                )
                return Figure(src, alt)
            target = self.base / urllib.parse.unquote(src)
        else:
            target = self.base / path
        try:
            resolved = target.resolve()
        except (OSError, RuntimeError):  # a symlink loop
            resolved = target
        if not self.allow_outside and not resolved.is_relative_to(self.base):
            _log.warning(
                "%s: image %s is outside the article's folder; refused (--allow-outside "
                "permits it); its alt text is kept",
                self.where,
                src,
            )
            return Figure(src, alt)
        problem = image_problem(resolved)
        if problem is not None:
            _log.warning("%s: image %s %s; its alt text is kept", self.where, src, problem)
            return Figure(src, alt)
        return Figure(src, alt, str(resolved))
