"""Process-wide, lazily created dependencies of the routes (one per Lambda container).

Each factory imports what it builds on first use: ``import app`` stays cheap (cold start), and boto3 is
imported only by the first request that needs the store.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from chalicelib.clock import Clock, SystemClock
from chalicelib.settings import get_settings

if TYPE_CHECKING:
    from chalicelib.admin.tokens import TokenVerifier
    from chalicelib.notify.mailer import Mailer
    from chalicelib.qbwc.service import WebConnectorService
    from chalicelib.store import Store


@functools.cache
def get_store() -> Store:
    # Imported here (cold start): the store's models and boto3 are needed by the first request, not by import.
    from chalicelib.store import Store
    from chalicelib.store.dynamodb import open_table

    return Store(open_table(get_settings()))


_clock: Clock = SystemClock()


def get_clock() -> Clock:
    return _clock


def set_clock(clock: Clock) -> None:
    """Replace the clock (tests drive time by hand)."""
    global _clock  # one process-wide clock, like the other dependencies
    _clock = clock
    get_web_connector_service.cache_clear()


@functools.cache
def get_token_verifier() -> TokenVerifier:
    from chalicelib.admin.tokens import TokenVerifier  # cold start: only the authorizer needs it

    return TokenVerifier(get_store())


@functools.cache
def get_mailer() -> Mailer:
    from chalicelib.notify.mailer import mailer_for  # cold start: only routes that send e-mail need it

    return mailer_for(get_settings())


@functools.cache
def get_web_connector_service() -> WebConnectorService:
    from chalicelib.qbwc.service import WebConnectorService  # cold start: only the SOAP route needs it

    return WebConnectorService(get_store(), get_settings(), get_clock(), get_mailer())


def reset() -> None:
    """Forget every cached dependency (tests switch tables and settings between cases)."""
    for factory in (get_store, get_token_verifier, get_mailer, get_web_connector_service, get_settings):
        factory.cache_clear()
    set_clock(SystemClock())
