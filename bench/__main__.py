"""``python -m bench`` (``make bench``): every benchmark in order, cold start first (before anything else
loads the machine), then foundation, invoices, timesheets, bills, and purchase orders (with their receipts and
a levels sync).

Each prints its table and writes its JSON under ``bench/results/``; nothing is asserted.
"""

from __future__ import annotations

import time

from bench import bills, coldstart, foundation, invoices, purchase_orders, timesheets


def main() -> None:
    started = time.perf_counter()
    coldstart.main()
    print("\n" + "=" * 110 + "\n")
    foundation.main()
    print("\n" + "=" * 110 + "\n")
    invoices.main()
    print("\n" + "=" * 110 + "\n")
    timesheets.main([])  # its own defaults, whatever arguments ``python -m bench`` had
    print("\n" + "=" * 110 + "\n")
    bills.main([])
    print("\n" + "=" * 110 + "\n")
    purchase_orders.main([])
    print(f"\nall benchmarks took {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
