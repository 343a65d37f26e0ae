"""A security audit of a deployment that speaks better-auth's two-factor protocol.

`runner.Audit` runs the checks of `registry.CHECKS` against a server with
throwaway accounts and returns an `model.AuditReport`; `report` and `html`
turn that into a table, JSON, JUnit XML or an HTML page. No Qt, no web
framework: the CLI (`desktop-2fa audit`) and the GUI's Audit tab drive it.
"""
