"""The QBWC callbacks: authentication, sessions, and driving the conversation engine.

Every callback after ``authenticate`` carries a ticket. An unknown, expired, finished or replaced ticket
changes nothing and gets the answer that makes QBWC stop cleanly (``""`` from sendRequestXML, ``-1`` from
receiveResponseXML, then an explanatory getLastError).

The ticket is the session's only credential: it is stored only as a hash, and never leaves the SOAP exchange
(transcripts redact it; the conversation log, transfer histories and e-mails use the conversation's own id).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.clock import Clock, epoch, iso, parse_iso
from chalicelib.conversation.engine import (
    ConversationEngine,
    ConversationState,
    StuckConversation,
    company_steps,
)
from chalicelib.domain.connector import CompanyFileConflict, Connector, company_file_key
from chalicelib.domain.conversation import ConversationStatus, abandoned_message, new_conversation_id
from chalicelib.errors import ConcurrentUpdate
from chalicelib.notify.conversation_notices import notify_conversation_end
from chalicelib.notify.mailer import Mailer
from chalicelib.notify.notices import notify_user_locked
from chalicelib.qbwc import conversation_log
from chalicelib.qbwc.soap import SoapCall
from chalicelib.qbxml.catalogue import explain_hresult
from chalicelib.qbxml.hcp import CompanyInfo, parse_hcp_response
from chalicelib.qbxml.responses import QbResponseError
from chalicelib.security.secrets import generate_ticket, verify_secret
from chalicelib.settings import Settings
from chalicelib.steps.base import StepContext
from chalicelib.steps.ports import TransferPorts
from chalicelib.store import Store
from chalicelib.store.qb_lists import CommittedQbLists
from chalicelib.store.sessions import SessionRecord, session_key
from chalicelib.transfers import registry
from chalicelib.transfers.kind import StepsWanted

SERVER_VERSION = "qbwc-bridge 0.1.0"
MIN_QBWC_VERSION = (2, 1, 0, 30)
MIN_QBXML_VERSION = (13, 0)
LISTS_MAX_AGE = timedelta(days=1)

UNKNOWN_TICKET = (
    "This QuickBooks Web Connector session is unknown or has expired. Run the update again; if this keeps "
    "happening, check that only one QBWC runs this application."
)
REPLACED = "This session was replaced by a newer session of the same QBWC user (QBWC restarted); nothing more is done here."
# A connector id no connector ever has (ids are generated hex): authentication work for unknown user names is
# done against it, so an unknown name costs what a known one does.
NO_CONNECTOR = "-"
NO_USER = "~"  # no user name can hold "~", so reading it costs a read and finds nothing
# Answers in a row that match none of the requests out before the conversation gives up (QBWC's guide:
# answer a negative number for unexpected data).
MAX_UNMATCHED_ANSWERS = 2
MAX_USERNAME_LENGTH = 64


@dataclass(frozen=True)
class CallbackOutcome:
    """A callback's answer and the conversation whose transcript records it (None: not recorded)."""

    result: str | int | list[str]
    transcript: str | None = None  # a conversation id


