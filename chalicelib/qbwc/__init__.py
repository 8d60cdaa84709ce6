"""The QuickBooks Web Connector side: SOAP envelopes, the WSDL, .qwc files, and the callbacks."""
