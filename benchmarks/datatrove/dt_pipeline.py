"""datatrove's equivalent of `corpus ingest`, run in a throwaway venv (see run.sh), not the project's.

    /tmp/.../bin/python benchmarks/datatrove/dt_pipeline.py INPUT_DIR WORK_DIR [--no-langdetect]

JsonlReader -> LambdaFilter (seeded langdetect: records the language, keeps every document, as
`corpus ingest` does without --languages) -> MinHash dedup in datatrove's four stages
(signatures, buckets, cluster, filter) -> ParquetWriter (zstd), each stage on a
LocalPipelineExecutor with 2 workers (stage 1 and 4: 2 tasks, one per input file; stage 2: one
task per bucket; stage 3: one task, as datatrove requires). With langdetect, stage 1 also writes
the filtered documents (uncompressed JSONL) and stage 4 reads those, so langdetect runs once per
document and stage 4's document indices match stage 1's. The MinHash settings are datatrove's
defaults (5-gram words, 14 buckets x 8 hashes, 32-bit) with its Indonesian word tokenizer.
Prints one JSON line: seconds per stage and in total.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from datatrove.executor.local import LocalPipelineExecutor
from datatrove.pipeline.dedup import MinhashDedupSignature
from datatrove.pipeline.dedup.minhash import (
    MinhashConfig,
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupFilter,
)
from datatrove.pipeline.filters import LambdaFilter
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter, ParquetWriter
from datatrove.utils.typeshelper import Languages


def seeded_langdetect(doc: object) -> bool:
    """Seeded langdetect on the full text, stored in metadata; keeps every document."""
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        language = detect(doc.text)  # type: ignore[attr-defined]
    except LangDetectException:
        language = ""
    doc.metadata["language"] = language  # type: ignore[attr-defined]
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("input", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("--no-langdetect", action="store_true")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    work: Path = args.work
    tasks = len(list(args.input.glob("*.jsonl")))
    config = MinhashConfig()
    workers = args.workers
    logs = str(work / "logs")

    stage1: list[object] = [JsonlReader(str(args.input))]
    if args.no_langdetect:
        stage4_reader = JsonlReader(str(args.input))
    else:
        stage1 += [
            LambdaFilter(seeded_langdetect),
            JsonlWriter(str(work / "filtered"), compression=None),
        ]
        stage4_reader = JsonlReader(str(work / "filtered"))
    stage1.append(
        MinhashDedupSignature(
            str(work / "signatures"), config=config, language=Languages.indonesian
        )
    )
    stages = {
        "1 read+filter+signatures": LocalPipelineExecutor(
            stage1, tasks=tasks, workers=workers, logging_dir=f"{logs}/1"
        ),
        "2 buckets": LocalPipelineExecutor(
            [MinhashDedupBuckets(str(work / "signatures"), str(work / "buckets"), config=config)],
            tasks=config.num_buckets,
            workers=workers,
            logging_dir=f"{logs}/2",
        ),
        "3 cluster": LocalPipelineExecutor(
            [MinhashDedupCluster(str(work / "buckets"), str(work / "remove"), config=config)],
            tasks=1,
            workers=1,
            logging_dir=f"{logs}/3",
        ),
        "4 filter+write": LocalPipelineExecutor(
            [
                stage4_reader,
                MinhashDedupFilter(str(work / "remove")),
                ParquetWriter(str(work / "output"), compression="zstd"),
            ],
            tasks=tasks,
            workers=workers,
            logging_dir=f"{logs}/4",
        ),
    }
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    for name, executor in stages.items():
        t = time.perf_counter()
        executor.run()
        seconds[name] = round(time.perf_counter() - t, 2)
    seconds["total"] = round(time.perf_counter() - start, 2)
    print(json.dumps({"stages": seconds}))


if __name__ == "__main__":
    main()
