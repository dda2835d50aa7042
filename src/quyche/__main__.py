"""`python -m quyche`: the same as the `quyche` command."""

from .cli import main

main()
