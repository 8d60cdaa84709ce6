"""Pydantic models of what the product talks about: connectors, QBWC users, conversations, tokens."""
