r"""Manual pages for the command line, made from its own click help (``make man``).

One page per command, named as man-db and Debian name a command's subcommand pages:
``briefconv.1``, ``briefconv-convert.1``, ..., ``briefconv-styles-show.1``. Each page has the
command's help text (its ``\b`` examples kept as written), its usage, every option with its
help, and for a group its commands. Nothing is written by hand, so the pages cannot drift
from ``--help``::

    python -m briefconv._manpage build/man
    man -l build/man/briefconv-convert.1

Why not click-man: 0.6.0 (checked with click 8.5.1) calls
``click.utils.make_default_short_help``, which click deprecates for removal in 9.0; its
command line picks the first click command in our entry point's module by name (``check``)
instead of the group; and it copies help text into roff unescaped (click's ``\b`` marker
as a raw backspace, a line starting with ``.`` would be read as a request). This module is
the same walk over click's own introspection, with escaping.

The date on the pages comes from ``SOURCE_DATE_EPOCH``, else the newest modification time
of the package's own files, never the clock: the same sources give the same pages.
"""

from __future__ import annotations

import inspect
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import click

import briefconv
from briefconv.cli import cli

__all__ = ["main", "page_date", "pages", "roff_text"]


def roff_text(text: str) -> str:
    r"""``text`` escaped for roff: backslashes and hyphens, and lines that would be requests.

    >>> roff_text("--jobs N")
    '\\-\\-jobs N'
    >>> print(roff_text(".hidden\n'quoted"))
    \&.hidden
    \&'quoted
    """
    text = text.replace("\\", "\\e").replace("-", "\\-")
    # A line starting with . or ' is a roff request; \& before it is a zero-width nothing.
    return "\n".join(
        "\\&" + line if line.startswith((".", "'")) else line for line in text.split("\n")
    )


def _paragraphs(help_text: str) -> Iterator[tuple[bool, str]]:
    """The help text's paragraphs as click shows them: (kept as written, text)."""
    text = inspect.cleandoc(help_text.split("\f", 1)[0])  # click drops all after \f
    for block in text.split("\n\n"):
        lines = block.strip("\n").split("\n")
        if lines[0].strip() == "\b":  # click's marker: do not rewrap this paragraph
            yield True, "\n".join(lines[1:])
        elif block.strip():
            yield False, " ".join(line.strip() for line in lines)


def _page(ctx: click.Context, date: str) -> str:
    """One command's page, in the man macros."""
    command = ctx.command
    path = ctx.command_path
    lines = [
        f'.TH "{path.upper().replace(" ", "-")}" 1 "{date}" '
        f'"briefconv {briefconv.__version__}" "briefconv manual"',
        ".SH NAME",
        f"{roff_text(path.replace(' ', '-'))} \\- {roff_text(command.get_short_help_str(1000))}",
        ".SH SYNOPSIS",
        f".B {roff_text(path)}",
        roff_text(" ".join(command.collect_usage_pieces(ctx))),
    ]
    if command.help:
        lines.append(".SH DESCRIPTION")
        for kept, text in _paragraphs(command.help):
            if not lines[-1].startswith(".SH"):  # a section starts a paragraph already
                lines.append(".PP")
            lines += [".nf", roff_text(text), ".fi"] if kept else [roff_text(text)]
    # Options only: arguments have no help of their own, the synopsis shows them.
    options = [p for p in command.get_params(ctx) if isinstance(p, click.Option)]
    records = [r for r in (p.get_help_record(ctx) for p in options) if r]
    if records:
        lines.append(".SH OPTIONS")
        for names, help_text in records:
            lines += [".TP", f"\\fB{roff_text(names)}\\fR", roff_text(help_text)]
    subcommands = _subcommands(ctx)
    if subcommands:
        lines.append(".SH COMMANDS")
        for name, sub in subcommands:
            page = f"{path} {name}".replace(" ", "-")
            lines += [
                ".TP",
                f"\\fB{roff_text(name)}\\fR",
                f"{roff_text(sub.get_short_help_str(1000))} See \\fB{roff_text(page)}\\fR(1).",
            ]
    related = [ctx.parent.command_path] if ctx.parent else []
    related += [f"{path} {name}" for name, _ in subcommands]
    if related:
        lines.append(".SH SEE ALSO")
        lines.append(
            ", ".join(f"\\fB{roff_text(name.replace(' ', '-'))}\\fR(1)" for name in related)
        )
    return "\n".join(lines) + "\n"


def _subcommands(ctx: click.Context) -> list[tuple[str, click.Command]]:
    """A group's visible commands, in the order its help lists them."""
    group = ctx.command
    if not isinstance(group, click.Group):
        return []
    found = []
    for name in group.list_commands(ctx):
        sub = group.get_command(ctx, name)
        if sub is not None and not sub.hidden:
            found.append((name, sub))
    return found


def _context(command: click.Command, name: str, parent: click.Context | None) -> click.Context:
    """The context ``command`` runs in, with its ``context_settings`` as ``--help`` has them.

    Without them the pages would not show what ``--help`` shows (``-h`` as well as
    ``--help``), or would show it only once click had cached the command's help option.
    """
    return click.Context(command, info_name=name, parent=parent, **command.context_settings)


def pages(date: str, command: click.Command = cli, name: str = "briefconv") -> dict[str, str]:
    """Every page of ``command`` and its subcommands: file name -> roff text."""
    found: dict[str, str] = {}

    def walk(ctx: click.Context) -> None:
        found[ctx.command_path.replace(" ", "-") + ".1"] = _page(ctx, date)
        for sub_name, sub in _subcommands(ctx):
            walk(_context(sub, sub_name, ctx))

    walk(_context(command, name, None))
    return found


def page_date() -> str:
    """``SOURCE_DATE_EPOCH`` as a date, else the date of the newest file of the package."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        stamp = float(epoch)
    else:
        package = Path(briefconv.__file__).parent
        stamp = max(p.stat().st_mtime for p in package.rglob("*.py"))
    return time.strftime("%Y-%m-%d", time.gmtime(stamp))


def main(argv: Sequence[str] | None = None) -> int:
    """Write every page into the folder given (created if missing); print their paths."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m briefconv._manpage DIR", file=sys.stderr)
        return 2
    out = Path(args[0])
    out.mkdir(parents=True, exist_ok=True)
    for file_name, text in pages(page_date()).items():
        (out / file_name).write_text(text, encoding="utf-8")
        print(out / file_name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
