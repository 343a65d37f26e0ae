"""OTP maths, otpauth:// URIs and the values they work on. No I/O, no clock, no Qt."""
