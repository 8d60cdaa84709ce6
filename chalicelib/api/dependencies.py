"""Process-wide, lazily created dependencies of the routes (one per Lambda container)."""

from __future__ import annotations

import functools

from chalicelib.admin.tokens import TokenVerifier
from chalicelib.clock import Clock, SystemClock
from chalicelib.notify.mailer import Mailer, mailer_for
from chalicelib.qbwc.service import WebConnectorService
from chalicelib.settings import get_settings
from chalicelib.store import Store
from chalicelib.store.dynamodb import open_table


@functools.cache
def get_store() -> Store:
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
    return TokenVerifier(get_store())


@functools.cache
def get_mailer() -> Mailer:
    return mailer_for(get_settings())


@functools.cache
def get_web_connector_service() -> WebConnectorService:
    return WebConnectorService(get_store(), get_settings(), get_clock(), get_mailer())


def reset() -> None:
    """Forget every cached dependency (tests switch tables and settings between cases)."""
    for factory in (get_store, get_token_verifier, get_mailer, get_web_connector_service, get_settings):
        factory.cache_clear()
    set_clock(SystemClock())
