"""Imported once by the local workers' parent (a forkserver, see ``executor``): the per-record
stages' modules, publisher profiles and language model are loaded there, before it forks the
workers, so that each worker starts with them (shared copy-on-write) instead of importing and
loading them again. Nothing else imports this module."""

import contextlib

from corpus import imports, units
from corpus.config import Config

imports.refuse_pandas()  # the workers run only corpus's stages (see ``imports``)

# A failure here must not take the forkserver down: each worker then loads what it needs
# itself, and reports the error where it can (in its first job).
with contextlib.suppress(Exception):
    units.warm_up(Config())
