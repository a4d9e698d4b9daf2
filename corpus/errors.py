"""The one exception hierarchy; only ``cli.py`` turns these into messages and exit codes."""

from __future__ import annotations


class CorpusError(Exception):
    """Base of every error the tool raises on purpose; the message says what to fix."""

    exit_code = 1


class UsageError(CorpusError):
    """The command was called wrongly (bad option, missing path): exit code 2."""

    exit_code = 2


class ConfigError(UsageError):
    """The configuration (corpus.toml, --map, options) is invalid."""


class InputError(CorpusError):
    """An input file cannot be read at all (the run stops before writing anything)."""


class VersionError(CorpusError):
    """A version directory is missing, damaged, or would be overwritten."""


class ConservationError(CorpusError):
    """``read != accepted + duplicates + rejected``: a bug; no version is written."""


class UnknownVersionError(VersionError):
    """The dataset or version named does not exist: a usage error (exit code 2)."""

    exit_code = 2
