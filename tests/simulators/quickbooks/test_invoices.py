"""Invoices through qbXML (InvoiceAdd, InvoiceQuery), payments a bookkeeper records, and ReceivePaymentQuery."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from simulators.quickbooks import QuickBooksCompany
from tests.simulators.quickbooks.helpers import answers, only, qbxml, status

NO_SUCH_RECORD = (
    "QuickBooks error message: Invalid argument.  The specified record does not exist in the list."
)
GUID_A = "{6B29FC40-CA47-1067-B31D-00DD010662DA}"
GUID_B = "{0F8FAD5B-D9CB-469F-A165-70867728950E}"


@pytest.fixture
def company() -> QuickBooksCompany:
    return QuickBooksCompany.sample()


def ref(tag: str, full_name: str) -> str:
    return f"<{tag}><FullName>{full_name}</FullName></{tag}>"


def line(item: str | None = None, *inner: str) -> str:
    return "<InvoiceLineAdd>" + (ref("ItemRef", item) if item else "") + "".join(inner) + "</InvoiceLineAdd>"


def invoice_add(
    customer: str = "Customer 0001",
    *inner: str,
    lines: tuple[str, ...] = (),
    request_id: str | None = None,
) -> str:
    """An InvoiceAddRq; ``inner`` are the children between CustomerRef and the lines, in schema order."""
    lines = lines or (line("Consulting", "<Quantity>2</Quantity><Rate>100.00</Rate>"),)
    attribute = f' requestID="{request_id}"' if request_id else ""
    return (
        f"<InvoiceAddRq{attribute}><InvoiceAdd>{ref('CustomerRef', customer)}"
        + "".join(inner)
        + "".join(lines)
        + "</InvoiceAdd></InvoiceAddRq>"
    )


def guid(number: int) -> str:
    return f"<ExternalGUID>{{6B29FC40-CA47-1067-B31D-{number:012d}}}</ExternalGUID>"


def add(company: QuickBooksCompany, *requests: str) -> list[etree._Element]:
    """Send the InvoiceAdds (continuing on errors) and return their answers."""
    return answers(company.process(qbxml(*requests, on_error="continueOnError")))


def query(company: QuickBooksCompany, *children: str, attributes: str = "") -> etree._Element:
    return only(company.process(qbxml(f"<InvoiceQueryRq{attributes}>{''.join(children)}</InvoiceQueryRq>")))


# InvoiceAdd --------------------------------------------------------------------------------------------


def test_invoice_add_works_out_the_amounts_and_keeps_the_external_guid(company: QuickBooksCompany) -> None:
    (rs,) = add(
        company,
        invoice_add(
            "Customer 0001",
            "<TxnDate>2024-01-10</TxnDate><RefNumber>INV-1001</RefNumber><PONumber>PO-7</PONumber>",
            "<Memo>January work</Memo>",
            f"<ExternalGUID>{GUID_A}</ExternalGUID>",
            lines=(
                line("Consulting", "<Quantity>2</Quantity><Rate>100.00</Rate>"),  # 200.00, not taxable
                line("Bracket", "<Quantity>3</Quantity>"),  # the item's price, 20.00: 60.00, taxable
                line("Cable", "<Desc>Cut to length</Desc><Rate>9.99</Rate>"),  # rate once: 9.99, taxable
                line("Shipping", "<Amount>15.00</Amount>"),  # amount alone, not taxable
                line(None, "<Desc>Thank you for your business</Desc>"),
            ),
            request_id="inv-1",
        ),
    )
    assert (rs.get("requestID"), status(rs)) == ("inv-1", (0, "Info"))
    (ret,) = rs
    assert ret.tag == "InvoiceRet"
    assert ret.findtext("Subtotal") == "284.99"
    assert (ret.findtext("ItemSalesTaxRef/FullName"), ret.findtext("SalesTaxPercentage")) == (
        "State Sales Tax",
        "7.25",
    )
    assert ret.findtext("SalesTaxTotal") == "5.07"  # 7.25% of 69.99
    assert (ret.findtext("AppliedAmount"), ret.findtext("BalanceRemaining")) == ("0.00", "290.06")
    assert (ret.findtext("IsPaid"), ret.findtext("ExternalGUID")) == ("false", GUID_A)
    assert ret.findtext("CustomerSalesTaxCodeRef/FullName") == "Tax"
    lines = ret.findall("InvoiceLineRet")
    assert [(r.findtext("Quantity"), r.findtext("Rate"), r.findtext("Amount")) for r in lines] == [
        ("2", "100.00", "200.00"),
        ("3", "20.00", "60.00"),
        (None, "9.99", "9.99"),
        (None, None, "15.00"),
        (None, None, "0.00"),
    ]
    assert [r.findtext("Desc") for r in lines][1:3] == ["Bracket", "Cut to length"]
    assert len({r.findtext("TxnLineID") for r in lines}) == 5

    invoice = company.invoices[0]
    assert (invoice.txn_id, invoice.txn_number) == (
        ret.findtext("TxnID"),
        int(ret.findtext("TxnNumber") or 0),
    )
    assert (invoice.ref_number, invoice.external_guid, invoice.po_number) == ("INV-1001", GUID_A, "PO-7")
    assert (invoice.subtotal, invoice.sales_tax_total) == (Decimal("284.99"), Decimal("5.07"))
    assert (invoice.balance_remaining, invoice.is_paid) == (Decimal("290.06"), False)
    assert invoice.customer.full_name == "Customer 0001"
    assert [line.item.full_name if line.item else None for line in invoice.lines] == [
        "Consulting",
        "Bracket",
        "Cable",
        "Shipping",
        None,
    ]
    assert company.find_invoices_by_external_guid(GUID_A.lower()) == [invoice]


def test_invoice_add_fills_in_what_quickbooks_fills_in(company: QuickBooksCompany) -> None:
    first, second = add(
        company,
        invoice_add("Customer 0001", "<RefNumber>2024-0099</RefNumber>"),
        invoice_add("Customer 0001", "<TxnDate>2024-03-20</TxnDate>"),
    )
    assert second[0].findtext("RefNumber") == "2024-0100"  # the last number, counted up
    customer = company.customers.find("Customer 0001")
    assert customer is not None and customer.terms is not None and customer.bill_address is not None
    invoice = company.invoices[1]
    assert (invoice.terms, invoice.bill_address) == (customer.terms, customer.bill_address)
    assert invoice.due_date == date(2024, 4, 4)  # Net 15
    assert invoice.template is not None and invoice.template.name == "Intuit Product Invoice"
    assert invoice.ar_account is not None and invoice.ar_account.name == "Accounts Receivable"
    assert first[0].findtext("TxnDate") == "2024-01-15"  # the simulated clock's date


def test_date_driven_terms_fall_due_next_month_when_too_close(company: QuickBooksCompany) -> None:
    add(
        company,
        invoice_add("Customer 0001", "<TxnDate>2024-01-02</TxnDate>", ref("TermsRef", "10th of next month")),
        invoice_add("Customer 0001", "<TxnDate>2024-01-05</TxnDate>", ref("TermsRef", "10th of next month")),
        invoice_add("Customer 0001", "<TxnDate>2024-01-05</TxnDate>", "<DueDate>2024-01-31</DueDate>"),
    )
    assert [invoice.due_date for invoice in company.invoices] == [
        date(2024, 2, 10),
        date(2024, 2, 10),
        date(2024, 1, 31),
    ]


def test_sales_tax_only_for_taxable_customers_and_when_sales_tax_is_on() -> None:
    taxable = (line("Bracket", "<Quantity>1</Quantity><Rate>100.00</Rate>"),)
    company = QuickBooksCompany.sample()
    add(
        company,
        invoice_add("Customer 0005", lines=taxable),  # every fifth sample customer is tax-exempt
        invoice_add("Customer 0001", ref("CustomerSalesTaxCodeRef", "Non"), lines=taxable),
        invoice_add(
            "Customer 0001", lines=(line("Bracket", "<Rate>100.00</Rate>", ref("SalesTaxCodeRef", "Non")),)
        ),
        invoice_add("Customer 0001", lines=taxable),
    )
    assert [invoice.sales_tax_total for invoice in company.invoices] == [Decimal(0)] * 3 + [Decimal("7.25")]
    untaxed = QuickBooksCompany.sample(sales_tax_on=False)
    (rs,) = add(untaxed, invoice_add("Customer 0001", lines=taxable))
    assert (rs[0].findtext("SalesTaxTotal"), rs[0].find("ItemSalesTaxRef")) == ("0.00", None)
    assert untaxed.invoices[0].balance_remaining == Decimal("100.00")


def test_a_multicurrency_invoice_is_in_the_customers_currency() -> None:
    company = QuickBooksCompany.sample(multicurrency_on=True)
    foreign = next(c for c in company.customers if c.is_active and c.currency is not company.home_currency)
    assert foreign.currency is not None
    (rs,) = add(company, invoice_add(foreign.full_name, "<ExchangeRate>1.1</ExchangeRate>"))
    (ret,) = rs
    assert ret.findtext("CurrencyRef/FullName") == foreign.currency.name
    assert (ret.findtext("ExchangeRate"), ret.findtext("BalanceRemainingInHomeCurrency")) == ("1.1", "220.00")
    assert company.invoices[0].currency is foreign.currency
    (home,) = add(company, invoice_add("Customer 0001"))
    assert (home[0].findtext("CurrencyRef/FullName"), home[0].findtext("ExchangeRate")) == ("US Dollar", "1")


def test_duplicate_ref_numbers_are_allowed(company: QuickBooksCompany) -> None:
    add(
        company,
        invoice_add(
            "Customer 0001", "<RefNumber>INV-7</RefNumber>", f"<ExternalGUID>{GUID_A}</ExternalGUID>"
        ),
        invoice_add(
            "Customer 0002", "<RefNumber>inv-7</RefNumber>", f"<ExternalGUID>{GUID_B}</ExternalGUID>"
        ),
    )
    assert [invoice.external_guid for invoice in company.find_invoices(ref_number="INV-7")] == [
        GUID_A,
        GUID_B,
    ]


def test_an_unknown_or_inactive_customer_is_3140_in_quickbooks_words(company: QuickBooksCompany) -> None:
    unknown, inactive = add(company, invoice_add("Joe Smith"), invoice_add("Customer 0003"))
    assert status(unknown) == (3140, "Error")
    assert unknown.get("statusMessage") == (
        f'There is an invalid reference to QuickBooks Customer "Joe Smith" in the Invoice.  {NO_SUCH_RECORD}'
    )
    assert inactive.get("statusMessage") == (
        f'There is an invalid reference to QuickBooks Customer "Customer 0003" in the Invoice.  {NO_SUCH_RECORD}'
    )
    assert len(company.invoices) == 0


def test_an_unknown_item_is_3140_for_the_invoice_line(company: QuickBooksCompany) -> None:
    (rs,) = add(company, invoice_add(lines=(line("Consulting"), line("sooo wrong"))))
    assert rs.get("statusMessage") == (
        f'There is an invalid reference to QuickBooks Item "sooo wrong" in the Invoice line.  {NO_SUCH_RECORD}'
    )
    assert len(company.invoices) == 0


@pytest.mark.parametrize(
    ("child", "kind", "name"),
    [
        (ref("ClassRef", "Nowhere"), "Class", "Nowhere"),
        (ref("ARAccountRef", "Checking"), "Account", "Checking"),  # exists, but is no receivables account
        (ref("TemplateRef", "Custom Sales Receipt"), "Template", "Custom Sales Receipt"),  # not an invoice's
        (ref("TermsRef", "Net 90"), "Terms", "Net 90"),  # inactive
        (ref("ItemSalesTaxRef", "Consulting"), "Item", "Consulting"),
        (ref("CustomerSalesTaxCodeRef", "ZZ"), "Sales Tax Code", "ZZ"),
    ],
)
def test_other_bad_references_are_3140_naming_their_kind(
    company: QuickBooksCompany, child: str, kind: str, name: str
) -> None:
    (rs,) = add(company, invoice_add("Customer 0001", child))
    assert status(rs) == (3140, "Error")
    assert rs.get("statusMessage") == (
        f'There is an invalid reference to QuickBooks {kind} "{name}" in the Invoice.  {NO_SUCH_RECORD}'
    )


def test_bad_line_references_name_the_invoice_line(company: QuickBooksCompany) -> None:
    class_, code = add(
        company,
        invoice_add(lines=(line("Consulting", ref("ClassRef", "Nowhere")),)),
        invoice_add(lines=(line("Consulting", ref("SalesTaxCodeRef", "ZZ")),)),
    )
    assert 'QuickBooks Class "Nowhere" in the Invoice line.' in (class_.get("statusMessage") or "")
    assert 'QuickBooks Sales Tax Code "ZZ" in the Invoice line.' in (code.get("statusMessage") or "")


def test_a_ref_number_over_eleven_characters_is_3070(company: QuickBooksCompany) -> None:
    (rs,) = add(company, invoice_add("Customer 0001", "<RefNumber>INV-2024-00001</RefNumber>"))
    assert status(rs) == (3070, "Error")
    assert rs.get("statusMessage") == 'The string "INV-2024-00001" in the field "RefNumber" is too long.'


def test_continue_on_error_applies_the_good_invoices_around_a_bad_one(company: QuickBooksCompany) -> None:
    good, bad, also_good = add(
        company,
        invoice_add("Customer 0001", "<RefNumber>A-1</RefNumber>", guid(1)),
        invoice_add("Nobody", "<RefNumber>A-2</RefNumber>", guid(2)),
        invoice_add("Customer 0002", "<RefNumber>A-3</RefNumber>", guid(3)),
    )
    assert [status(rs)[0] for rs in (good, bad, also_good)] == [0, 3140, 0]
    assert [invoice.ref_number for invoice in company.invoices] == ["A-1", "A-3"]


def test_stop_on_error_leaves_the_invoices_after_the_error_unsent(company: QuickBooksCompany) -> None:
    response = company.process(
        qbxml(invoice_add("Customer 0001"), invoice_add("Nobody"), invoice_add("Customer 0002"))
    )
    assert [status(rs)[0] for rs in answers(response)] == [0, 3140]
    assert len(company.invoices) == 1


def test_invoices_post_to_the_customer_and_receivables(company: QuickBooksCompany) -> None:
    customer, receivable = (
        company.customers.find("Customer 0002"),
        company.accounts.find("Accounts Receivable"),
    )
    assert customer is not None and receivable is not None
    before = (customer.balance, receivable.balance)
    add(company, invoice_add("Customer 0002"))
    assert (customer.balance - before[0], receivable.balance - before[1]) == (Decimal(200), Decimal(200))
    company.pay_invoice(company.invoices[0].txn_id, amount=Decimal(50))
    assert customer.balance - before[0] == Decimal(150)


def test_a_thousand_invoice_adds_in_one_message_are_fast(company: QuickBooksCompany) -> None:
    customers = [customer.full_name for customer in company.customers if customer.is_active]
    requests = [
        invoice_add(
            customers[n % len(customers)],
            f"<RefNumber>B-{n}</RefNumber>",
            guid(n),
            lines=(line("Consulting", "<Quantity>2</Quantity>"), line("Bracket", "<Quantity>1</Quantity>")),
        )
        for n in range(1000)
    ]
    document = qbxml(*requests, on_error="continueOnError").replace("\n", "")
    company.process(qbxml("<ClassQueryRq/>"))  # the schema loads on first use
    started = time.perf_counter()
    response = company.process(document)
    elapsed = time.perf_counter() - started
    assert response.count('statusCode="0"') == len(company.invoices) == 1000
    assert elapsed < 2.0


# InvoiceQuery ------------------------------------------------------------------------------------------


@pytest.fixture
def invoiced(company: QuickBooksCompany) -> QuickBooksCompany:
    """The sample with five invoices: two share RefNumber 1001, one is for a job."""
    add(
        company,
        invoice_add("Customer 0001", "<TxnDate>2024-01-02</TxnDate><RefNumber>1001</RefNumber>", guid(1)),
        invoice_add("Customer 0002", "<TxnDate>2024-01-05</TxnDate><RefNumber>1001</RefNumber>", guid(2)),
        invoice_add("Customer 0004", "<TxnDate>2024-01-09</TxnDate><RefNumber>1002</RefNumber>", guid(3)),
        invoice_add(
            "Customer 0009:Job 1", "<TxnDate>2024-01-12</TxnDate><RefNumber>1003</RefNumber>", guid(4)
        ),
        invoice_add("Customer 0009", "<TxnDate>2024-01-14</TxnDate><RefNumber>W-1</RefNumber>", guid(5)),
    )
    assert len(company.invoices) == 5
    return company


def ref_numbers(rs: etree._Element) -> list[str]:
    return [ret.findtext("RefNumber") or "" for ret in rs]


def test_query_by_ref_number_finds_every_invoice_sharing_it(invoiced: QuickBooksCompany) -> None:
    rs = query(invoiced, "<RefNumber>1001</RefNumber>")
    assert status(rs) == (0, "Info")
    assert [ret.findtext("ExternalGUID") for ret in rs] == [
        "{6B29FC40-CA47-1067-B31D-000000000001}",
        "{6B29FC40-CA47-1067-B31D-000000000002}",
    ]
    # Without IncludeLineItems and IncludeLinkedTxns, QuickBooks leaves the lines out.
    assert rs[0].find("InvoiceLineRet") is None


def test_ref_numbers_compare_with_or_without_case(invoiced: QuickBooksCompany) -> None:
    assert ref_numbers(query(invoiced, "<RefNumber>w-1</RefNumber>")) == ["W-1"]
    exact = query(invoiced, "<RefNumberCaseSensitive>w-1</RefNumberCaseSensitive>")
    assert (status(exact), len(exact)) == ((500, "Warn"), 0)


def test_query_by_txn_ids_in_the_order_asked_with_500_for_missing_ones(invoiced: QuickBooksCompany) -> None:
    first, third = invoiced.invoices[0], invoiced.invoices[2]
    rs = query(
        invoiced,
        f"<TxnID>{third.txn_id}</TxnID><TxnID>FFFF-1705000000</TxnID><TxnID>{first.txn_id}</TxnID>",
    )
    assert status(rs) == (500, "Warn")
    assert rs.get("statusMessage") == (
        "The query request has not been fully completed. "
        'There was a required element ("FFFF-1705000000") that could not be found in QuickBooks.'
    )
    assert ref_numbers(rs) == ["1002", "1001"]
    missing_ref = query(invoiced, "<RefNumber>1002</RefNumber><RefNumber>9999</RefNumber>")
    assert (status(missing_ref), ref_numbers(missing_ref)) == ((500, "Warn"), ["1002"])


def test_filters_that_match_nothing_answer_status_1(invoiced: QuickBooksCompany) -> None:
    rs = query(invoiced, "<TxnDateRangeFilter><FromTxnDate>2025-01-01</FromTxnDate></TxnDateRangeFilter>")
    assert (status(rs), len(rs)) == ((1, "Info"), 0)
    assert status(query(QuickBooksCompany.sample())) == (1, "Info")


def test_date_entity_and_ref_number_filters(invoiced: QuickBooksCompany) -> None:
    dates = "<TxnDateRangeFilter><FromTxnDate>2024-01-05</FromTxnDate><ToTxnDate>2024-01-12</ToTxnDate></TxnDateRangeFilter>"
    assert ref_numbers(query(invoiced, dates)) == ["1001", "1002", "1003"]
    assert ref_numbers(
        query(invoiced, "<EntityFilter><FullName>Customer 0009</FullName></EntityFilter>")
    ) == ["W-1"]
    with_jobs = "<EntityFilter><FullNameWithChildren>Customer 0009</FullNameWithChildren></EntityFilter>"
    assert ref_numbers(query(invoiced, with_jobs)) == ["1003", "W-1"]
    starts = "<RefNumberFilter><MatchCriterion>StartsWith</MatchCriterion><RefNumber>w</RefNumber></RefNumberFilter>"
    assert ref_numbers(query(invoiced, starts)) == ["W-1"]
    ranged = "<RefNumberRangeFilter><FromRefNumber>1002</FromRefNumber><ToRefNumber>1003</ToRefNumber></RefNumberRangeFilter>"
    assert ref_numbers(query(invoiced, ranged)) == ["1002", "1003"]
    receivables = "<AccountFilter><FullName>Accounts Receivable</FullName></AccountFilter>"
    assert len(query(invoiced, receivables)) == 5
    assert ref_numbers(query(invoiced, "<MaxReturned>2</MaxReturned>")) == ["1001", "1001"]


def test_a_paid_invoice_is_found_by_its_modification_time(invoiced: QuickBooksCompany) -> None:
    last_sync = invoiced.invoices[-1].time_modified.isoformat(timespec="seconds")
    since = (
        f"<ModifiedDateRangeFilter><FromModifiedDate>{last_sync}</FromModifiedDate></ModifiedDateRangeFilter>"
    )
    assert ref_numbers(query(invoiced, since)) == ["W-1"]  # the last one added, in that second

    target = invoiced.invoices[2]
    payment_id = invoiced.pay_invoice("1002", on=date(2024, 2, 1))

    later = target.time_modified.isoformat(timespec="seconds")
    assert later > last_sync
    newer = f"<ModifiedDateRangeFilter><FromModifiedDate>{later}</FromModifiedDate></ModifiedDateRangeFilter>"
    rs = query(
        invoiced, newer, "<PaidStatus>PaidOnly</PaidStatus>", "<IncludeLinkedTxns>true</IncludeLinkedTxns>"
    )
    (ret,) = rs
    assert (ret.findtext("RefNumber"), ret.findtext("IsPaid"), ret.findtext("BalanceRemaining")) == (
        "1002",
        "true",
        "0.00",
    )
    assert ret.findtext("AppliedAmount") == "-200.00"
    linked = ret.find("LinkedTxn")
    assert linked is not None
    assert [linked.findtext(tag) for tag in ("TxnID", "TxnType", "TxnDate", "LinkType", "Amount")] == [
        payment_id,
        "ReceivePayment",
        "2024-02-01",
        "AMTTYPE",
        "-200.00",
    ]
    assert (target.is_paid, target.balance_remaining) == (True, Decimal(0))


def test_paid_status_filter(invoiced: QuickBooksCompany) -> None:
    invoiced.pay_invoice(invoiced.invoices[0].txn_id)
    invoiced.pay_invoice("W-1", amount=Decimal("10.00"))  # partly paid: still to pay
    assert ref_numbers(query(invoiced, "<PaidStatus>PaidOnly</PaidStatus>")) == ["1001"]
    assert ref_numbers(query(invoiced, "<PaidStatus>NotPaidOnly</PaidStatus>")) == [
        "1001",
        "1002",
        "1003",
        "W-1",
    ]
    assert len(query(invoiced, "<PaidStatus>All</PaidStatus>")) == 5


def test_include_line_items_and_include_ret_element(invoiced: QuickBooksCompany) -> None:
    rs = query(
        invoiced,
        "<RefNumber>1002</RefNumber><IncludeLineItems>true</IncludeLineItems>",
        "<IncludeRetElement>TxnID</IncludeRetElement><IncludeRetElement>ExternalGUID</IncludeRetElement>",
        "<IncludeRetElement>IsPaid</IncludeRetElement>",
    )
    assert [child.tag for child in rs[0]] == ["TxnID", "IsPaid", "ExternalGUID"]
    with_lines = query(invoiced, "<RefNumber>1002</RefNumber><IncludeLineItems>true</IncludeLineItems>")
    assert len(with_lines[0].findall("InvoiceLineRet")) == 1


def test_invoice_query_iterators_page_through_every_invoice(invoiced: QuickBooksCompany) -> None:
    first = query(invoiced, "<MaxReturned>2</MaxReturned>", attributes=' iterator="Start"')
    iterator_id = first.get("iteratorID") or ""
    assert (ref_numbers(first), first.get("iteratorRemainingCount")) == (["1001", "1001"], "3")
    pages = [first]
    while int(pages[-1].get("iteratorRemainingCount", "0")) > 0:
        pages.append(
            query(
                invoiced,
                "<MaxReturned>2</MaxReturned><IncludeLineItems>true</IncludeLineItems>",
                attributes=f' iterator="Continue" iteratorID="{iterator_id}"',
            )
        )
    assert [ref_numbers(page) for page in pages] == [["1001", "1001"], ["1002", "1003"], ["W-1"]]
    assert pages[1][0].find("InvoiceLineRet") is not None  # each page is shown as its own request asks
    done = query(
        invoiced,
        "<MaxReturned>2</MaxReturned>",
        attributes=f' iterator="Continue" iteratorID="{iterator_id}"',
    )
    assert status(done) == (3391, "Error")


def test_date_macros_are_refused_not_ignored(invoiced: QuickBooksCompany) -> None:
    rs = query(invoiced, "<TxnDateRangeFilter><DateMacro>ThisMonth</DateMacro></TxnDateRangeFilter>")
    assert status(rs) == (1030, "Error")


# Payments ----------------------------------------------------------------------------------------------


def test_pay_invoice_in_parts_then_in_full(invoiced: QuickBooksCompany) -> None:
    invoice = invoiced.invoices[2]
    invoiced.pay_invoice(invoice.txn_id, amount=Decimal("50"))
    assert (invoice.balance_remaining, invoice.is_paid) == (Decimal("150.00"), False)
    invoiced.pay_invoice(invoice.txn_id)
    assert (invoice.balance_remaining, invoice.is_paid, len(invoice.applications)) == (Decimal(0), True, 2)
    with pytest.raises(ValueError, match="cannot apply"):
        invoiced.pay_invoice(invoice.txn_id)
    with pytest.raises(ValueError, match="2 invoices"):
        invoiced.pay_invoice("1001")  # two invoices share it: name one by TxnID
    with pytest.raises(ValueError, match="0 invoices"):
        invoiced.pay_invoice("nope")


def test_unpay_invoice_deletes_the_payment_and_touches_the_invoice(invoiced: QuickBooksCompany) -> None:
    invoice = invoiced.invoices[2]
    payment_id = invoiced.pay_invoice(invoice.txn_id)
    paid_at = invoice.time_modified
    assert invoiced.unpay_invoice("1002") == payment_id
    assert (invoice.is_paid, invoice.balance_remaining) == (False, Decimal("200.00"))
    assert invoice.time_modified > paid_at
    assert invoiced.payments.get(payment_id) is None
    assert (
        query(invoiced, "<RefNumber>1002</RefNumber><IncludeLinkedTxns>true</IncludeLinkedTxns>")[0].find(
            "LinkedTxn"
        )
        is None
    )
    with pytest.raises(ValueError, match="no such payment"):
        invoiced.unpay_invoice("1002")


def test_receive_payment_query(invoiced: QuickBooksCompany) -> None:
    first = invoiced.pay_invoice("1002", amount=Decimal("80.00"), on=date(2024, 1, 20))
    invoiced.pay_invoice("W-1")
    rs = only(
        invoiced.process(
            qbxml(
                f"<ReceivePaymentQueryRq><TxnID>{first}</TxnID><IncludeLineItems>true</IncludeLineItems></ReceivePaymentQueryRq>"
            )
        )
    )
    (ret,) = rs
    assert ret.tag == "ReceivePaymentRet"
    assert (ret.findtext("TxnDate"), ret.findtext("TotalAmount"), ret.findtext("CustomerRef/FullName")) == (
        "2024-01-20",
        "80.00",
        "Customer 0004",
    )
    assert ret.findtext("DepositToAccountRef/FullName") == "Undeposited Funds"
    applied = ret.find("AppliedToTxnRet")
    assert applied is not None
    assert [applied.findtext(tag) for tag in ("TxnType", "RefNumber", "BalanceRemaining", "Amount")] == [
        "Invoice",
        "1002",
        "120.00",
        "80.00",
    ]
    everything = only(invoiced.process(qbxml("<ReceivePaymentQueryRq/>")))
    assert len(everything) == 2 and everything[0].find("AppliedToTxnRet") is None


# Faults ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_tag", "request_xml", "code", "opening"),
    [
        ("InvoiceAddRq", invoice_add(), 3175, "There was an error when reserving a Invoice transaction"),
        (
            "CustomerAddRq",
            "<CustomerAddRq><CustomerAdd><Name>Acme</Name></CustomerAdd></CustomerAddRq>",
            3180,
            'There was an error when saving a Customers list, element "Acme".',
        ),
        (
            "ItemServiceAddRq",
            "<ItemServiceAddRq><ItemServiceAdd><Name>Tune-up</Name><SalesOrPurchase><AccountRef>"
            "<FullName>Sales:Services</FullName></AccountRef></SalesOrPurchase></ItemServiceAdd></ItemServiceAddRq>",
            3180,
            'There was an error when saving a Items list, element "Tune-up".',
        ),
    ],
)
def test_locked_adds_answer_record_in_use_and_change_nothing(
    company: QuickBooksCompany, request_tag: str, request_xml: str, code: int, opening: str
) -> None:
    company.lock_list(request_tag, 2)
    locked = [only(company.process(qbxml(request_xml))) for _ in range(2)]
    assert {status(rs) for rs in locked} == {(code, "Error")}
    assert (locked[0].get("statusMessage") or "").startswith(opening)
    assert (len(company.invoices), company.customers.find("Acme"), company.items.find("Tune-up")) == (
        0,
        None,
        None,
    )
    assert status(only(company.process(qbxml(request_xml)))) == (0, "Info")


def test_a_lock_can_answer_another_in_use_code(company: QuickBooksCompany) -> None:
    company.lock_list("InvoiceAddRq", 1, status_code=3170)
    rs = only(company.process(qbxml(invoice_add())))
    assert status(rs) == (3170, "Error")


@pytest.mark.parametrize(
    ("code", "message", "severity"),
    [
        (3200, "The provided edit sequence is out-of-date.", "Error"),
        (3170, "There was an error when modifying a Invoice.", "Error"),
        (3210, 'The "RefNumber" field has an invalid value.', "Error"),
        (530, "The field is not supported by this implementation.", "Warn"),
    ],
)
def test_fail_next_injects_any_status_and_applies_nothing(
    company: QuickBooksCompany, code: int, message: str, severity: str
) -> None:
    company.fail_next("InvoiceAddRq", code, message, times=2)
    response = company.process(
        qbxml(
            invoice_add(request_id="1"),
            invoice_add(request_id="2"),
            invoice_add(request_id="3"),
            on_error="continueOnError",
        )
    )
    assert [(rs.get("requestID"), status(rs)) for rs in answers(response)] == [
        ("1", (code, severity)),
        ("2", (code, severity)),
        ("3", (0, "Info")),
    ]
    assert answers(response)[0].get("statusMessage") == message
    assert len(company.invoices) == 1


def test_faults_queue_up_per_request_type(company: QuickBooksCompany) -> None:
    company.fail_next("InvoiceAddRq", 3200, "first")
    company.lock_list("InvoiceAddRq", 1)
    company.fail_next("CustomerQueryRq", 3170, "elsewhere")
    codes = [status(only(company.process(qbxml(invoice_add()))))[0] for _ in range(3)]
    assert codes == [3200, 3175, 0]
    with pytest.raises(ValueError, match="Invoice"):
        company.fail_next("Invoice", 3200, "not a request name")


# Sample ------------------------------------------------------------------------------------------------


def test_sample_adds_customers_with_the_names_given() -> None:
    company = QuickBooksCompany.sample(
        customers=5, customers_named=["Client 0000 Dental", "Client 0000 Dental:Annex"]
    )
    # The list runs alphabetically, each customer followed by its jobs.
    assert [c.full_name for c in company.customers][:3] == [
        "Client 0000 Dental",
        "Client 0000 Dental:Annex",
        "Customer 0001",
    ]
    assert len(company.customers) == 7
    assert all(c.is_active for c in company.customers if c.full_name.startswith("Client"))
    again = QuickBooksCompany.sample(
        customers=5, customers_named=["Client 0000 Dental", "Client 0000 Dental:Annex"]
    )
    assert [c.list_id for c in again.customers] == [c.list_id for c in company.customers]
    with pytest.raises(ValueError, match="Nobody:Job"):
        QuickBooksCompany.sample(customers_named=["Nobody:Job"])
