"""qbXML: build requests in schema order, parse QuickBooks' responses leniently, explain status codes."""
