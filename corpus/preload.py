"""Imported once by the local workers' parent (a forkserver, see ``executor``): the per-record
stages' modules, publisher profiles and language model are loaded there, before it forks the
workers, so that each worker starts with them (shared copy-on-write) instead of importing and
loading them again. Nothing else imports this module."""

import atexit
import contextlib
import os

from corpus import imports, units
from corpus.config import Config

# The forkserver leaves when the ingest has ended (the pipe it watches closes): at once, as the
# ``corpus`` command does, not freeing the loaded models object by object (~0.2 s in which it
# still held the ingest's stdout and stderr open, so a caller reading them waited too).
atexit.register(os._exit, 0)
imports.refuse_pandas()  # the workers run only corpus's stages (see ``imports``)

# A failure here must not take the forkserver down: each worker then loads what it needs
# itself, and reports the error where it can (in its first job).
with contextlib.suppress(Exception):
    units.warm_up(Config())
