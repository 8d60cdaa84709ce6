"""Developer tools: the local stack behind `make run` and the end-to-end tests, and small admin commands.

Nothing here is deployed: the Lambda zip holds ``app.py`` and ``chalicelib/`` only.
"""
