"""desktop-2fa: a desktop TOTP/HOTP authenticator and two-factor enrollment tester.

Kept import-free on purpose: `desktop-2fa code` must start in well under 150 ms,
so nothing heavy may load just because the package is imported.
"""

__version__ = "0.1.0"
