"""Round trips at scale on Locust (`pip install 'desktop-2fa[load]'`).

`locustfile.py` beside this file holds `RoundTripUser`, the enrollment round
trip as a Locust user: `desktop-2fa load` runs it headless, and
`locust -f "$(desktop-2fa load --locustfile)"` gives Locust's web UI and its
distributed mode (`--master`, `--worker`). Nothing here imports Locust: that
happens only in the Locust process, which monkey-patches the standard library
for gevent first.
"""

from __future__ import annotations

from pathlib import Path

#: The file to give `locust -f`.
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
