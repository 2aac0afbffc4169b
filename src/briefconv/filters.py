"""JSON filters: an external program rewrites the model between reading and rendering.

As with pandoc's JSON filters, the program gets the model's JSON (see
``model.schema.json``) on standard input and prints the changed model on standard output.
It can be written in any language; ``CMD`` runs through the shell, so ``jq`` pipelines work::

    briefconv convert talks.txt --filter "jq '.blocks[0].content[0].text |= ascii_upcase'"
"""

from __future__ import annotations

import subprocess

from briefconv.errors import InputError
from briefconv.model import Article
from briefconv.serialize import from_json, to_json

__all__ = ["apply_filter"]


def apply_filter(article: Article, command: str, *, timeout: float = 300.0) -> Article:
    """Run ``command`` on the article's JSON and return the article it prints.

    A command that cannot start, fails, times out or prints something that is not a valid
    model is an :class:`InputError` naming the filter and what went wrong.
    """
    try:
        proc = subprocess.run(
            command,
            shell=True,  # the user's own command line, as with make or pandoc --filter
            input=to_json(article).encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise InputError(f"filter {command!r}: no answer after {timeout:g} s") from None
    except OSError as exc:
        raise InputError(f"filter {command!r}: cannot run: {exc.strerror or exc}") from None
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = f": {lines[-1]}" if lines else ""
        raise InputError(f"filter {command!r} failed (exit {proc.returncode}){detail}")
    try:
        text = proc.stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"filter {command!r}: its output is not UTF-8") from None
    if not text.strip():
        raise InputError(f"filter {command!r}: printed nothing (it must print the model's JSON)")
    try:
        return from_json(text)
    except InputError as exc:
        raise InputError(f"filter {command!r} returned an invalid model: {exc}") from None