class WebConnectorService:
    """Answers QBWC callbacks against the store."""

    def __init__(self, store: Store, settings: Settings, clock: Clock, mailer: Mailer) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock
        self.mailer = mailer

    def handle(self, call: SoapCall) -> CallbackOutcome:
        """Answer one parsed callback."""
        args = call.args
        match call.method:
            case "serverVersion":
                return CallbackOutcome(SERVER_VERSION)
            case "clientVersion":
                return CallbackOutcome(client_version_answer(args["strVersion"]))
            case "authenticate":
                return self.authenticate(args["strUserName"], args["strPassword"])
            case "sendRequestXML":
                return self.send_request_xml(
                    args["ticket"],
                    hcp_response=args["strHCPResponse"],
                    company_file=args["strCompanyFileName"],
                    qbxml_version=(call.int_arg("qbXMLMajorVers"), call.int_arg("qbXMLMinorVers")),
                )
            case "receiveResponseXML":
                return self.receive_response_xml(
                    args["ticket"],
                    response=args["response"],
                    hresult=args["hresult"],
                    message=args["message"],
                )
            case "connectionError":
                return self.connection_error(args["ticket"], hresult=args["hresult"], message=args["message"])
            case "getLastError":
                return self.get_last_error(args["ticket"])
            case "closeConnection":
                return self.close_connection(args["ticket"])
            case _:  # interactive mode is not offered
                return CallbackOutcome("")

    # -- authenticate -----------------------------------------------------------------------------------

    def authenticate(self, username: str, password: str) -> CallbackOutcome:
        """[ticket, status(, wait seconds)]: "" or a company file to start, "none", "busy" or "nvu".

        Every ``nvu`` costs the same work (one password hash, two reads, one counted write, the log's query
        and write), whether the user name exists, is locked, or its connector is inactive: neither the answer
        nor its timing tells which user names exist.
        """
        now = self.clock.now()
        known_name = 0 < len(username) <= MAX_USERNAME_LENGTH
        user = self.store.users.find(username if known_name else NO_USER)
        password_ok = verify_secret(password, user.password_hash if user else None)
        throwaway = generate_ticket()
        if user is None or not user.active:
            # A disabled user is refused like an unknown one: an admin turned it off on purpose.
            self._unknown_user_attempt(username if known_name else NO_USER, now)
            return CallbackOutcome([throwaway, "nvu"])
        connector = self.store.connectors.get(user.connector_id)
        failure: ConversationStatus | None = None
        if not password_ok:
            counted = self.store.users.record_failed_attempt(user.username, now=iso(now))
            failure = ConversationStatus.USER_LOCKED if user.locked else ConversationStatus.PASSWORD_INCORRECT
            if counted.locked and not user.locked:  # this attempt locked it: tell a person, once
                notify_user_locked(self.store, self.mailer, self.settings, now, connector, user.username)
        elif user.locked:
            self.store.users.record_locked_attempt(user.username, now=iso(now))
            failure = ConversationStatus.USER_LOCKED
        else:
            self.store.users.record_login(user.username, now=iso(now))
            if not connector.active:
                failure = ConversationStatus.CONNECTOR_INACTIVE
        if failure is not None:
            conversation_id, folded = conversation_log.record_auth_failure(
                self.store, connector_id=connector.id, username=user.username, status=failure, now=iso(now)
            )
            # A folded repeat adds no transcript message: a stale password retried for weeks stays one entry.
            return CallbackOutcome([throwaway, "nvu"], transcript=None if folded else conversation_id)
        state = self._due(connector, now, user_scope=user.scope)
        if state is None:
            self.store.connectors.update(connector.id, {"last_poll_at": iso(now)})
            return CallbackOutcome([throwaway, "none"])
        ticket = generate_ticket()
        key = session_key(ticket)
        expires_at = epoch(now) + self.settings.session_idle_seconds
        lock = self.store.sessions.acquire_lock(
            connector.id, session=key, username=user.username, now=epoch(now), expires_at=expires_at
        )
        if not lock.acquired:
            self.store.connectors.update(connector.id, {"last_poll_at": iso(now)})
            wait = max(1, (lock.holder_expires_at or epoch(now)) - epoch(now))
            return CallbackOutcome([throwaway, "busy", str(wait)])
        if lock.previous_session:
            self._retire(lock.previous_session, now)
        conversation_id = new_conversation_id()
        state.last_seen = f"authenticate at {iso(now)}"
        self.store.sessions.create(
            SessionRecord(
                key=key,
                conversation_id=conversation_id,
                connector_id=connector.id,
                username=user.username,
                created_at=iso(now),
                expires_at=expires_at,
                state=state.to_dict(),
            )
        )
        self.store.conversations.put(
            conversation_log.started(
                conversation_id, connector_id=connector.id, username=user.username, now=iso(now)
            )
        )
        self.store.connectors.update(connector.id, {"last_poll_at": iso(now)})
        return CallbackOutcome([ticket, connector.company_file or ""], transcript=conversation_id)

    def _unknown_user_attempt(self, username: str, now: datetime) -> None:
        """The store work of a refused known user, done for an unknown name (see ``authenticate``)."""
        self.store.connectors.find(NO_CONNECTOR)
        self.store.users.record_unknown_attempt(username, now=iso(now))
        self.store.conversations.latest(NO_CONNECTOR)
        self.store.users.stamp_unknown_attempt(username, now=iso(now))

    def _due(self, connector: Connector, now: datetime, *, user_scope: str) -> ConversationState | None:
        """What a conversation of a user of ``user_scope`` would do now, or None when nothing is due (the
        answer is then ``none``).

        Only kinds whose switch is on count: a document whose switch is off waits, queued. A user sends only
        the kinds its scope allows (their customers, vendors and items with them); what it may not send
        waits for a user who may. Reads (lists, paid dates) run for every user.
        """
        lists_due = (
            connector.lists_refresh_requested
            or connector.lists_read_at is None
            or now - parse_iso(connector.lists_read_at) >= LISTS_MAX_AGE
        )
        kinds: dict[str, dict[str, bool]] = {}
        for kind in registry.enabled(connector):
            send = registry.may_send(user_scope, kind) and self.store.transfers.has_pending(
                connector.id, kind.slug
            )
            # A kind whose documents are followed once transferred runs its check in the conversation that sends
            # them when the check is due (the documents just sent are checked one interval later, as every
            # followed one): no conversation of its own just for that.
            sync = registry.sync_due(kind, connector, now) and (
                (send and kind.followed) or self.store.transfers.has_followed(connector.id, kind.slug)
            )
            if send or sync:
                kinds[kind.slug] = {"send": send, "sync": sync}
        if not (lists_due or kinds):
            return None
        for kind in registry.enabled(connector):
            # Reads that ride along (on-hand quantities) run in every conversation that happens anyway.
            if registry.refreshes(kind, connector):
                kinds.setdefault(kind.slug, {"send": False, "sync": False})["sync"] = True
        return ConversationState(lists_due=lists_due, kinds=kinds)

    def _retire(self, key: str, now: datetime) -> None:
        """End an older session of this connector: the same user's QBWC restarted, or it went silent."""
        old = self.store.sessions.get_by_key(key)
        if old is None or old.status != "active":
            return
        reason = (
            REPLACED if old.expires_at > epoch(now) else abandoned_message(self.settings.session_idle_seconds)
        )
        self.store.sessions.mark_replaced(key, reason=reason)
        self._finish_conversation(old, ConversationState.from_dict(old.state or {}), now, unsuccessful=reason)

    # -- the conversation -------------------------------------------------------------------------------

    def _live_session(self, ticket: str, now: datetime, *, check_user: bool = False) -> SessionRecord | None:
        """The session if it is active and alive; an expired one is ended on the way (nothing else changes).

        With ``check_user`` (before anything new is sent), a session whose QBWC user was disabled or deleted
        meanwhile ends here; answers to what was already sent are still recorded.
        """
        session = self.store.sessions.get(ticket)
        if session is None or session.status != "active":
            return None
        if session.expires_at < epoch(now):
            self._retire_expired(session, now)
            return None
        if not check_user:
            return session
        user = self.store.users.find(session.username)
        if user is None or not user.active or user.connector_id != session.connector_id:
            what = "deleted" if user is None or user.connector_id != session.connector_id else "disabled"
            self._end(
                session,
                ConversationState.from_dict(session.state or {}),
                now,
                unsuccessful=f"The QBWC user {session.username} was {what} by an admin while this session ran; "
                "nothing more is exchanged in it. Fix: an admin can enable the user again (or add a new one "
                "and give its .qwc to this PC).",
            )
            return None
        return session

    def _retire_expired(self, session: SessionRecord, now: datetime) -> None:
        session.status = "finished"
        session.last_error = UNKNOWN_TICKET
        try:
            self.store.sessions.save(session)
        except ConcurrentUpdate:
            return
        self.store.sessions.release_lock(session.connector_id, session=session.key)
        self._finish_conversation(
            session,
            ConversationState.from_dict(session.state or {}),
            now,
            unsuccessful=abandoned_message(self.settings.session_idle_seconds),
        )

    def _context(
        self, session: SessionRecord, connector: Connector, state: ConversationState, now: datetime
    ) -> StepContext:
        lists = CommittedQbLists(self.store.qb_lists, connector.id)
        ports = TransferPorts(
            connector_id=connector.id,
            transfers=self.store.transfers,
            customer_links=self.store.customer_links,
            vendor_links=self.store.vendor_links,
            mappings=self.store.mappings,
            connectors=self.store.connectors,
            inventory=self.store.inventory,
            max_per_conversation=self.settings.max_transfers_per_conversation,
        )
        return StepContext(
            connector=connector,
            company=CompanyInfo.from_dict(state.company or {}),
            now=iso(now),
            generation=session.conversation_id,
            list_sink=self.store.qb_lists,
            list_source=lists,
            ports=ports,
        )

    def _engine(
        self, session: SessionRecord, connector: Connector, state: ConversationState, now: datetime
    ) -> ConversationEngine:
        steps, check = company_steps(
            state, page_size=self.settings.list_page_size, requirements=registry.requirements(connector)
        )
        for slug, wanted in state.kinds.items():
            kind = registry.find(slug)
            if kind is None:  # a kind no longer registered has nothing to run
                continue
            # The kinds it runs after, when they send in this conversation (receipts after purchase orders).
            earlier = tuple(
                f"{slug}.add" for slug in kind.runs_after if state.kinds.get(slug, {}).get("send")
            )
            steps += kind.steps(StepsWanted(send=wanted["send"], sync=wanted["sync"]), (check, *earlier))
        return ConversationEngine(state, steps, self._context(session, connector, state, now))

    def send_request_xml(
        self, ticket: str, *, hcp_response: str, company_file: str, qbxml_version: tuple[int, int]
    ) -> CallbackOutcome:
        now = self.clock.now()
        session = self._live_session(ticket, now, check_user=True)
        if session is None:
            return CallbackOutcome("", transcript=self._known(ticket))
        here = session.conversation_id
        state = ConversationState.from_dict(session.state or {})
        connector = self.store.connectors.get(session.connector_id)
        if state.company is None and not self._start(
            session, connector, state, hcp_response, company_file, qbxml_version, now
        ):
            return CallbackOutcome("", transcript=here)
        engine = self._engine(session, connector, state, now)
        try:
            message = engine.next_message(
                max_bytes=self.settings.max_message_bytes, max_requests=self.settings.max_message_requests
            )
            engine.flush()
        except StuckConversation as exc:
            self._end(session, state, now, unsuccessful=f"Internal error: {exc}.")
            return CallbackOutcome("", transcript=here)
        if message is None:
            self._end(session, state, now)
            return CallbackOutcome("", transcript=here)
        state.last_seen = (
            f"sendRequestXML at {iso(now)}: message {state.messages_answered + 1} was handed to QuickBooks "
            "Web Connector and no answer came back"
        )
        self._save(session, state, now)
        return CallbackOutcome(message, transcript=here)

    def _start(
        self,
        session: SessionRecord,
        connector: Connector,
        state: ConversationState,
        hcp_response: str,
        company_file: str,
        qbxml_version: tuple[int, int],
        now: datetime,
    ) -> bool:
        """First sendRequestXML: read the company, check versions and the company file. False = stop here."""
        try:
            company = parse_hcp_response(hcp_response)
        except QbResponseError as exc:
            self._end(
                session, state, now, unsuccessful=f"QuickBooks' company information could not be read: {exc}"
            )
            return False
        state.company = company.to_dict()
        supported = min(qbxml_version, company.max_qbxml_version() or qbxml_version)
        if supported < MIN_QBXML_VERSION:
            self._end(
                session,
                state,
                now,
                unsuccessful=f"This QuickBooks ({company.product_name or 'unknown edition'}) supports qbXML "
                f"{supported[0]}.{supported[1]} at most; qbwc-bridge needs qbXML 13.0, which QuickBooks 2015 and "
                "newer provide. Upgrade QuickBooks Desktop.",
            )
            return False
        conversation = self.store.conversations.get(session.conversation_id)
        conversation.company_file_location = company_file or None
        self.store.conversations.update_if_in_progress(conversation)
        known = connector.company_file_location
        # What QuickBooks said about itself, kept for the dry-run preview (country, sales tax, currencies).
        fields: dict[str, Any] = {"company": company.to_dict()}
        changed_file = bool(
            company_file and known and company_file_key(company_file) != company_file_key(known)
        )
        owner = (
            None
            if not company_file or changed_file
            else self._company_file_owner(connector, company_file, now)
        )
        issue: dict[str, str] | None = None
        if owner is not None:
            fields["company_file_conflict"] = CompanyFileConflict(
                connector_id=owner.id, connector_name=owner.name, location=company_file, found_at=iso(now)
            ).model_dump()
            issue = {
                "code": "company_file_in_use",
                "message": f'QuickBooks Web Connector opened the company file "{company_file}", which belongs to '
                f'connector "{owner.name}" ({owner.id}): one company file, one connector; nothing was sent.',
                "fix": "Run this connector's .qwc on the PC and company file it is meant for (in QBWC, remove the "
                "application added by mistake). If the other connector no longer uses this file, confirm it on this "
                "connector (PATCH confirm_company_file_takeover).",
            }
        elif company_file and not known:
            fields["company_file_location"] = company_file
        elif changed_file:
            fields["pending_company_file_location"] = company_file
            # Quoted as a person writes them: repr() would double every backslash of a Windows path.
            issue = {
                "code": "company_file_changed",
                "message": f"QuickBooks Web Connector is connected to a different company file than before "
                f'("{company_file}" instead of "{known}"); nothing was sent.',
                "fix": "If the company file was moved or renamed on purpose, confirm the new location in the "
                "connector's settings (confirm_company_file_location); otherwise open the right company file "
                "in QuickBooks.",
            }
        self.store.connectors.update(connector.id, fields)
        if issue is not None:
            state.configuration_issues.append(issue)
            state.finished = True
            self._end(session, state, now, last_error=issue["message"])
            return False
        return True

    def _company_file_owner(self, connector: Connector, company_file: str, now: datetime) -> Connector | None:
        """The other connector bound to ``company_file``, or None when it is (now) this connector's.

        The first connector to open a file binds it; a file a connector knew before bindings existed is bound
        to that connector on first sight.
        """
        key = company_file_key(company_file)
        owner_id = self.store.connectors.company_file_owner(key)
        if owner_id is None:
            earlier = [
                c
                for c in self.store.connectors.list()
                if c.id != connector.id
                and c.company_file_location
                and company_file_key(c.company_file_location) == key
            ]
            claimant = earlier[0].id if earlier else connector.id
            owner_id = self.store.connectors.claim_company_file(key, company_file, claimant, now=iso(now))
        return None if owner_id == connector.id else self.store.connectors.get(owner_id)

    def receive_response_xml(
        self, ticket: str, *, response: str, hresult: str, message: str
    ) -> CallbackOutcome:
        now = self.clock.now()
        session = self._live_session(ticket, now)
        if session is None:
            return CallbackOutcome(-1, transcript=self._known(ticket))
        here = session.conversation_id
        state = ConversationState.from_dict(session.state or {})
        if not state.outstanding:
            # A replayed or unexpected response: change nothing.
            return CallbackOutcome(-1, transcript=here)
        if hresult:
            entry = explain_hresult(hresult, message)
            self._end(session, state, now, unsuccessful=f"{entry.explanation} Fix: {entry.fix}")
            return CallbackOutcome(-1, transcript=here)
        connector = self.store.connectors.get(session.connector_id)
        engine = self._engine(session, connector, state, now)
        try:
            progress = engine.apply_response(response)
            engine.flush()
        except QbResponseError as exc:
            self._end(session, state, now, unsuccessful=f"QuickBooks' answer could not be read: {exc}")
            return CallbackOutcome(-1, transcript=here)
        if state.unmatched_answers >= MAX_UNMATCHED_ANSWERS:
            self._end(
                session,
                state,
                now,
                unsuccessful=f"QuickBooks' answers matched none of the requests sent, {state.unmatched_answers} "
                "times in a row, so the conversation stopped instead of sending the same requests again. "
                "Usual causes: another application answered for QuickBooks, or the answer was lost or "
                "altered on the way (a proxy). Fix: make sure only QuickBooks Web Connector talks to this "
                "address and run the update again; documents whose answer was lost are checked in QuickBooks "
                "before anything is sent again.",
            )
            return CallbackOutcome(-1, transcript=here)
        state.last_seen = f"receiveResponseXML at {iso(now)} (answer {state.messages_answered}, {progress}%)"
        if progress >= 100:
            state.finished = True
            self._end(session, state, now)
            if state.lists_due and not any(s.get("failed") for s in state.steps.values()):
                self.store.connectors.update(
                    connector.id, {"lists_read_at": iso(now), "lists_refresh_requested": False}
                )
            return CallbackOutcome(100, transcript=here)
        self._save(session, state, now)
        return CallbackOutcome(progress, transcript=here)

    def connection_error(self, ticket: str, *, hresult: str, message: str) -> CallbackOutcome:
        now = self.clock.now()
        session = self._live_session(ticket, now)
        if session is None:
            return CallbackOutcome("done", transcript=self._known(ticket))
        entry = explain_hresult(hresult, message)
        state = ConversationState.from_dict(session.state or {})
        self._end(
            session,
            state,
            now,
            unsuccessful=f"QuickBooks Web Connector could not connect to QuickBooks ({hresult or 'no code'}: "
            f"{message or 'no message'}). {entry.explanation} Fix: {entry.fix}",
        )
        return CallbackOutcome("done", transcript=session.conversation_id)

    def get_last_error(self, ticket: str) -> CallbackOutcome:
        session = self.store.sessions.get(ticket)
        if session is None:
            return CallbackOutcome(UNKNOWN_TICKET)
        here = session.conversation_id
        if session.status == "replaced":
            return CallbackOutcome(session.last_error or REPLACED, transcript=here)
        return CallbackOutcome(session.last_error or "No further work in this session.", transcript=here)

    def close_connection(self, ticket: str) -> CallbackOutcome:
        now = self.clock.now()
        session = self._live_session(ticket, now)
        if session is not None:
            state = ConversationState.from_dict(session.state or {})
            if state.progress < 100 and not state.finished and state.unsuccessful is None:
                state.unsuccessful = conversation_log.ended_early_message(state)
            self._end(session, state, now)
        known = self.store.sessions.get(ticket)
        conversation = None if known is None else self.store.conversations.find(known.conversation_id)
        if conversation is None or conversation.status == ConversationStatus.IN_PROGRESS:
            return CallbackOutcome("OK", transcript=None if conversation is None else conversation.id)
        return CallbackOutcome(f"OK: {conversation.status}", transcript=conversation.id)

    # -- persistence -------------------------------------------------------------------------------------

    def _known(self, ticket: str) -> str | None:
        """Record a late callback in the transcript of its conversation, if the ticket was ever ours."""
        session = self.store.sessions.get(ticket)
        return None if session is None else session.conversation_id

    def _save(self, session: SessionRecord, state: ConversationState, now: datetime) -> None:
        session.state = state.to_dict()
        session.expires_at = epoch(now) + self.settings.session_idle_seconds
        self.store.sessions.save(session)
        self.store.sessions.extend_lock(
            session.connector_id, session=session.key, expires_at=session.expires_at
        )

    def _end(
        self,
        session: SessionRecord,
        state: ConversationState,
        now: datetime,
        *,
        unsuccessful: str | None = None,
        last_error: str | None = None,
    ) -> None:
        """The conversation is over: save the session as finished, log the outcome, free the connector."""
        if unsuccessful and state.unsuccessful is None:
            state.unsuccessful = unsuccessful
        session.status = "finished"
        session.state = state.to_dict()
        session.last_error = last_error or state.unsuccessful or ""
        self.store.sessions.save(session)
        self.store.sessions.release_lock(session.connector_id, session=session.key)
        self._finish_conversation(session, state, now)

    def _finish_conversation(
        self,
        session: SessionRecord,
        state: ConversationState,
        now: datetime,
        *,
        unsuccessful: str | None = None,
    ) -> None:
        if unsuccessful and state.unsuccessful is None:
            state.unsuccessful = unsuccessful
        conversation = self.store.conversations.find(session.conversation_id)
        if conversation is None or conversation.status != ConversationStatus.IN_PROGRESS:
            return  # ended already: the first ending stands
        finished = conversation_log.finish(conversation, state, now=iso(now))
        if self.store.conversations.update_if_in_progress(finished):
            # After the log entry is stored; never raises, and SES gets one short attempt at most.
            notify_conversation_end(self.store, self.mailer, self.settings, now, finished)


# Up to 9 digits a part: a longer run is no version QBWC has (and int() of thousands of digits is refused).
_VERSION = re.compile(r"^\s*(\d{1,9})(?:\.(\d{1,9}))?(?:\.(\d{1,9}))?(?:\.(\d{1,9}))?(?!\d)")


def client_version_answer(version: str) -> str:
    """ "" for QBWC 2.1.0.30 and newer; a warning (not a refusal) for older or unreadable versions."""
    match = _VERSION.match(version or "")
    if match is None:
        return ""
    parts = tuple(int(p or 0) for p in match.groups())
    if parts < MIN_QBWC_VERSION:
        return (
            "W:This QuickBooks Web Connector is older than 2.1.0.30. It may work, but please upgrade to the "
            "current QBWC from Intuit."
        )
    return ""
