"""All DynamoDB access. Nothing outside this package imports boto3's DynamoDB API.

``Store`` groups one repository per kind of item; each receives the boto3 ``Table`` from outside, so tests
hand it a moto or dynalite table and production a real one.
"""

from __future__ import annotations

from typing import Any

from chalicelib.store.connectors import ConnectorRepository
from chalicelib.store.conversations import ConversationRepository, TranscriptRepository
from chalicelib.store.inventory import InventoryRepository
from chalicelib.store.mappings import MappingRepository
from chalicelib.store.notices import NoticeRepository
from chalicelib.store.qb_lists import QbListRepository
from chalicelib.store.routes import RouteRepository
from chalicelib.store.sessions import SessionRepository
from chalicelib.store.tokens import TokenRepository
from chalicelib.store.transfers import ListLinkRepository, TransferRepository
from chalicelib.store.users import QbwcUserRepository


class Store:
    """The repositories over one DynamoDB table."""

    def __init__(self, table: Any) -> None:
        self.table = table
        self.connectors = ConnectorRepository(table)
        self.users = QbwcUserRepository(table)
        self.sessions = SessionRepository(table)
        self.conversations = ConversationRepository(table)
        self.transcripts = TranscriptRepository(table)
        self.qb_lists = QbListRepository(table)
        self.tokens = TokenRepository(table)
        self.transfers = TransferRepository(table)
        self.customer_links = ListLinkRepository(table, "CUSTOMER")
        self.vendor_links = ListLinkRepository(table, "VENDOR")
        self.routes = RouteRepository(table)
        self.mappings = MappingRepository(table, routes=self.routes)
        self.notices = NoticeRepository(table)
        self.inventory = InventoryRepository(table)

    def ping(self) -> None:
        """One cheap read that fails when the table cannot be reached."""
        self.table.get_item(Key={"PK": "META", "SK": "PING"})


__all__ = ["Store"]
