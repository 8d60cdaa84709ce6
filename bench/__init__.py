"""Benchmarks that measure and print what qbwc-bridge costs; they never assert timings.

``make bench`` (``python -m bench``) runs them all, most in-process against moto:

- ``bench.coldstart``: ``import app`` against the libraries' floor, and import + the first answer that reads
  DynamoDB (fresh subprocesses, against dynalite);
- ``bench.foundation``: the first QBWC conversation (round trips, qbXML sizes, DynamoDB requests, server CPU
  per callback) and password hashing;
- ``bench.invoices``: 1,000 invoices for 200 new organizations through the simulators, with the product's goals
  (round trips per 1,000 invoices, DynamoDB requests per invoice, message budget) printed next to the figures.

Results are printed as tables and written as JSON under ``bench/results/`` (not committed).
"""
