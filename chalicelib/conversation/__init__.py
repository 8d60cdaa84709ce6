"""The conversation: which qbXML to send next, what QuickBooks' answers mean, and how far along we are.

Plain Python: no Chalice, no boto3. The state is JSON that the store keeps between callbacks.
"""
