"""The integration guide's pages, served by the reference server at `/`.

`/` (sign in, sign up), `/settings` (enable two-factor: QR code, backup codes,
activation; disable) and `/verify-2fa` (where better-auth's
`onTwoFactorRedirect` lands: a 6-digit code or "Use a backup code"). They run
the official better-auth client, bundled from the npm registry by `make web`
into `dist/` (git-ignored); until then every page says how to build it, and
the API is unaffected. Sources: `web/src/` at the top of the repository.
"""
