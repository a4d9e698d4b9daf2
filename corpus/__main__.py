"""``python -m corpus`` runs the command line."""

from corpus.cli import app

app(prog_name="corpus")
