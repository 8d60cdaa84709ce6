"""Honest stand-ins for the Windows-only programs the bridge talks to: QBWC and a QuickBooks company file.

They drive the end-to-end tests and ``make demo``; neither is imported by the server itself.
"""
