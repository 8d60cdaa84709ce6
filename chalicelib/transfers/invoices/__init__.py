"""Invoices: plan -> (reconcile lost answers, customers, items) -> InvoiceAdd -> paid dates.

Each stage is a conversation step (``chalicelib.steps.base.Step``) keyed ``invoices.<stage>``.
"""
