"""briefconv: turn news-style articles into briefing handouts (placeholder, filled below)."""

__version__ = "0.1.0"
