"""``python -m corpus`` runs the command line."""

from corpus.cli import run

run()
