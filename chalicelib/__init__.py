"""qbwc-bridge: a serverless QuickBooks Web Connector server (domain code; no Chalice at this level)."""
