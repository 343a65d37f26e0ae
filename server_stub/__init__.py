"""Bundled reference server speaking better-auth 1.7's two-factor protocol."""

__version__ = "0.1.0"
