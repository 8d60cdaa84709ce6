"""Timesheets: each entry one QuickBooks TimeTracking record, for the resource's employee (or vendor)."""
