"""What every kind of exchange with QuickBooks shares: the step protocol, its context and the storage ports.

A neutral package: the conversation engine (which sequences steps) and the transfer kinds (which contribute
them) both import it, and never each other.
"""
