"""``POST /qbwc``: SOAP in, SOAP out, and the one logging point every exchange passes through (transcripts)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from chalicelib.clock import epoch, iso
from chalicelib.errors import ConcurrentUpdate, DomainError
from chalicelib.qbwc.service import WebConnectorService
from chalicelib.qbwc.soap import SoapFault, parse_call, redacted_result, render_fault, render_result
from chalicelib.store.conversations import TRANSCRIPT_RETENTION_SECONDS, TranscriptMessage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SoapReply:
    status: int
    body: bytes


def handle_soap_post(service: WebConnectorService, body: bytes, *, soap_action: str | None) -> SoapReply:
    """Answer one SOAP posting; faults are SOAP 1.1 Faults with HTTP 500, never a crash."""
    try:
        call = parse_call(body, max_bytes=service.settings.max_body_bytes, soap_action=soap_action)
    except SoapFault as fault:
        log.info("SOAP fault: %s", fault.faultstring)
        return SoapReply(500, render_fault(fault))
    try:
        outcome = service.handle(call)
    except ConcurrentUpdate:
        return SoapReply(
            500,
            render_fault(
                SoapFault(
                    "The session changed while this call ran (a duplicate call?); nothing was changed.",
                    faultcode="soap:Server",
                )
            ),
        )
    except DomainError as exc:
        return SoapReply(500, render_fault(SoapFault(str(exc), faultcode="soap:Server")))
    except Exception:  # QBWC must always get SOAP, never a bare 500
        log.exception("unexpected error in %s", call.method)
        return SoapReply(
            500,
            render_fault(
                SoapFault(
                    "The server could not handle this call right now; it has been logged. QBWC will try again.",
                    faultcode="soap:Server",
                )
            ),
        )
    try:
        reply = render_result(call.method, outcome.result)
    except ValueError:  # text XML cannot carry (control characters)
        log.exception("could not render the answer to %s", call.method)
        return SoapReply(
            500, render_fault(SoapFault("The answer could not be encoded.", faultcode="soap:Server"))
        )
    if outcome.transcript:
        now = service.clock.now()
        kept = redacted_result(call.method, outcome.result)
        kept_reply = reply if kept is outcome.result else render_result(call.method, kept)
        try:
            service.store.transcripts.append(
                outcome.transcript,
                TranscriptMessage(
                    at=iso(now),
                    method=call.method,
                    request=call.redacted_envelope,
                    response=kept_reply.decode("utf-8"),
                ),
                expires_at=epoch(now) + TRANSCRIPT_RETENTION_SECONDS,
            )
        except Exception:  # a transcript must never break the conversation it records
            log.exception("could not store the transcript of %s", call.method)
    return SoapReply(200, reply)
