"""A distributed ingest: workers survey and read the inputs, run the per-record stages, plan
dedup and write the shards; the driver holds no articles (``--executor ray``, ``--distributed``).

Modules: ``parts`` (the files tasks hand each other), ``surveying`` (the survey as tasks),
``tasks`` (what runs on the workers), ``judge`` (candidate pairs measured where the texts are),
``planning`` (dedup's plan as a task), ``driver`` (the plan of a run).
"""

from corpus.distributed.driver import ingest

__all__ = ["ingest"]
