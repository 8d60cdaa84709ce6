"""The journal-entry requests: JournalEntryAdd and the JournalEntryQuery by RefNumber."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from chalicelib.qbxml.document import render_request_message
from chalicelib.qbxml.invoices import Ref
from chalicelib.qbxml.journal_entries import (
    ADD_RET_ELEMENTS,
    JournalEntrySpec,
    JournalLineSpec,
    build_journal_entry_add,
    build_journal_entry_query_by_ref_numbers,
)
from chalicelib.qbxml.validation import qbxml_errors
from chalicelib.safe_xml import parse_xml
from tests.qbxml.schema import XSD, element_names_within, schema_definition

GUID = "{6B29FC40-CA47-1067-B31D-00DD010662DA}"

DEBIT = JournalLineSpec(
    account=Ref(full_name="Work in Progress"),
    amount=Decimal("100"),
    memo="Project 88",
    class_=Ref(full_name="Projects"),
)
CREDIT = JournalLineSpec(
    account=Ref(list_id="80000021-1700000000", full_name="Revenue:Services"),
    amount=Decimal("100.00"),
    entity=Ref(full_name="Acme Dental"),
)
FULL_SPEC = JournalEntrySpec(
    txn_date="2026-11-30",
    ref_number="JE12",
    external_guid=GUID,
    debits=(DEBIT,),
    credits=(CREDIT,),
    memo="WIP accrual",
)


def tags(element: etree._Element) -> list[str]:
    return [child.tag for child in element]


def valid(*requests: etree._Element) -> list[str]:
    return qbxml_errors(render_request_message(list(requests)))


def line(amount: str, **changes: object) -> JournalLineSpec:
    fields: dict[str, object] = {"account": Ref(full_name="Accrued Liabilities"), "amount": Decimal(amount)}
    return JournalLineSpec(**(fields | changes))  # type: ignore[arg-type]


def entry(**changes: object) -> JournalEntrySpec:
    fields: dict[str, object] = {
        "txn_date": "2026-11-30",
        "ref_number": "JE12",
        "external_guid": GUID,
        "debits": (line("100"),),
        "credits": (line("100"),),
    }
    return JournalEntrySpec(**(fields | changes))  # type: ignore[arg-type]


# --- JournalEntryAdd -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        FULL_SPEC,
        entry(),
        entry(debits=(line("33.33"), line("33.33"), line("33.34")), credits=(line("100"),)),
        entry(debits=(line("0.01"),), credits=(line("0.01", entity=Ref(list_id="80000005-1700000000")),)),
    ],
    ids=["full", "minimal", "split", "a-cent"],
)
def test_journal_entry_add_is_valid_qbxml(spec: JournalEntrySpec) -> None:
    assert valid(build_journal_entry_add("je-1", spec)) == []


def test_journal_entry_add_writes_every_field_in_schema_order() -> None:
    request = build_journal_entry_add("je-1", FULL_SPEC)

    assert request.tag == "JournalEntryAddRq"
    assert request.items() == [("requestID", "je-1")]
    assert tags(request) == ["JournalEntryAdd", *["IncludeRetElement"] * len(ADD_RET_ELEMENTS)]
    add = request.find("JournalEntryAdd")
    assert add is not None
    assert tags(add) == ["TxnDate", "RefNumber", "ExternalGUID", "JournalDebitLine", "JournalCreditLine"]
    assert add.findtext("TxnDate") == "2026-11-30"
    assert add.findtext("RefNumber") == "JE12"
    assert add.findtext("ExternalGUID") == GUID

    debit = add.find("JournalDebitLine")
    assert debit is not None
    assert tags(debit) == ["AccountRef", "Amount", "Memo", "ClassRef"]
    assert debit.findtext("AccountRef/FullName") == "Work in Progress"
    assert debit.findtext("Amount") == "100.00"
    assert debit.findtext("Memo") == "Project 88"
    assert debit.findtext("ClassRef/FullName") == "Projects"

    credit = add.find("JournalCreditLine")
    assert credit is not None
    assert tags(credit) == ["AccountRef", "Amount", "Memo", "EntityRef"]
    assert tags(credit.find("AccountRef")) == ["ListID"]  # type: ignore[arg-type]
    assert credit.findtext("AccountRef/ListID") == "80000021-1700000000"
    assert credit.findtext("Amount") == "100.00"
    assert credit.findtext("EntityRef/FullName") == "Acme Dental"


def test_the_entry_memo_goes_on_the_lines_without_one() -> None:
    # QuickBooks Desktop has no memo on the entry itself (the reference marks JournalEntryAdd's Memo
    # "not in QBD"): it is never written there.
    request = build_journal_entry_add("je-1", FULL_SPEC)

    assert request.find("JournalEntryAdd/Memo") is None
    assert request.findtext("JournalEntryAdd/JournalDebitLine/Memo") == "Project 88"
    assert request.findtext("JournalEntryAdd/JournalCreditLine/Memo") == "WIP accrual"


def test_without_any_memo_no_line_has_one() -> None:
    add = build_journal_entry_add("je-1", entry()).find("JournalEntryAdd")
    assert add is not None

    assert tags(add) == ["TxnDate", "RefNumber", "ExternalGUID", "JournalDebitLine", "JournalCreditLine"]
    assert add.find(".//Memo") is None
    assert tags(add.find("JournalDebitLine")) == ["AccountRef", "Amount"]  # type: ignore[arg-type]


def test_debits_are_written_before_credits_in_their_order() -> None:
    spec = entry(
        debits=(line("60", memo="d1"), line("40", memo="d2")),
        credits=(line("70", memo="c1"), line("20", memo="c2"), line("10", memo="c3")),
    )
    add = build_journal_entry_add("je-1", spec).find("JournalEntryAdd")
    assert add is not None

    assert tags(add)[3:] == ["JournalDebitLine"] * 2 + ["JournalCreditLine"] * 3
    assert [e.text for e in add.iterfind("*/Memo")] == ["d1", "d2", "c1", "c2", "c3"]
    assert [e.text for e in add.iterfind("*/Amount")] == ["60.00", "40.00", "70.00", "20.00", "10.00"]


def test_the_schema_takes_debit_and_credit_lines_as_one_repeated_choice() -> None:
    sequence = schema_definition("element", "JournalEntryAdd").find(f"{XSD}complexType/{XSD}sequence")
    assert sequence is not None
    choice = sequence[-1]

    assert choice.tag == f"{XSD}choice"
    assert choice.get("maxOccurs") == "unbounded"
    assert choice.get("minOccurs") is None  # at least one line
    assert [node.get("ref") for node in choice] == ["JournalDebitLine", "JournalCreditLine"]


def test_the_add_asks_back_only_what_the_bridge_reads() -> None:
    request = build_journal_entry_add("je-1", entry())

    assert [e.text for e in request.findall("IncludeRetElement")] == [
        "TxnID",
        "TimeCreated",
        "RefNumber",
        "ExternalGUID",
    ]
    assert set(ADD_RET_ELEMENTS) <= element_names_within(schema_definition("element", "JournalEntryRet"))


def test_text_needing_escapes_round_trips() -> None:
    spec = entry(
        memo='Accrual & "WIP" <Nov>',
        debits=(line("5", entity=Ref(full_name="O'Brien & Co")),),
        credits=(line("5"),),
    )
    document = render_request_message([build_journal_entry_add("a&b", spec)])

    assert qbxml_errors(document) == []
    parsed = parse_xml(document).find("QBXMLMsgsRq/JournalEntryAddRq/JournalEntryAdd")
    assert parsed is not None
    assert parsed.findtext("JournalDebitLine/EntityRef/FullName") == "O'Brien & Co"
    assert parsed.findtext("JournalCreditLine/Memo") == 'Accrual & "WIP" <Nov>'


def test_limits_are_fine_at_the_limit() -> None:
    spec = entry(
        ref_number="J" * 11,
        memo="m" * 4095,
        debits=(line("9999999999999.99"),),
        credits=(line("9999999999999.99", memo="n" * 4095),),
    )

    assert valid(build_journal_entry_add("je-1", spec)) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"debits": ()}, "at least one debit line and one credit line"),
        ({"credits": ()}, "at least one debit line and one credit line"),
        ({"credits": (line("99.99"),)}, r"debits \(100\) and credits \(99.99\) differ"),
        ({"debits": (line("60"), line("40.01"))}, "differ"),
        ({"debits": (line("0"),), "credits": (line("0"),)}, "debit line 1 is 0; .* more than zero"),
        ({"debits": (line("-100"),), "credits": (line("-100"),)}, "debit line 1 is -100"),
        ({"debits": (line("100"), line("-5")), "credits": (line("95"),)}, "debit line 2 is -5"),
        ({"credits": (line("50"), line("50.001"))}, "credit line 2 is 50.001, which has fractions of a cent"),
        (
            {"debits": (line("33.333"), line("33.333"), line("33.334")), "credits": (line("100"),)},
            "debit line 1 is 33.333, which has fractions of a cent",
        ),
        ({"debits": (line("NaN"),)}, "must be a number"),
        ({"debits": (line("1E13"),), "credits": (line("1E13"),)}, "at most 13 digits"),
        ({"txn_date": "30.11.2026"}, "TxnDate must be a date"),
        ({"ref_number": "J" * 12}, "at most 11"),
        ({"ref_number": ""}, "RefNumber cannot be empty"),
        ({"memo": "m" * 4096}, "the memo is 4096 characters"),
        ({"credits": (line("100", memo="m" * 4096),)}, "memo of credit line 1 is 4096"),
        ({"external_guid": "{not-a-guid}"}, "ExternalGUID must look like"),
        ({"debits": (line("100", account=Ref()),)}, "AccountRef needs a ListID or a FullName"),
        ({"credits": (line("100", entity=Ref(full_name="")),)}, "EntityRef needs a ListID or a FullName"),
        ({"credits": (line("100", class_=Ref()),)}, "ClassRef needs a ListID or a FullName"),
    ],
)
def test_what_quickbooks_would_refuse_is_refused_here(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_journal_entry_add("je-1", entry(**changes))


def test_the_same_add_renders_twice_unchanged() -> None:
    request = build_journal_entry_add("je-1", FULL_SPEC)

    assert render_request_message([request]) == render_request_message([request])


# --- JournalEntryQuery by RefNumber --------------------------------------------------------------------


@pytest.mark.parametrize("ref_numbers", [["JE12"], ["JE12", "JE13", "A&B"]])
def test_journal_entry_query_is_valid_qbxml(ref_numbers: list[str]) -> None:
    assert valid(build_journal_entry_query_by_ref_numbers("jq-1", ref_numbers)) == []


def test_journal_entry_query_asks_for_what_finds_a_lost_add() -> None:
    request = build_journal_entry_query_by_ref_numbers("jq-1", ["JE12", "JE13"])

    assert request.tag == "JournalEntryQueryRq"
    assert request.items() == [("requestID", "jq-1")]
    assert tags(request) == ["RefNumber", "RefNumber", *["IncludeRetElement"] * 4]
    assert [e.text for e in request.findall("RefNumber")] == ["JE12", "JE13"]
    assert [e.text for e in request.findall("IncludeRetElement")] == list(ADD_RET_ELEMENTS)


@pytest.mark.parametrize(("ref_numbers", "message"), [([], "every transaction"), ([""], "cannot be empty")])
def test_journal_entry_query_without_ref_numbers_is_refused(ref_numbers: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_journal_entry_query_by_ref_numbers("jq-1", ref_numbers)
