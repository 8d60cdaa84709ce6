"""parse_qwc: the samples, required elements, URL rules and hostile documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.safe_xml import UnsafeXmlError
from simulators.qbwc import QwcFile, parse_qwc

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "spec" / "samples" / "qwc"

VALID = """<?xml version="1.0"?>
<QBWCXML>
  <AppName>Bridge</AppName>
  <AppID></AppID>
  <AppURL>https://bridge.example.com/qbwc</AppURL>
  <AppDescription>Sync</AppDescription>
  <AppSupport>https://bridge.example.com/support</AppSupport>
  <UserName>acme</UserName>
  <OwnerID>{57F3B9B1-86F1-4fcc-B1EE-566DE1813D20}</OwnerID>
  <FileID>{90A44FB5-33D9-4815-AC85-BC87A7E7D1EB}</FileID>
  <QBType>QBFS</QBType>
  <Scheduler><RunEveryNMinutes>15</RunEveryNMinutes></Scheduler>
  <IsReadOnly>true</IsReadOnly>
  <PersonalDataPref>pdpOptional</PersonalDataPref>
  <UnattendedModePref>umpRequired</UnattendedModePref>
</QBWCXML>"""


def test_consolibyte_sample_on_plain_http_localhost_is_accepted() -> None:
    qwc = parse_qwc((SAMPLES / "consolibyte_example.qwc").read_bytes())

    assert qwc == QwcFile(
        app_name="QuickBooks Integrator",
        app_id="",
        app_url="http://localhost/~kpalmer/QuickBooks/example_server_import_invoices.php",
        app_description="",
        app_support="http://localhost/~kpalmer/QuickBooks/example_server_import_invoices.php?support=1",
        user_name="quickbooks",
        owner_id="{90A44FB7-33D9-4815-AC85-AC86A7E7D1EB}",
        file_id="{57F3B9B6-86F1-4fcc-B1FF-967DE1813D20}",
        qb_type="QBFS",
        run_every_minutes=1,
        is_read_only=False,
        auth_flags=None,
        personal_data_pref=None,
        unattended_mode_pref=None,
        style=None,
    )


def test_intuit_https_sample() -> None:
    qwc = parse_qwc((SAMPLES / "intuit_WCWebService_HTTPSWebService.qwc").read_text())

    assert qwc.app_url == "https://MTVL04A200337.corp.intuit.net/WCWebService/WCWebService.asmx"
    assert qwc.user_name == "username"
    assert qwc.style == "Document"
    assert qwc.auth_flags == "0xF"
    assert qwc.run_every_minutes is None
    assert qwc.is_read_only is False


def test_optional_settings_are_read() -> None:
    qwc = parse_qwc(VALID)

    assert qwc.run_every_minutes == 15
    assert qwc.is_read_only is True
    assert qwc.personal_data_pref == "pdpOptional"
    assert qwc.unattended_mode_pref == "umpRequired"
    assert qwc.app_description == "Sync"


@pytest.mark.parametrize("element", ["AppName", "AppURL", "UserName", "OwnerID", "FileID", "QBType"])
def test_missing_required_element_is_named(element: str) -> None:
    text = VALID.replace(f"<{element}>", f"<Not{element}>").replace(f"</{element}>", f"</Not{element}>")

    with pytest.raises(ValueError, match=element):
        parse_qwc(text)


def test_empty_required_element_counts_as_missing() -> None:
    with pytest.raises(ValueError, match="UserName"):
        parse_qwc(VALID.replace("<UserName>acme</UserName>", "<UserName> </UserName>"))


@pytest.mark.parametrize(
    ("element", "guid", "bad"),
    [
        ("OwnerID", "{57F3B9B1-86F1-4fcc-B1EE-566DE1813D20}", "57F3B9B1-86F1-4fcc-B1EE-566DE1813D20"),
        ("FileID", "{90A44FB5-33D9-4815-AC85-BC87A7E7D1EB}", "{not-a-guid}"),
    ],
)
def test_ids_must_be_braced_guids(element: str, guid: str, bad: str) -> None:
    with pytest.raises(ValueError, match=element):
        parse_qwc(VALID.replace(guid, bad))


@pytest.mark.parametrize(
    "url",
    ["http://bridge.example.com/qbwc", "http://10.0.0.5/qbwc", "ftp://bridge.example.com/qbwc", "/qbwc"],
)
def test_app_url_must_be_https_off_localhost(url: str) -> None:
    text = VALID.replace("https://bridge.example.com/qbwc", url).replace(
        "https://bridge.example.com/support", ""
    )

    with pytest.raises(ValueError, match="AppURL"):
        parse_qwc(text)


def test_plain_http_on_127_0_0_1_is_accepted() -> None:
    text = VALID.replace("https://bridge.example.com/qbwc", "http://127.0.0.1:8000/qbwc").replace(
        "https://bridge.example.com/support", "http://127.0.0.1:8000/support"
    )

    assert parse_qwc(text).app_url == "http://127.0.0.1:8000/qbwc"


def test_support_page_on_another_host_is_refused() -> None:
    with pytest.raises(ValueError, match="AppSupport"):
        parse_qwc(VALID.replace("https://bridge.example.com/support", "https://elsewhere.example.org/help"))


def test_wrong_root_element_is_refused() -> None:
    with pytest.raises(ValueError, match="QBWCXML"):
        parse_qwc(VALID.replace("QBWCXML>", "Settings>"))


@pytest.mark.parametrize(
    ("element", "old", "new"),
    [
        ("RunEveryNMinutes", "<RunEveryNMinutes>15<", "<RunEveryNMinutes>soon<"),
        ("IsReadOnly", "<IsReadOnly>true<", "<IsReadOnly>maybe<"),
    ],
)
def test_malformed_optional_values_are_refused(element: str, old: str, new: str) -> None:
    with pytest.raises(ValueError, match=element):
        parse_qwc(VALID.replace(old, new))


def test_doctype_is_refused() -> None:
    hostile = VALID.replace(
        '<?xml version="1.0"?>',
        '<?xml version="1.0"?><!DOCTYPE QBWCXML [<!ENTITY name "Bridge">]>',
    ).replace("<AppName>Bridge</AppName>", "<AppName>&name;</AppName>")

    with pytest.raises(UnsafeXmlError):
        parse_qwc(hostile)


def test_malformed_document_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="well-formed"):
        parse_qwc(VALID[:-20])
