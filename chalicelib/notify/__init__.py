"""E-mail: rendering notices and sending them (SES on AWS, a readable outbox folder locally).

The only place SES lives. A failed send is logged and never breaks the SOAP conversation that caused it.
"""
