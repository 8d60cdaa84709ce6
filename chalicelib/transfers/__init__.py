"""Transfers: documents on their way to QuickBooks. One package per kind; shared queue rules and outcomes here.

Plain Python: the conversation steps reach storage only through the ports in ``ports.py``.
"""
