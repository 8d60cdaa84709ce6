"""The one catalogue of failures: every explanation a person reads about a QuickBooks problem comes from here.

Two sources of failure exist. QuickBooks answers each request with a qbXML ``statusCode``
(``explain_status``); the Web Connector reports that it could not reach or open QuickBooks at all with a
COM ``hresult`` in connectionError and receiveResponseXML (``explain_hresult``). Both return a
``CatalogueEntry`` written for the bookkeeper at the QuickBooks computer, not for a developer.

``actor`` is who can fix the problem if it does not clear up by itself: the person using QuickBooks, the
bridge's admin (mappings, settings) or support (a fault in the bridge). ``retryable`` means the same
request may well succeed later without anyone changing a setting.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Literal

Actor = Literal["quickbooks_user", "admin", "support"]


@dataclass(frozen=True)
class CatalogueEntry:
    """What went wrong and how to fix it, in plain language."""

    code: str
    title: str
    explanation: str
    fix: str
    actor: Actor
    retryable: bool


# Someone else is working in the record or list, or it changed under us: try again, it is not a failure of
# the record itself (these never count as an attempt).
RETRYABLE_STATUS_CODES = frozenset({3170, 3175, 3176, 3180, 3200})

_INTEGRATED_APPLICATIONS = (
    "In QuickBooks, log in as the Admin user and open Edit > Preferences > Integrated Applications > "
    "Company Preferences."
)

_IN_USE_FIX = (
    "Close the record in QuickBooks, or wait until whoever is working in it has finished. The bridge tries "
    "again in the next conversation; nothing else needs to change."
)

_STATUS_ENTRIES: dict[int, CatalogueEntry] = {
    0: CatalogueEntry(
        code="qb_ok",
        title="Done",
        explanation="QuickBooks carried out the request.",
        fix="Nothing to do.",
        actor="admin",
        retryable=False,
    ),
    1: CatalogueEntry(
        code="qb_no_match",
        title="Nothing found",
        explanation="QuickBooks has nothing that matches what the bridge looked for. This is not an error.",
        fix="Nothing to do.",
        actor="admin",
        retryable=False,
    ),
    500: CatalogueEntry(
        code="qb_some_objects_not_found",
        title="Some records were not found",
        explanation="QuickBooks answered, but some of the records the bridge asked about do not exist.",
        fix="Nothing to do unless a mapping points to a record that was deleted or renamed in QuickBooks.",
        actor="admin",
        retryable=False,
    ),
    3100: CatalogueEntry(
        code="qb_name_in_use",
        title="The name is already taken",
        explanation="QuickBooks already has a record with this name, so it did not create a second one.",
        fix=(
            "Usually nothing: the bridge links to the existing record. If QuickBooks uses the name for a "
            "different kind of record (for example a vendor with a customer's name), rename one of them."
        ),
        actor="admin",
        retryable=False,
    ),
    3120: CatalogueEntry(
        code="qb_object_not_found",
        title="A record the bridge knew about is gone",
        explanation=(
            "QuickBooks could not find a record the bridge referred to; it was probably deleted or merged."
        ),
        fix="Refresh the QuickBooks lists in the bridge and check the mappings that pointed to that record.",
        actor="admin",
        retryable=False,
    ),
    3130: CatalogueEntry(
        code="qb_invalid_parent_reference",
        title="The parent record does not exist",
        explanation=(
            "The record belongs under a parent record (a sub-customer "
            "or sub-item) that QuickBooks does not have."
        ),
        fix=(
            "Create the parent record in QuickBooks first (or "
            "map to an existing one), then requeue the transfer."
        ),
        actor="admin",
        retryable=False,
    ),
    3140: CatalogueEntry(
        code="qb_invalid_reference",
        title="Something the transfer refers to is missing in QuickBooks",
        explanation=(
            "The transfer refers to an account, customer, item, "
            "class or other record QuickBooks does not have."
        ),
        fix=(
            "Check the mappings: map the missing record to one that exists in QuickBooks, or create it there."
        ),
        actor="admin",
        retryable=False,
    ),
    3170: CatalogueEntry(
        code="qb_record_in_use",
        title="The record is in use in QuickBooks",
        explanation=(
            "Someone is working in this record or list in QuickBooks, so the change could not be saved."
        ),
        fix=_IN_USE_FIX,
        actor="quickbooks_user",
        retryable=True,
    ),
    3175: CatalogueEntry(
        code="qb_record_locked",
        title="The record is locked in QuickBooks",
        explanation="QuickBooks could not reserve the record, because someone else is using it.",
        fix=_IN_USE_FIX,
        actor="quickbooks_user",
        retryable=True,
    ),
    3176: CatalogueEntry(
        code="qb_record_busy",
        title="The record is being changed in QuickBooks",
        explanation="Someone else is changing this record in QuickBooks at the same time.",
        fix=_IN_USE_FIX,
        actor="quickbooks_user",
        retryable=True,
    ),
    3180: CatalogueEntry(
        code="qb_record_not_saved",
        title="QuickBooks could not save the record right now",
        explanation=(
            "QuickBooks could not save the record, most often because someone else was working in the same "
            "list or record at that moment."
        ),
        fix=(
            "The bridge tries again in the next conversation. If this keeps happening, QuickBooks' message "
            "says what it objects to."
        ),
        actor="quickbooks_user",
        retryable=True,
    ),
    3200: CatalogueEntry(
        code="qb_record_changed",
        title="The record changed in QuickBooks",
        explanation="The record was changed in QuickBooks after the bridge last read it.",
        fix="Nothing to do: the bridge reads the record again and repeats the change.",
        actor="support",
        retryable=True,
    ),
    3210: CatalogueEntry(
        code="qb_value_rejected",
        title="QuickBooks rejected a value",
        explanation="QuickBooks refused one of the values in this transfer.",
        fix=(
            "Correct the value named in QuickBooks' message (in "
            "the source record or the mapping) and requeue."
        ),
        actor="admin",
        retryable=False,
    ),
    3250: CatalogueEntry(
        code="qb_feature_not_enabled",
        title="A QuickBooks feature is turned off",
        explanation=(
            "The transfer needs a feature that is turned off or not available in this edition of QuickBooks."
        ),
        fix=(
            "Turn the feature on in QuickBooks (Edit > Preferences, as the Admin user), or turn off the "
            "transfer that needs it."
        ),
        actor="quickbooks_user",
        retryable=False,
    ),
    3260: CatalogueEntry(
        code="qb_insufficient_permission",
        title="The bridge's QuickBooks user may not do this",
        explanation="The QuickBooks user the bridge logs in as does not have permission for this change.",
        fix=(
            f"{_INTEGRATED_APPLICATIONS} Select the bridge, click Properties and choose a 'Login as' user "
            "with the needed permissions (such as Admin), or give that user's role the permission."
        ),
        actor="quickbooks_user",
        retryable=False,
    ),
    3261: CatalogueEntry(
        code="qb_personal_data_not_allowed",
        title="The bridge may not use personal data",
        explanation=(
            "QuickBooks does not allow the bridge to read or write personal data in this company file."
        ),
        fix=(
            f"{_INTEGRATED_APPLICATIONS} Select the bridge, click Properties and tick 'Allow this "
            "application to access Social Security Numbers, customer credit card information, and other "
            "personal data'."
        ),
        actor="quickbooks_user",
        retryable=False,
    ),
    3391: CatalogueEntry(
        code="qb_iterator_expired",
        title="A list read was interrupted",
        explanation=(
            "QuickBooks forgot where the bridge was in a long list, which happens when a conversation ends."
        ),
        fix="Nothing to do: the bridge reads that list again from the start.",
        actor="support",
        retryable=False,
    ),
}

# Intuit's status code ranges, for codes without an entry of their own (checked in order).
_STATUS_RANGES: tuple[tuple[range, CatalogueEntry], ...] = (
    (
        range(500, 1000),
        CatalogueEntry(
            code="qb_warning",
            title="QuickBooks answered with a warning",
            explanation=(
                "QuickBooks carried out the request, but the result may not be quite what was expected."
            ),
            fix="Check the record in QuickBooks.",
            actor="admin",
            retryable=False,
        ),
    ),
    (
        range(1000, 2000),
        CatalogueEntry(
            code="qb_internal_error",
            title="QuickBooks had an internal problem",
            explanation="QuickBooks could not process the request because of a problem inside QuickBooks.",
            fix="Restart QuickBooks. If the problem comes back, contact support.",
            actor="support",
            retryable=False,
        ),
    ),
    (
        range(2000, 3000),
        CatalogueEntry(
            code="qb_request_not_supported",
            title="This QuickBooks does not support the request",
            explanation="This edition or version of QuickBooks does not support what the bridge asked for.",
            fix="Contact support with the name of your QuickBooks edition and version.",
            actor="support",
            retryable=False,
        ),
    ),
    (
        range(3000, 3100),
        CatalogueEntry(
            code="qb_invalid_value_format",
            title="QuickBooks could not read a value",
            explanation=(
                "A value the bridge sent is not in a form QuickBooks accepts. This is a fault in the bridge."
            ),
            fix="Contact support; nothing needs to change in QuickBooks.",
            actor="support",
            retryable=False,
        ),
    ),
)

# QuickBooks' wording for a missing reference, e.g. 'There is an invalid reference to QuickBooks
# Customer "Joe Smith" in the SalesOrder.' or (3130) 'There is an invalid reference to a parent "X" in the
# Customers list.'
_INVALID_REFERENCE = re.compile(
    r'invalid reference to (?:QuickBooks |a )?(?P<kind>[A-Za-z][A-Za-z ]*?) "(?P<name>[^"]*)"'
    r"(?: in the (?P<place>[A-Za-z][A-Za-z ]*?))?\s*\."
)


def explain_status(status_code: int, status_message: str = "") -> CatalogueEntry:
    """The catalogue entry for a qbXML ``statusCode``; any message from QuickBooks is quoted in it."""
    entry = _STATUS_ENTRIES.get(status_code)
    if entry is None:
        entry = next((e for codes, e in _STATUS_RANGES if status_code in codes), None)
    if entry is None:
        entry = CatalogueEntry(
            code="qb_error",
            title="QuickBooks reported an error",
            explanation=f"QuickBooks refused the request (status code {status_code}).",
            fix="QuickBooks' message below says what it objects to; if it is not clear, contact support.",
            actor="support",
            retryable=False,
        )
    if status_code in (3130, 3140):
        entry = _with_reference(entry, status_code, status_message)
    if status_code >= 500 and status_message.strip():
        entry = dataclasses.replace(
            entry, explanation=f'{entry.explanation} QuickBooks said: "{status_message.strip()}"'
        )
    return entry


def _with_reference(entry: CatalogueEntry, status_code: int, message: str) -> CatalogueEntry:
    """Name the missing record when QuickBooks' message says which one it is."""
    match = _INVALID_REFERENCE.search(message)
    if match is None:
        return entry
    kind, name, place = match.group("kind"), match.group("name"), match.group("place")
    where = f" (used in the {place})" if place else ""
    if status_code == 3130:
        return dataclasses.replace(
            entry,
            explanation=(
                f'QuickBooks has no parent record "{name}"{where}, so it cannot put this record under it.'
            ),
            fix=(
                f'Create "{name}" in QuickBooks first (or map to '
                "an existing parent), then requeue the transfer."
            ),
        )
    return dataclasses.replace(
        entry,
        explanation=f'QuickBooks has no active {kind} "{name}"{where} (it is missing, or made inactive).',
        fix=(
            f'Create the {kind} "{name}" in QuickBooks (or make it active again), or correct the name where it '
            "comes from: a mapping, or the document itself (accounts on bills and journal entries are taken as "
            "written); then requeue the transfer."
        ),
    )


