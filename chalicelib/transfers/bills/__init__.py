"""Vendor bills (accounts payable): one BillAdd per bill, paid dates read back."""
