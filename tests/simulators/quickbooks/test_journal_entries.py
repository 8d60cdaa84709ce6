"""General journal entries through qbXML (JournalEntryAdd, JournalEntryQuery). Every request here passes the
qbXML 13.0 schema (the simulator refuses any that does not) and every answer is checked against it
(``helpers.answers``)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from simulators.quickbooks import Account, OtherName, QuickBooksCompany
from tests.simulators.quickbooks.helpers import add, answers, ask, only, qbxml, ref, status

NO_SUCH_RECORD = (
    "QuickBooks error message: Invalid argument.  The specified record does not exist in the list."
)
GUID_A = "{6B29FC40-CA47-1067-B31D-00DD010662DA}"


@pytest.fixture
def company() -> QuickBooksCompany:
    """The sample, Pat Owner on the Other Names list, an inactive account and a second receivables one."""
    company = QuickBooksCompany.sample()
    company.add(OtherName(name="Pat Owner"))
    company.add(Account(name="Old Clearing", account_type="OtherCurrentAsset", is_active=False))
    company.add(Account(name="Retail Receivables", account_type="AccountsReceivable"))
    return company


def line(kind: str, account: str | None, amount: str | None, *inner: str) -> str:
    """A JournalDebitLine or JournalCreditLine; ``inner`` are the children after Amount, in schema order."""
    return (
        f"<Journal{kind}Line>"
        + (ref("AccountRef", account) if account else "")
        + (f"<Amount>{amount}</Amount>" if amount is not None else "")
        + "".join(inner)
        + f"</Journal{kind}Line>"
    )


def debit(account: str | None, amount: str | None, *inner: str) -> str:
    return line("Debit", account, amount, *inner)


def credit(account: str | None, amount: str | None, *inner: str) -> str:
    return line("Credit", account, amount, *inner)


def entity(name: str) -> str:
    return ref("EntityRef", name)


def je_add(
    *lines: str,
    header: str = "",
    include: tuple[str, ...] = (),
    request_id: str | None = None,
) -> str:
    """A JournalEntryAddRq; ``header`` holds the children before the lines, in schema order."""
    lines = lines or (debit("Work in Progress", "100.00"), credit("Sales:Services", "100.00"))
    attribute = f' requestID="{request_id}"' if request_id else ""
    included = "".join(f"<IncludeRetElement>{tag}</IncludeRetElement>" for tag in include)
    return (
        f"<JournalEntryAddRq{attribute}><JournalEntryAdd>{header}{''.join(lines)}</JournalEntryAdd>"
        f"{included}</JournalEntryAddRq>"
    )


def query(company: QuickBooksCompany, *children: str, attributes: str = "") -> etree._Element:
    return ask(company, "JournalEntryQueryRq", *children, attributes=attributes)


def ref_numbers(rs: etree._Element) -> list[str]:
    return [ret.findtext("RefNumber") or "" for ret in rs]


# JournalEntryAdd ---------------------------------------------------------------------------------------


def test_journal_entry_add_keeps_debits_and_credits_in_the_order_given(company: QuickBooksCompany) -> None:
    (rs,) = add(
        company,
        je_add(
            credit("Sales:Services", "60.00", "<Memo>Services</Memo>", entity("Customer 0001")),
            debit(
                "Work in Progress",
                "100.00",
                "<Memo>Project 88</Memo>",
                entity("Customer 0001"),
                ref("ClassRef", "Consulting:Remote"),
            ),
            credit("PSA Other", "40.00", ref("ClassRef", "Retail")),
            debit("Office Supplies", "0.00"),
            header=(
                "<TxnDate>2026-11-30</TxnDate><RefNumber>JE12</RefNumber><Memo>WIP accrual</Memo>"
                f"<ExternalGUID>{GUID_A}</ExternalGUID>"
            ),
            request_id="je-1",
        ),
    )
    assert (rs.get("requestID"), status(rs)) == ("je-1", (0, "Info"))
    (ret,) = rs
    assert ret.tag == "JournalEntryRet"
    assert [child.tag for child in ret] == [
        "TxnID",
        "TimeCreated",
        "TimeModified",
        "EditSequence",
        "TxnNumber",
        "TxnDate",
        "RefNumber",
        "Memo",
        "IsAdjustment",
        "ExternalGUID",
        "JournalCreditLine",
        "JournalDebitLine",
        "JournalCreditLine",
        "JournalDebitLine",
    ]
    assert [
        ret.findtext(tag) for tag in ("TxnDate", "RefNumber", "Memo", "IsAdjustment", "ExternalGUID")
    ] == [
        "2026-11-30",
        "JE12",
        "WIP accrual",
        "false",
        GUID_A,
    ]
    wip = ret.findall("JournalDebitLine")[0]
    assert [child.tag for child in wip] == [
        "TxnLineID",
        "AccountRef",
        "Amount",
        "Memo",
        "EntityRef",
        "ClassRef",
    ]
    assert [wip.findtext(tag) for tag in ("AccountRef/FullName", "Amount", "EntityRef/FullName")] == [
        "Work in Progress",
        "100.00",
        "Customer 0001",
    ]
    assert len({child.findtext("TxnLineID") for child in ret if child.tag.startswith("Journal")}) == 4

    entry = company.journal_entries[0]
    assert (entry.txn_id, entry.ref_number, entry.external_guid) == (ret.findtext("TxnID"), "JE12", GUID_A)
    assert (entry.debits, entry.credits) == (Decimal("100.00"), Decimal("100.00"))
    assert [(ln.is_debit, ln.account.full_name) for ln in entry.lines] == [
        (False, "Sales:Services"),
        (True, "Work in Progress"),
        (False, "PSA Other"),
        (True, "Office Supplies"),
    ]
    assert company.find_journal_entries_by_external_guid(GUID_A.lower()) == [entry]
    assert company.find_journal_entries(ref_number="je12") == [entry]


def test_quickbooks_numbers_an_entry_without_ref_number(company: QuickBooksCompany) -> None:
    first, named, after = add(company, je_add(), je_add(header="<RefNumber>JE12</RefNumber>"), je_add())
    assert [rs[0].findtext("RefNumber") for rs in (first, named, after)] == ["1", "JE12", "JE13"]
    assert first[0].findtext("TxnDate") == "2024-01-15"  # the simulated clock's date


def test_a_ref_number_over_eleven_characters_is_3070(company: QuickBooksCompany) -> None:
    (rs,) = add(company, je_add(header="<RefNumber>JE-2026-0001</RefNumber>"))
    assert status(rs) == (3070, "Error")
    assert rs.get("statusMessage") == 'The string "JE-2026-0001" in the field "RefNumber" is too long.'


def test_debits_must_equal_credits_to_the_cent_else_3210(company: QuickBooksCompany) -> None:
    (rs,) = add(company, je_add(debit("Work in Progress", "100.00"), credit("Sales:Services", "99.99")))
    assert status(rs) == (3210, "Error")
    assert rs.get("statusMessage") == (
        'The "Amount" field has an invalid value "99.99".  QuickBooks error message: '
        "Transaction not in balance: the debits total 100.00, the credits 99.99."
    )
    (one_sided,) = add(company, je_add(debit("Work in Progress", "100.00")))
    assert status(one_sided) == (3210, "Error")
    assert len(company.journal_entries) == 0


def test_amounts_carry_no_sign_else_3210(company: QuickBooksCompany) -> None:
    (rs,) = add(company, je_add(debit("Work in Progress", "-100.00"), credit("Sales:Services", "-100.00")))
    assert status(rs) == (3210, "Error")
    assert (rs.get("statusMessage") or "").startswith('The "Amount" field has an invalid value "-100.00".')
    assert len(company.journal_entries) == 0


@pytest.mark.parametrize(
    ("bad_line", "kind", "name"),
    [
        (debit("Revenue:Services", "10.00"), "Account", "Revenue:Services"),
        (debit("Old Clearing", "10.00"), "Account", "Old Clearing"),  # inactive
        (debit("Work in Progress", "10.00", entity("Nobody")), "Entity", "Nobody"),
        (debit("Work in Progress", "10.00", entity("Customer 0003")), "Entity", "Customer 0003"),  # inactive
        (debit("Work in Progress", "10.00", ref("ClassRef", "Nowhere")), "Class", "Nowhere"),
    ],
)
def test_bad_references_are_3140_for_the_journal_entry_line(
    company: QuickBooksCompany, bad_line: str, kind: str, name: str
) -> None:
    (rs,) = add(company, je_add(bad_line, credit("Sales:Services", "10.00")))
    assert status(rs) == (3140, "Error")
    assert rs.get("statusMessage") == (
        f'There is an invalid reference to QuickBooks {kind} "{name}" in the JournalEntry line.  {NO_SUCH_RECORD}'
    )
    assert len(company.journal_entries) == 0


def test_a_line_without_an_account_is_3150(company: QuickBooksCompany) -> None:
    (rs,) = add(
        company, je_add(debit(None, "10.00", "<Memo>Where?</Memo>"), credit("Sales:Services", "10.00"))
    )
    assert status(rs) == (3150, "Error")
    assert rs.get("statusMessage") == 'There is a missing element: "AccountRef".'


def test_every_kind_of_name_can_be_a_line_entity(company: QuickBooksCompany) -> None:
    (rs,) = add(
        company,
        je_add(
            debit("Work in Progress", "40.00", entity("Customer 0009:Job 1")),
            debit("Work in Progress", "30.00", entity("Fatima Okafor")),
            debit("Work in Progress", "20.00", entity("Vendor 0001")),
            debit("Work in Progress", "10.00", entity("Pat Owner")),
            credit("Sales:Services", "100.00"),
        ),
    )
    assert status(rs) == (0, "Info")
    assert [ln.entity.kind_label if ln.entity else None for ln in company.journal_entries[0].lines] == [
        "Customer",
        "Employee",
        "Vendor",
        "Other Name",
        None,
    ]


@pytest.mark.parametrize(
    ("account", "other_name", "needed"),
    [("Accounts Receivable", "Vendor 0001", "Customer"), ("Accounts Payable", "Customer 0001", "Vendor")],
)
def test_receivables_need_a_customer_and_payables_a_vendor(
    company: QuickBooksCompany, account: str, other_name: str, needed: str
) -> None:
    nobody, wrong_kind = add(
        company,
        je_add(debit(account, "10.00"), credit("Sales:Services", "10.00")),
        je_add(debit(account, "10.00", entity(other_name)), credit("Sales:Services", "10.00")),
    )
    assert status(nobody) == (3150, "Error")
    assert nobody.get("statusMessage") == 'There is a missing element: "EntityRef".'
    assert status(wrong_kind) == (3140, "Error")
    assert wrong_kind.get("statusMessage") == (
        f'There is an invalid reference to QuickBooks {needed} "{other_name}" in the JournalEntry line.  '
        f"{NO_SUCH_RECORD}"
    )
    assert len(company.journal_entries) == 0


def test_one_receivables_or_payables_account_per_entry(company: QuickBooksCompany) -> None:
    both, two_receivables, same_twice = add(
        company,
        je_add(
            debit("Accounts Receivable", "10.00", entity("Customer 0001")),
            credit("Accounts Payable", "10.00", entity("Vendor 0001")),
        ),
        je_add(
            debit("Accounts Receivable", "10.00", entity("Customer 0001")),
            credit("Retail Receivables", "10.00", entity("Customer 0002")),
        ),
        # The same receivables account for two customers is one account: fine.
        je_add(
            debit("Accounts Receivable", "10.00", entity("Customer 0001")),
            credit("Accounts Receivable", "10.00", entity("Customer 0002")),
        ),
    )
    assert status(both) == (3210, "Error")
    assert both.get("statusMessage") == (
        'The "AccountRef" field has an invalid value "Accounts Payable".  QuickBooks error message: '
        "A journal entry can use only one Accounts Receivable or Accounts Payable account."
    )
    assert status(two_receivables) == (3210, "Error")
    assert '"Retail Receivables"' in (two_receivables.get("statusMessage") or "")
    assert status(same_twice) == (0, "Info")
    assert len(company.journal_entries) == 1


def test_billable_needs_a_customer_on_the_line(company: QuickBooksCompany) -> None:
    vendor, customer = add(
        company,
        je_add(
            debit(
                "Work in Progress",
                "10.00",
                entity("Vendor 0001"),
                "<BillableStatus>Billable</BillableStatus>",
            ),
            credit("Sales:Services", "10.00"),
        ),
        je_add(
            debit(
                "Work in Progress",
                "10.00",
                entity("Customer 0001"),
                "<BillableStatus>Billable</BillableStatus>",
            ),
            credit("Sales:Services", "10.00"),
        ),
    )
    assert status(vendor) == (3150, "Error")
    assert status(customer) == (0, "Info")
    assert customer[0].findtext("JournalDebitLine/BillableStatus") == "Billable"


def test_journal_entries_post_to_accounts_customers_and_vendors(company: QuickBooksCompany) -> None:
    wip, receivable = company.accounts.find("Work in Progress"), company.accounts.find("Accounts Receivable")
    payable, checking = company.accounts.find("Accounts Payable"), company.accounts.find("Checking")
    customer, vendor = company.customers.find("Customer 0002"), company.vendors.find("Vendor 0002")
    assert wip and receivable and payable and checking and customer and vendor
    before = [holder.balance for holder in (wip, receivable, payable, checking, customer, vendor)]
    add(
        company,
        je_add(debit("Work in Progress", "100.00"), credit("Sales:Services", "100.00")),
        je_add(debit("Accounts Receivable", "25.00", entity("Customer 0002")), credit("PSA Other", "25.00")),
        je_add(debit("Checking", "40.00"), credit("Accounts Payable", "40.00", entity("Vendor 0002"))),
    )
    after = [holder.balance for holder in (wip, receivable, payable, checking, customer, vendor)]
    assert [a - b for a, b in zip(after, before, strict=True)] == [
        Decimal("100.00"),
        Decimal("25.00"),
        Decimal("40.00"),
        Decimal("40.00"),
        Decimal("25.00"),
        Decimal("40.00"),
    ]


def test_journal_entry_add_honours_include_ret_element(company: QuickBooksCompany) -> None:
    (rs,) = add(
        company,
        je_add(
            header=f"<RefNumber>JE1</RefNumber><ExternalGUID>{GUID_A}</ExternalGUID>",
            include=("TxnID", "TimeCreated", "RefNumber", "ExternalGUID"),
        ),
    )
    assert [child.tag for child in rs[0]] == ["TxnID", "TimeCreated", "RefNumber", "ExternalGUID"]


def test_what_journal_entry_add_does_not_understand_is_refused_not_dropped(
    company: QuickBooksCompany,
) -> None:
    line_id, tax = add(
        company,
        je_add(
            "<JournalDebitLine><TxnLineID>CV-1</TxnLineID>"
            + ref("AccountRef", "Work in Progress")
            + "<Amount>10.00</Amount></JournalDebitLine>",
            credit("Sales:Services", "10.00"),
        ),
        je_add(
            debit("Work in Progress", "10.00", ref("ItemSalesTaxRef", "State Sales Tax")),
            credit("Sales:Services", "10.00"),
        ),
    )
    assert status(line_id) == status(tax) == (1030, "Error")
    assert "TxnLineID" in (line_id.get("statusMessage") or "")
    assert "ItemSalesTaxRef" in (tax.get("statusMessage") or "")


def test_a_multicurrency_entry_is_in_the_home_currency() -> None:
    company = QuickBooksCompany.sample(multicurrency_on=True)
    (rs,) = add(company, je_add())
    assert (rs[0].findtext("CurrencyRef/FullName"), rs[0].findtext("ExchangeRate")) == ("US Dollar", "1")


# JournalEntryQuery -------------------------------------------------------------------------------------


@pytest.fixture
def journaled(company: QuickBooksCompany) -> QuickBooksCompany:
    """The sample with four journal entries."""
    add(
        company,
        je_add(
            header="<TxnDate>2024-01-02</TxnDate><RefNumber>JE1</RefNumber><ExternalGUID>{00000000-0000-0000-0000-000000000001}</ExternalGUID>"
        ),
        je_add(
            debit("Checking", "40.00"),
            credit("Accounts Payable", "40.00", entity("Vendor 0002")),
            header="<TxnDate>2024-01-05</TxnDate><RefNumber>JE2</RefNumber>",
        ),
        je_add(
            debit("Accounts Receivable", "25.00", entity("Customer 0002")),
            credit("PSA Other", "25.00"),
            header="<TxnDate>2024-01-09</TxnDate><RefNumber>JE3</RefNumber>",
        ),
        je_add(header="<TxnDate>2024-01-12</TxnDate><RefNumber>JE4</RefNumber>"),
    )
    assert len(company.journal_entries) == 4
    return company


def test_query_by_ref_numbers_and_txn_ids(journaled: QuickBooksCompany) -> None:
    rs = query(journaled, "<RefNumber>je3</RefNumber><RefNumber>JE1</RefNumber>")
    assert (status(rs), ref_numbers(rs)) == ((0, "Info"), ["JE3", "JE1"])
    assert rs[0].find("JournalDebitLine") is None  # lines only with IncludeLineItems
    second = journaled.journal_entries[1]
    by_id = query(journaled, f"<TxnID>{second.txn_id}</TxnID><IncludeLineItems>true</IncludeLineItems>")
    assert ref_numbers(by_id) == ["JE2"]
    assert [child.tag for child in by_id[0] if child.tag.startswith("Journal")] == [
        "JournalDebitLine",
        "JournalCreditLine",
    ]
    missing = query(journaled, "<RefNumber>JE1</RefNumber><RefNumber>JE9</RefNumber>")
    assert (status(missing), ref_numbers(missing)) == ((500, "Warn"), ["JE1"])


def test_query_with_include_ret_element(journaled: QuickBooksCompany) -> None:
    rs = query(
        journaled,
        "<RefNumber>JE1</RefNumber>",
        "<IncludeRetElement>TxnID</IncludeRetElement><IncludeRetElement>RefNumber</IncludeRetElement>",
        "<IncludeRetElement>ExternalGUID</IncludeRetElement>",
    )
    assert [child.tag for child in rs[0]] == ["TxnID", "RefNumber", "ExternalGUID"]
    assert rs[0].findtext("ExternalGUID") == "{00000000-0000-0000-0000-000000000001}"


def test_query_filters(journaled: QuickBooksCompany) -> None:
    assert ref_numbers(query(journaled, "<EntityFilter><FullName>Vendor 0002</FullName></EntityFilter>")) == [
        "JE2"
    ]
    receivables = "<AccountFilter><FullName>Accounts Receivable</FullName></AccountFilter>"
    assert ref_numbers(query(journaled, receivables)) == ["JE3"]
    dates = "<TxnDateRangeFilter><FromTxnDate>2024-01-05</FromTxnDate><ToTxnDate>2024-01-09</ToTxnDate></TxnDateRangeFilter>"
    assert ref_numbers(query(journaled, dates)) == ["JE2", "JE3"]
    last = journaled.journal_entries[-1].time_modified.isoformat(timespec="seconds")
    since = f"<ModifiedDateRangeFilter><FromModifiedDate>{last}</FromModifiedDate></ModifiedDateRangeFilter>"
    assert ref_numbers(query(journaled, since)) == ["JE4"]
    nothing = query(journaled, "<EntityFilter><FullName>Customer 0001</FullName></EntityFilter>")
    assert (status(nothing), len(nothing)) == ((1, "Info"), 0)
    assert status(query(QuickBooksCompany.sample())) == (1, "Info")


def test_query_iterators(journaled: QuickBooksCompany) -> None:
    first = query(journaled, "<MaxReturned>3</MaxReturned>", attributes=' iterator="Start"')
    iterator_id = first.get("iteratorID") or ""
    assert (ref_numbers(first), first.get("iteratorRemainingCount")) == (["JE1", "JE2", "JE3"], "1")
    rest = query(
        journaled,
        "<MaxReturned>3</MaxReturned>",
        attributes=f' iterator="Continue" iteratorID="{iterator_id}"',
    )
    assert (ref_numbers(rest), rest.get("iteratorRemainingCount")) == (["JE4"], "0")


# Faults ------------------------------------------------------------------------------------------------


def test_locked_and_failed_journal_entries_change_nothing(company: QuickBooksCompany) -> None:
    company.lock_list("JournalEntryAddRq", 1)
    company.fail_next("JournalEntryAddRq", 3200, "The provided edit sequence is out-of-date.")
    company.lock_list("JournalEntryQueryRq", 1, status_code=3170)
    response = company.process(
        qbxml(
            je_add(request_id="1"),
            je_add(request_id="2"),
            je_add(request_id="3"),
            '<JournalEntryQueryRq requestID="4"/>',
            '<JournalEntryQueryRq requestID="5"/>',
            on_error="continueOnError",
        )
    )
    locked, failed, done, query_locked, queried = answers(response)
    assert [status(rs)[0] for rs in (locked, failed, done, query_locked, queried)] == [3175, 3200, 0, 3170, 0]
    assert (locked.get("statusMessage") or "").startswith(
        "There was an error when reserving a JournalEntry transaction for an update."
    )
    assert len(company.journal_entries) == len(queried) == 1


def test_stop_on_error_leaves_the_entries_after_an_error_unsent(company: QuickBooksCompany) -> None:
    response = company.process(qbxml(je_add(), je_add(debit("Work in Progress", "1.00")), je_add()))
    assert [status(rs)[0] for rs in answers(response)] == [0, 3210]
    assert len(company.journal_entries) == 1
    assert only(company.process(qbxml("<JournalEntryQueryRq/>")))[0].findtext("RefNumber") == "1"
