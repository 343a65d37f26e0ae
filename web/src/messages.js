// Every error the protocol lists (PROTOCOL.md sections 2, 4 and 6), in words a
// person can act on. The server's own text is only a fallback for a code this
// table does not know. tests/web/test_pages.py checks that every code the
// bundled server can send has an entry here.

export const MESSAGES = {
  // sign-up and sign-in
  INVALID_EMAIL_OR_PASSWORD: "Wrong e-mail or password.",
  INVALID_EMAIL: "That is not an e-mail address.",
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: "An account with this e-mail already exists: sign in instead, or use another e-mail.",
  PASSWORD_TOO_SHORT: "The password is too short: use at least 8 characters.",
  PASSWORD_TOO_LONG: "The password is too long: use at most 128 characters.",
  // enabling, activating and disabling two-factor
  INVALID_PASSWORD: "Wrong password.",
  TOTP_ALREADY_ENABLED: "Two-factor authentication is already on.",
  TOTP_NOT_ENABLED: "Two-factor authentication is not set up for this account.",
  TWO_FACTOR_NOT_ENABLED: "Turn two-factor authentication on first.",
  BACKUP_CODES_NOT_ENABLED: "This account has no backup codes.",
  OTP_NOT_CONFIGURED: "This server sends no codes by e-mail or SMS: use your authenticator app.",
  OTP_HAS_EXPIRED: "That one-time code has expired.",
  // the second factor at sign-in
  INVALID_CODE: "That code is not right. Enter the code your authenticator app shows now (each code works once).",
  INVALID_BACKUP_CODE: "That backup code is not right, or it has been used already.",
  INVALID_TWO_FACTOR_COOKIE: "This sign-in has expired or is already complete. Sign in again.",
  TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE: "Too many wrong codes for this sign-in. Sign in again to get new attempts.",
  ACCOUNT_TEMPORARILY_LOCKED: "Too many wrong codes: two-factor sign-in to this account is locked for a while. Try again later.",
  // the session and the request itself
  UNAUTHORIZED: "You are signed out. Sign in again.",
  METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED: "The server reads the session with GET only.",
  MISSING_OR_NULL_ORIGIN: "The browser sent no Origin header, so the server refused the request (better-auth's CSRF rule).",
  INVALID_ORIGIN: "The server does not trust this page's origin ({origin}): start it with --trusted-origin {origin}.",
  REQUEST_TIMEOUT: "The request took too long to arrive at the server. Check the connection and try again.",
  CROSS_SITE_NAVIGATION_LOGIN_BLOCKED: "A sign-in sent from another site was blocked. Sign in from this page.",
  INVALID_CALLBACK_URL: "The server refused the page to return to (callbackURL).",
  VALIDATION_ERROR: "The server refused the form: {message}",
  BAD_REQUEST: "The server could not read the request: {message}",
  UNSUPPORTED_MEDIA_TYPE: "The server could not read the request: {message}",
  PAYLOAD_TOO_LARGE: "The form is too large for the server.",
  INTERNAL_SERVER_ERROR: "The server failed: {message}",
};

/**
 * Answers without a body, by status: the server refuses a request head that
 * does not arrive in time (408) or is larger than 16 KiB (431) before reading
 * it (server_stub/http/connections.py, as Node's HTTP server does).
 */
const BARE_ANSWERS = {
  408: MESSAGES.REQUEST_TIMEOUT,
  431: "The request is too large for the server: this site's cookies have grown too big. Clear this site's cookies in the browser, then try again.",
};

/** One sentence for a better-auth client error ({status, code?, message?}). */
export function describe(error, { retryAfter = null } = {}) {
  const message = typeof error?.message === "string" ? error.message : "";
  if (error?.status === 429 && !error.code) {
    // The rate limiter's answer has no code (PROTOCOL.md section 6), nor has an
    // e-mail's pause after wrong passwords, which answers the same way.
    return retryAfter
      ? `Too many requests: try again in ${retryAfter} seconds.`
      : "Too many requests: wait a minute and try again.";
  }
  if (!error?.code && Object.hasOwn(BARE_ANSWERS, error?.status)) return BARE_ANSWERS[error.status];
  const template = MESSAGES[error?.code];
  if (template) {
    return template.replaceAll("{origin}", window.location.origin).replaceAll("{message}", message || error.code);
  }
  const status = error?.status ? ` (HTTP ${error.status})` : "";
  return message ? `The server refused: ${message}${status}.` : `The server refused the request${status}.`;
}

/** A request that never got an answer: server down, or (from another origin) no CORS permission. */
export function unreachable(url) {
  const origin = window.location.origin;
  if (new URL(url).origin !== origin) {
    return `Could not reach the server at ${url}. It may be down, or it does not trust this page's origin: start it with --trusted-origin ${origin}.`;
  }
  return `Could not reach the server at ${url}. Is it running?`;
}
