"""Secrets: generation, slow salted hashing, constant-time checks. Nothing here logs or returns a secret."""
