"""Expense reports: one BillAdd to the resource's vendor for what is owed back to it; paid dates read back."""
