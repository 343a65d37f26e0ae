"""Talking to a better-auth two-factor server: client, enrollment flow, round trip.

No Qt here; the GUI runs these in workers, the CLI calls them directly.
"""
