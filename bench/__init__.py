"""Benchmarks that measure and print what qbwc-bridge costs; they never assert timings.

``python -m bench.foundation`` (or ``make bench``) measures the first QBWC conversation in-process against
moto: round trips, qbXML sizes, DynamoDB requests, server CPU per callback, password hashing and cold start.
Results are printed as a table and written as JSON under ``bench/results/`` (not committed).
"""
