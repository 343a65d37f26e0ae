"""Icon packs in Aegis's format: a .zip holding `pack.json` and the icons it names."""
