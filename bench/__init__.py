"""Benchmarks that measure and print what qbwc-bridge costs; they never assert timings.

``make bench`` (``python -m bench``) runs both, in-process against moto:

- ``bench.foundation``: the first QBWC conversation (round trips, qbXML sizes, DynamoDB requests, server CPU
  per callback), password hashing and cold start;
- ``bench.invoices``: 1,000 invoices for 200 new organizations through the simulators, with the product's goals
  (round trips per 1,000 invoices, DynamoDB requests per invoice, message budget) printed next to the figures.

Results are printed as tables and written as JSON under ``bench/results/`` (not committed).
"""
