"""What admins do: configure connectors and QBWC users, issue API tokens. Plain Python over the store."""
