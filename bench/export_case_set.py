"""Size and time of the export-to-case mapping (audit.exports, decision 0013) at 100,000 and 1,000,000 cases.

    .venv/bin/python -m bench.export_case_set

Pure encoding: no database needed. Compares with the alternatives: one access-log row per case (about
0.75 kB each, docs/audit.md) and raw 64-bit ids.
"""

import random
import time


def main() -> None:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from audit.exports import decode, encode

    rng = random.Random(24)
    shapes = {
        "100k consecutive (every case)": list(range(1, 100_001)),
        "100k of 500k (a filter)": sorted(rng.sample(range(1, 500_001), 100_000)),
        "100k of 10M (sparse)": sorted(rng.sample(range(1, 10_000_001), 100_000)),
        "1M consecutive": list(range(1, 1_000_001)),
        "1M of 5M": sorted(rng.sample(range(1, 5_000_001), 1_000_000)),
    }
    print(f"{'shape':32} {'bytes':>10} {'B/case':>7} {'encode ms':>10} {'decode ms':>10} {'vs rows MB':>11}")
    for name, ids in shapes.items():
        started = time.perf_counter()
        blob = encode(ids)
        encode_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        assert decode(blob) == ids
        decode_ms = (time.perf_counter() - started) * 1000
        rows_mb = len(ids) * 750 / 1e6
        print(
            f"{name:32} {len(blob):>10,} {len(blob) / len(ids):>7.3f} {encode_ms:>10.0f} {decode_ms:>10.0f} "
            f"{rows_mb:>11.0f}"
        )


if __name__ == "__main__":
    main()
