"""The run report's memory figures are the process's own, not inherited from its parent."""

from __future__ import annotations

import subprocess
import sys

import pytest

from corpus import report

MB = 2**20


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is inherited on Linux")
def test_a_child_of_a_big_process_reports_its_own_peak() -> None:
    ballast = b"\x01" * (400 * MB)  # written, so resident: this process's peak >= 400 MB
    assert report.peak_rss() >= 400 * MB
    child = subprocess.run(
        [sys.executable, "-c", "from corpus import report; print(report.peak_rss())"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    del ballast
    # ru_maxrss would say >= 400 MB here: it survives fork and exec
    assert 5 * MB < int(child.stdout) < 200 * MB


@pytest.mark.skipif(sys.platform != "linux", reason="clear_refs is Linux's")
def test_a_reset_peak_starts_again_from_the_present_size() -> None:
    before = report.reset_peak()  # this process's size now (the whole suite's imports)
    assert before <= report.task_peak_rss() < before + 5 * MB
    ballast = b"\x01" * (300 * MB)
    assert report.task_peak_rss() >= before + 290 * MB
    del ballast
    report.reset_peak()  # a worker's next task is not credited with this one's memory
    assert report.task_peak_rss() < before + 50 * MB
    # the process's own peak survives the reset: a task run in the driver's process (one
    # worker) does not take the driver's peak with it
    assert report.peak_rss() >= before + 290 * MB
