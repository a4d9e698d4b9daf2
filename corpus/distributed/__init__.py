"""A distributed ingest: workers read the inputs, run the per-record stages, write the shards,
and judge dedup's candidate pairs; the driver plans and holds no articles (``--executor ray``).

Modules: ``parts`` (the files tasks hand each other), ``tasks`` (what runs on the workers),
``judge`` (candidate pairs measured by tasks), ``driver`` (the plan of a run).
"""

from corpus.distributed.driver import ingest

__all__ = ["ingest"]
