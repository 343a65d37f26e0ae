"""HTTP-only helpers: cookies, Origin rule, bodies, envelope, rate limit, access log."""
