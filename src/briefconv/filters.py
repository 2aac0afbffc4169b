"""JSON filters: an external program rewrites the model between reading and rendering.

As with pandoc's JSON filters, the program gets the model's JSON (see
``model.schema.json``) on standard input and prints the changed model on standard output.
It can be written in any language; ``CMD`` runs through the shell, so ``jq`` pipelines work::

    briefconv convert talks.txt --filter "jq '.blocks[0].content[0].text |= ascii_upcase'"

A filter is fenced: what it prints is read only up to a limit (a runaway filter cannot
fill the memory), and it runs in a process group of its own that is killed, with every
process it started, when it times out, prints too much, or briefconv is interrupted or
terminated.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from typing import IO

from briefconv.errors import InputError
from briefconv.model import Article
from briefconv.serialize import from_json, to_json

__all__ = ["MAX_OUTPUT", "apply_filter"]

#: The most a filter may print: far above any article's model (the input limit is 10 MiB).
MAX_OUTPUT = 256 * 2**20

# Enough of standard error for the last line of a failing filter's complaint.
_MAX_STDERR = 64 * 2**10


def _read_capped(stream: IO[bytes], limit: int, out: list[bytes]) -> None:
    """Read ``stream`` to its end, or until it has given more than ``limit`` bytes."""
    kept = 0
    while kept <= limit and (chunk := stream.read(65536)):
        out.append(chunk[: limit + 1 - kept])
        kept += len(out[-1])


def _drain_tail(stream: IO[bytes], limit: int, out: list[bytes]) -> None:
    """Read ``stream`` to its end, keeping only its last ``limit`` bytes in ``out``.

    Standard error is drained, not capped: a filter blocked writing warnings would never
    print its answer. Only the last line is shown, so only the tail is kept.
    """
    tail = b""
    while chunk := stream.read(65536):
        tail = (tail + chunk)[-limit:]
    out.append(tail)


def _feed(stream: IO[bytes], data: bytes) -> None:
    """Write ``data`` to the filter's standard input; a filter may stop reading early."""
    with contextlib.suppress(BrokenPipeError, OSError):
        stream.write(data)
    with contextlib.suppress(BrokenPipeError, OSError):
        stream.close()


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the filter and everything it started (its own session and process group)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def apply_filter(
    article: Article, command: str, *, timeout: float = 300.0, max_output: int = MAX_OUTPUT
) -> Article:
    """Run ``command`` on the article's JSON and return the article it prints.

    A command that cannot start, fails, times out, prints more than ``max_output`` bytes
    or prints something that is not a valid model is an :class:`InputError` naming the
    filter and what went wrong.
    """
    try:
        proc = subprocess.Popen(
            command,
            shell=True,  # the user's own command line, as with make or pandoc --filter
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group, killed as one
        )
    except OSError as exc:
        raise InputError(f"filter {command!r}: cannot run: {exc.strerror or exc}") from None
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    out: list[bytes] = []
    err: list[bytes] = []
    threads = [
        threading.Thread(target=_feed, args=(proc.stdin, to_json(article).encode("utf-8"))),
        threading.Thread(target=_drain_tail, args=(proc.stderr, _MAX_STDERR, err)),
    ]
    for thread in threads:
        thread.daemon = True
        thread.start()
    try:
        reader = threading.Thread(target=_read_capped, args=(proc.stdout, max_output, out))
        reader.daemon = True
        reader.start()
        reader.join(timeout)
        if reader.is_alive():
            raise InputError(f"filter {command!r}: no answer after {timeout:g} s")
        if sum(map(len, out)) > max_output:
            raise InputError(f"filter {command!r}: printed more than {max_output // 2**20} MiB")
        returncode = proc.wait(timeout=max(1.0, timeout / 10))
    except subprocess.TimeoutExpired:
        raise InputError(f"filter {command!r}: did not end after printing its answer") from None
    finally:
        # Whatever happened (including Ctrl-C or a termination signal raised here), no
        # process of the filter outlives this call.
        _kill_group(proc)
        for thread in threads:
            thread.join(1.0)
    stdout = b"".join(out)
    if returncode != 0:
        lines = b"".join(err).decode("utf-8", "replace").strip().splitlines()
        detail = f": {lines[-1]}" if lines else ""
        raise InputError(f"filter {command!r} failed (exit {returncode}){detail}")
    try:
        text = stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"filter {command!r}: its output is not UTF-8") from None
    if not text.strip():
        raise InputError(f"filter {command!r}: printed nothing (it must print the model's JSON)")
    try:
        return from_json(text)
    except InputError as exc:
        raise InputError(f"filter {command!r} returned an invalid model: {exc}") from None