_HRESULT_ENTRIES: dict[int, CatalogueEntry] = {
    0x80040400: CatalogueEntry(
        code="qbwc_request_not_understood",
        title="QuickBooks could not read what the bridge sent",
        explanation=(
            "QuickBooks could not make sense of the data the bridge sent, so it did "
            "nothing with it. This is a fault in the bridge, not in your company file."
        ),
        fix="Nothing to change in QuickBooks. Contact support and mention when this happened.",
        actor="support",
        retryable=False,
    ),
    0x80040401: CatalogueEntry(
        code="qbwc_cannot_reach_quickbooks",
        title="Could not connect to QuickBooks",
        explanation="The Web Connector could not connect to QuickBooks on this computer.",
        fix=(
            "Check that QuickBooks Desktop opens normally on the computer where the Web Connector runs. If "
            "QuickBooks seems stuck, restart the computer, then run the Web Connector again."
        ),
        actor="quickbooks_user",
        retryable=True,
    ),
    0x80040402: CatalogueEntry(
        code="qbwc_unexpected_quickbooks_error",
        title="QuickBooks had an unexpected problem",
        explanation="QuickBooks ran into an unexpected problem while the Web Connector was talking to it.",
        fix=(
            "Run the Web Connector again. If it happens again, contact support and send them the QuickBooks "
            "SDK log file (qbsdklog.txt) from the QuickBooks computer."
        ),
        actor="support",
        retryable=True,
    ),
    0x80040403: CatalogueEntry(
        code="qbwc_cannot_open_company_file",
        title="QuickBooks could not open the company file",
        explanation=(
            "QuickBooks could not open the company file the Web Connector asked for. It may have been moved "
            "or renamed, or be on a network drive that is not available."
        ),
        fix=(
            "Check that the company file opens in QuickBooks from its usual place. If it was moved, ask your "
            "administrator to update the company file location for the connector."
        ),
        actor="quickbooks_user",
        retryable=False,
    ),
    0x80040407: CatalogueEntry(
        code="qbwc_quickbooks_installation_incomplete",
        title="QuickBooks is not completely installed",
        explanation="The QuickBooks installation on this computer appears to be incomplete.",
        fix="Repair or reinstall QuickBooks Desktop on this computer, then run the Web Connector again.",
        actor="quickbooks_user",
        retryable=False,
    ),
    0x80040408: CatalogueEntry(
        code="qbwc_cannot_start_quickbooks",
        title="Could not start QuickBooks",
        explanation="The Web Connector could not start QuickBooks on this computer.",
        fix=(
            "Open QuickBooks yourself, log in to the company file and leave it "
            "open, then run the Web Connector again. If QuickBooks shows a "
            "message or an update prompt when it starts, deal with that first."
        ),
        actor="quickbooks_user",
        retryable=True,
    ),
    0x8004040A: CatalogueEntry(
        code="qbwc_different_company_file_open",
        title="A different company file is open",
        explanation="QuickBooks has another company file open than the one connected to the bridge.",
        fix=(
            "Close the other company file (File > Close Company) or open the "
            "one connected to the bridge, then run the Web Connector again."
        ),
        actor="quickbooks_user",
        retryable=True,
    ),
    0x80040410: CatalogueEntry(
        code="qbwc_company_file_open_in_other_mode",
        title="The company file is open in a different mode",
        explanation=(
            "The company file is open in single-user or multi-user mode, but not in the mode the Web "
            "Connector asked for; for example someone has it open in single-user mode on another computer."
        ),
        fix=(
            "Ask everyone to close the company file, or switch it to multi-user mode (File > Switch to "
            "Multi-user Mode), then run the Web Connector again."
        ),
        actor="quickbooks_user",
        retryable=True,
    ),
    0x80040414: CatalogueEntry(
        code="qbwc_quickbooks_dialog_open",
        title="A window is open in QuickBooks",
        explanation=(
            "QuickBooks is showing a message or window, and no "
            "other program can work with it until it is closed."
        ),
        fix=(
            "Go to the QuickBooks computer, answer or close the "
            "open window, then run the Web Connector again."
        ),
        actor="quickbooks_user",
        retryable=True,
    ),
    0x80040416: CatalogueEntry(
        code="qbwc_quickbooks_not_running",
        title="QuickBooks is not running",
        explanation=(
            "QuickBooks is not running, and the Web Connector was not told which company file to open, so it "
            "could not start it."
        ),
        fix=(
            "Open QuickBooks with the company file and run the Web Connector again. To let it run while "
            "QuickBooks is closed, ask your administrator to set the company file location for the connector."
        ),
        actor="quickbooks_user",
        retryable=True,
    ),
    0x80040417: CatalogueEntry(
        code="qbwc_no_company_file_open",
        title="No company file is open in QuickBooks",
        explanation=(
            "QuickBooks is running without a company file open, "
            "and the Web Connector was not told which one to open."
        ),
        fix=(
            "Open the company file in QuickBooks and run the Web Connector again. To avoid this, ask your "
            "administrator to set the company file location for the connector."
        ),
        actor="quickbooks_user",
        retryable=True,
    ),
    0x80040418: CatalogueEntry(
        code="qbwc_application_not_yet_authorised",
        title="The bridge has not been allowed into this company file yet",
        explanation=(
            "This is the first time the bridge connects to this company file, and only the QuickBooks Admin "
            "user can allow that. When nobody is at QuickBooks, it cannot ask."
        ),
        fix=(
            "Log in to QuickBooks as the Admin user with the company file open in single-user mode, then "
            "run the Web Connector. When QuickBooks asks about the bridge's certificate, choose 'Yes, "
            "always; allow access even if QuickBooks is not running' so it can also run unattended."
        ),
        actor="quickbooks_user",
        retryable=False,
    ),
    0x8004041A: CatalogueEntry(
        code="qbwc_application_access_denied",
        title="QuickBooks does not let the bridge into this company file",
        explanation=(
            "The bridge is not allowed to access this company file "
            "in QuickBooks' Integrated Applications settings."
        ),
        fix=(
            f"{_INTEGRATED_APPLICATIONS} Tick 'Allow Access' for the bridge; to let it run unattended, click "
            "Properties and tick 'Allow this application to login automatically'. Then run the Web Connector "
            "again."
        ),
        actor="quickbooks_user",
        retryable=False,
    ),
    0x8004041B: CatalogueEntry(
        code="qbwc_company_file_busy",
        title="QuickBooks was busy",
        explanation="QuickBooks could not reserve the company file for the bridge at that moment.",
        fix=(
            "Nothing to change: the Web Connector tries again at its "
            "next run. If it keeps happening, run it at a quieter time."
        ),
        actor="quickbooks_user",
        retryable=True,
    ),
    0x8004041C: CatalogueEntry(
        code="qbwc_quickbooks_internal_error",
        title="QuickBooks had a problem opening the company file",
        explanation="QuickBooks ran into an internal problem while opening the company file for the bridge.",
        fix=(
            "Run the Web Connector again. If it keeps happening, check the company file in QuickBooks with "
            "File > Utilities > Verify Data."
        ),
        actor="quickbooks_user",
        retryable=True,
    ),
    0x8004041D: CatalogueEntry(
        code="qbwc_automatic_login_not_allowed",
        title="The bridge may not log in to QuickBooks by itself",
        explanation=(
            "QuickBooks does not allow the bridge to log in to this "
            "company file automatically, so it cannot run unattended."
        ),
        fix=(
            f"{_INTEGRATED_APPLICATIONS} Select the bridge, click Properties, tick 'Allow "
            "this application to login automatically' and choose the user it logs in as."
        ),
        actor="quickbooks_user",
        retryable=False,
    ),
    0x8004041E: CatalogueEntry(
        code="qbwc_certificate_expired",
        title="The bridge's QuickBooks certificate has expired",
        explanation=(
            "QuickBooks no longer lets the bridge log in automatically because its certificate has expired."
        ),
        fix=(
            "Log in to QuickBooks with the company file open and run the Web Connector. When QuickBooks says "
            "the certificate has expired, choose to allow it always."
        ),
        actor="quickbooks_user",
        retryable=False,
    ),
    0x80040420: CatalogueEntry(
        code="qbwc_quickbooks_user_denied_access",
        title="Access to QuickBooks was refused",
        explanation=(
            "QuickBooks refused the bridge: someone answered No when QuickBooks "
            "asked whether to let it in, or its access was turned off later."
        ),
        fix=(
            f"{_INTEGRATED_APPLICATIONS} Tick 'Allow Access' "
            "for the bridge, then run the Web Connector again."
        ),
        actor="quickbooks_user",
        retryable=False,
    ),
    0x80040422: CatalogueEntry(
        code="qbwc_company_file_shared_with_other_program",
        title="Another program is using the company file",
        explanation=(
            "The Web Connector needed the company file to itself, "
            "but another program is already working with it."
        ),
        fix=(
            "Close the other programs connected to QuickBooks, or wait "
            "until they finish, then run the Web Connector again."
        ),
        actor="quickbooks_user",
        retryable=True,
    ),
    0x80040423: CatalogueEntry(
        code="qbwc_qbxml_version_not_supported",
        title="This QuickBooks is too old for the bridge",
        explanation=(
            "QuickBooks does not understand the version of the exchange format the bridge asked for, "
            "usually because this QuickBooks is older than 2015 or has not been updated."
        ),
        fix=(
            "Make sure QuickBooks Desktop 2015 or newer is installed and up to "
            "date (Help > Update QuickBooks Desktop). If it is, contact support."
        ),
        actor="support",
        retryable=False,
    ),
    0x80040424: CatalogueEntry(
        code="qbwc_quickbooks_still_starting",
        title="QuickBooks was still starting",
        explanation="QuickBooks had not finished starting up when the Web Connector tried to use it.",
        fix=(
            "Nothing to change: wait a moment and run the Web Connector "
            "again (or let it run at its next scheduled time)."
        ),
        actor="quickbooks_user",
        retryable=True,
    ),
    0x80040427: CatalogueEntry(
        code="qbwc_quickbooks_not_registered",
        title="QuickBooks needs to be registered",
        explanation=(
            "This copy of QuickBooks has not been registered, "
            "and QuickBooks refuses other programs until it is."
        ),
        fix="Open QuickBooks, complete its registration when it asks, then run the Web Connector again.",
        actor="quickbooks_user",
        retryable=False,
    ),
}

