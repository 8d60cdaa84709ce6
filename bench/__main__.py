"""``python -m bench`` (``make bench``): every benchmark in order, foundation first, then invoices.

Each prints its table and writes its JSON under ``bench/results/``; nothing is asserted.
"""

from __future__ import annotations

import time

from bench import foundation, invoices


def main() -> None:
    started = time.perf_counter()
    foundation.main()
    print("\n" + "=" * 110 + "\n")
    invoices.main()
    print(f"\nall benchmarks took {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
