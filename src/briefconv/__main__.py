"""Allow ``python -m briefconv``."""

from briefconv.cli import main

main()
