"""Rules of the protocol, free of any web framework (enforced by a layering test).

Services take `now` as an argument; only the request handling reads the clock.
"""
