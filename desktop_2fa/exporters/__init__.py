"""Exporters to other authenticators' formats: one module per format, one shape.

`registry.EXPORTERS` is the explicit list the CLI and the GUI are built from;
`files.write_export` puts a result on disk (mode 0600, never over an existing
file unless asked).
"""
