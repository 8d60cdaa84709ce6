"""Invoices: plan -> (reconcile lost answers, customers, items) -> InvoiceAdd -> paid dates.

Each stage is a conversation step (``chalicelib.conversation.steps.Step``) keyed ``invoices.<stage>``.
"""
