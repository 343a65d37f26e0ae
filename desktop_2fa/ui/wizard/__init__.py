"""The enrollment wizard: enroll against a better-auth server, test sign-in, run a round trip."""
