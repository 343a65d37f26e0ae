"""Importers for other authenticators' exports: one module per format, one shape.

`registry.IMPORTERS` is the explicit list; `registry.guess_format` picks one
for a file; `session.import_files` runs a whole import (several files,
passwords, Google export parts) and `session.add_imported` puts the result
into the vault, skipping duplicates.
"""
