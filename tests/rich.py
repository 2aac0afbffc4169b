"""A hand-built article with every node of model version 2, for the writers' tests.

Built in Python rather than read from Markdown so that writer tests do not depend on the
Markdown reader: each construct is here in the shapes real articles give it (a code block
with indentation, double spaces and a line longer than any page; a table of 40 rows that
crosses a page, with Cyrillic, ``&`` and ``<`` in cells, an empty cell and a long cell;
footnotes in a paragraph, a list item and a table cell, one holding a list and code;
strikethrough; a task list with a nested list).
"""

from __future__ import annotations

from briefconv.model import (
    Article,
    ArticleMeta,
    BulletList,
    Code,
    CodeBlock,
    Emphasis,
    Heading,
    Link,
    Note,
    OrderedList,
    Paragraph,
    Strikethrough,
    Strong,
    Table,
    Text,
)

#: Python with indentation, two spaces inside a string, a blank line, a tab, and a line of
#: 150 characters that no page is wide enough for.
CODE = (
    "def tally(votes):\n"
    '    """Count  votes per city."""\n'
    "    totals = {}\n"
    "\n"
    "    for city, count in votes:\n"
    "        totals[city] = totals.get(city, 0) + count  # <b>not markup</b> & more\n"
    "\treturn totals\n"
    "# " + "a_very_long_identifier_that_runs_past_the_margin_" * 3
)

LONG_CELL = (
    "Delegations agreed to meet again after the summer recess, subject to confirmation "
    "by both foreign ministries and to the outcome of the technical working groups."
)


def _row(number: int) -> tuple[tuple[Text | Strong | Code | Note, ...], ...]:
    city = ("Lviv", "Київ", "Αθήνα", "Zürich", "Tom & Jerry <b>")[number % 5]
    return ((Text(f"{number}"),), (Text(city),), (Text(f"{number * 37 % 1000}"),))


ROWS = tuple(_row(n) for n in range(1, 41))

RICH = Article(
    ArticleMeta(
        title="Every construct of model version 2",
        authors=("Olena Kovalenko",),
        date="2026-06-02",
        language="en",
    ),
    (
        Paragraph(
            (
                Text("The figures were "),
                Strikethrough((Text("revised down"),)),
                Text(" revised up on Tuesday"),
                Note((Paragraph((Text("Ministry of Finance, press release of 1 June."),)),)),
                Text(", and the "),
                Emphasis((Strikethrough((Text("draft"),)),)),
                Text(" final text is below."),
                Note(
                    (
                        Paragraph((Text("The final text differs from the draft in:"),)),
                        BulletList(((Text("clause four"),), (Text("the annex"),))),
                        CodeBlock("annex = 'B'\n  indented  twice"),
                    )
                ),
            )
        ),
        Heading(1, (Text("The tally script"),)),
        CodeBlock(CODE, "python"),
        Paragraph((Text("Output, as a log:"),)),
        CodeBlock("2026-06-02 10:00  start\n2026-06-02 10:05    done  (3 cities)"),
        Heading(1, (Text("Results by city"),)),
        Table(
            ((Text("No."),), (Text("City"),), (Strong((Text("Votes"),)),)),
            (
                (
                    (Text("0"),),
                    (Link("https://example.org/a", (Text("Rotterdam"),)),),
                    (Text("12"), Note((Paragraph((Text("Provisional count."),)),))),
                ),
                ((), (Text(LONG_CELL),), (Code("n/a"),)),
                *ROWS,
            ),
            ("right", "left", "center"),
        ),
        Heading(1, (Text("Actions"),)),
        BulletList(
            (
                (Text("Circulate the final text"),),
                (
                    Text("Book the room"),
                    Note((Paragraph((Text("Room 4.12, if free."),)),)),
                ),
                (Text("Brief the minister"),),
            ),
            ((2, OrderedList(((Text("on the figures"),), (Text("on the annex"),)))),),
            checks=(True, False, None),
        ),
        OrderedList(((Text("First"),), (Text("Second"),)), 1, checks=(False, True)),
        Paragraph((Text("End of the article."),)),
    ),
)
