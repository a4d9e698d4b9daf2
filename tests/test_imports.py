"""pandas refused in corpus's own processes (``corpus.imports``): pyarrow converts the same
values without it, and the refusal ends with its block."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_pyarrow_converts_the_same_values_with_pandas_refused() -> None:
    pytest.importorskip("pandas")  # installed (datasets needs it): pyarrow would import it
    code = """
        import sys
        {refuse}
        import pyarrow as pa
        from datetime import datetime, timezone
        rows = [{{"a": 1, "b": "x", "c": [1.5], "d": datetime(2024, 1, 2, tzinfo=timezone.utc)}}]
        table = pa.Table.from_pylist(rows)
        print("pandas" in sys.modules, table.schema, table.to_pylist())
    """
    plain = _run(code.format(refuse=""))
    refused = _run(code.format(refuse="from corpus import imports; imports.refuse_pandas()"))
    assert plain.startswith("True") and refused.startswith("False")
    assert plain.removeprefix("True") == refused.removeprefix("False")


def test_the_refusal_ends_with_its_block() -> None:
    pytest.importorskip("pandas")
    said = _run("""
        from corpus import imports
        with imports.without_pandas():
            try:
                import pandas
            except ModuleNotFoundError as error:
                print(error)
        import pandas
        print(pandas.__name__)
    """)
    assert said.splitlines() == ["pandas is not imported by corpus", "pandas"]
