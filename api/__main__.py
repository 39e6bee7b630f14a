"""``python -m api`` is the ``ledger`` command."""

from api.cli import main

main()
