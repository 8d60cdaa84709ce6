"""``GET /qbwc?wsdl``: Intuit's WSDL with our endpoint URL, SOAP 1.1 only (QBWC speaks 1.1, and so do we)."""

from __future__ import annotations

import functools
from pathlib import Path

from lxml import etree

WSDL_PATH = Path(__file__).parent / "QBWebConnectorSvc.wsdl"
_WSDL = "http://schemas.xmlsoap.org/wsdl/"
_SOAP11 = "http://schemas.xmlsoap.org/wsdl/soap/"
_SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"


@functools.cache
def render_wsdl(endpoint_url: str) -> bytes:
    """The WSDL with every address set to ``endpoint_url`` and the SOAP 1.2 binding and port removed."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.parse(str(WSDL_PATH), parser=parser).getroot()
    soap12_bindings = {
        binding.get("name")
        for binding in root.findall(f"{{{_WSDL}}}binding")
        if binding.find(f"{{{_SOAP12}}}binding") is not None
    }
    for binding in root.findall(f"{{{_WSDL}}}binding"):
        if binding.get("name") in soap12_bindings:
            root.remove(binding)
    for service in root.findall(f"{{{_WSDL}}}service"):
        for port in service.findall(f"{{{_WSDL}}}port"):
            if str(port.get("binding", "")).split(":")[-1] in soap12_bindings:
                service.remove(port)
                continue
            address = port.find(f"{{{_SOAP11}}}address")
            if address is not None:
                address.set("location", endpoint_url)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")