_HEX_HRESULT = re.compile(r"(?:0x)?([0-9a-f]{1,8})", re.IGNORECASE)
_DECIMAL_HRESULT = re.compile(r"-?[0-9]+")


def normalise_hresult(hresult: str) -> str | None:
    """``hresult`` as ``0x8004040A`` (upper-case hex, 8 digits), or None when it is not an HRESULT.

    QBWC and its logs spell them ``0x80040408``, ``0X8004040a``, ``80040408`` or, as a signed 32-bit
    integer, ``-2147220472``. Eight digits without a sign are hex (that is how an HRESULT is written);
    signed or longer numbers are decimal.
    """
    text = hresult.strip()
    value: int | None = None
    if text.lower().startswith("0x") or (len(text) == 8 and _HEX_HRESULT.fullmatch(text)):
        match = _HEX_HRESULT.fullmatch(text)
        value = int(match.group(1), 16) if match else None
    elif _DECIMAL_HRESULT.fullmatch(text):
        value = int(text)
        if value < 0:
            value += 1 << 32
    if value is None or not 0 <= value < 1 << 32:
        return None
    return f"0x{value:08X}"


def explain_hresult(hresult: str, message: str = "") -> CatalogueEntry:
    """The catalogue entry for an HRESULT QBWC reported; unknown ones quote the code and QBWC's message."""
    normalised = normalise_hresult(hresult)
    entry = None if normalised is None else _HRESULT_ENTRIES.get(int(normalised, 16))
    if entry is not None:
        return entry
    quoted = f' The Web Connector said: "{message.strip()}"' if message.strip() else ""
    return CatalogueEntry(
        code="qbwc_error",
        title="The Web Connector could not work with QuickBooks",
        explanation=(
            f"The Web Connector reported error {normalised or hresult.strip() or '(no code)'}.{quoted}"
        ),
        fix=(
            "Check that QuickBooks is open with the right company file and no "
            "window is waiting for an answer, then run the Web Connector "
            "again. If it happens again, contact support with the error code."
        ),
        actor="support",
        retryable=False,
    )
