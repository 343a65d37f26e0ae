"""The PySide6 desktop app. The only package allowed to import Qt (DESIGN.md, layers)."""
