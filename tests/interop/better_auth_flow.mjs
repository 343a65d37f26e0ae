// Drives the official better-auth client against a server: node flow.mjs BASE_URL
//
// The test copies this file next to the better-auth it installed (so that
// "better-auth/client" resolves) and reads the JSON printed on stdout.
// TOTP codes are computed here with node's crypto (RFC 6238, HMAC-SHA1),
// independently of both Python implementations.
import { createHmac } from "node:crypto";
import { createAuthClient } from "better-auth/client";
import { twoFactorClient } from "better-auth/client/plugins";

const BASE = process.argv[2];
const EMAIL = `alice-${Date.now()}@example.test`;
const PASSWORD = "interop password 1";

// -- a cookie jar: node's fetch keeps no cookies, and the Origin rule needs Origin.
const jar = new Map();
async function fetchWithJar(input, init = {}) {
  const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
  if (jar.size > 0) headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
  headers.set("origin", BASE);
  const response = await fetch(input, { ...init, headers });
  for (const header of response.headers.getSetCookie()) {
    const [pair, ...attributes] = header.split(";").map((part) => part.trim());
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq);
    if (attributes.some((a) => a.toLowerCase() === "max-age=0")) jar.delete(name);
    else jar.set(name, pair.slice(eq + 1));
  }
  return response;
}

// -- TOTP (RFC 6238) with node's crypto.
function base32Decode(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out = [];
  for (const char of text.replace(/=+$/, "").toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}
function totp(secret, stepOffset = 0) {
  const counter = Math.floor(Date.now() / 1000 / 30) + stepOffset;
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const digest = createHmac("sha1", base32Decode(secret)).update(message).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  const value = digest.readUInt32BE(offset) & 0x7fffffff;
  return String(value % 1_000_000).padStart(6, "0");
}

const redirects = [];
const client = createAuthClient({
  baseURL: BASE,
  fetchOptions: { customFetchImpl: fetchWithJar },
  plugins: [
    twoFactorClient({
      onTwoFactorRedirect(context) {
        redirects.push(context?.twoFactorMethods ?? null);
      },
    }),
  ],
});

const steps = {};
function record(name, result) {
  steps[name] = {
    data: result.data ?? null,
    error: result.error
      ? { status: result.error.status, code: result.error.code ?? null, message: result.error.message ?? null }
      : null,
  };
  return result;
}

record("signUp", await client.signUp.email({ email: EMAIL, password: PASSWORD, name: "Alice" }));
const enabled = record("enable", await client.twoFactor.enable({ password: PASSWORD }));
const uri = enabled.data.totpURI;
const secret = new URL(uri).searchParams.get("secret");
const backupCodes = enabled.data.backupCodes;
record("activateWrong", await client.twoFactor.verifyTotp({ code: totp(secret) === "000000" ? "000001" : "000000" }));
record("activate", await client.twoFactor.verifyTotp({ code: totp(secret) }));
record("sessionAfterActivation", await client.getSession());
record("signOut1", await client.signOut());

record("signIn1", await client.signIn.email({ email: EMAIL, password: PASSWORD }));
steps.redirectsAfterSignIn1 = redirects.length;
record("sessionDuringChallenge", await client.getSession());
// The activation's step is spent (replay guard): use the next step's code (within ±1).
record("verifyTotp", await client.twoFactor.verifyTotp({ code: totp(secret, 1) }));
record("sessionAfterTotp", await client.getSession());
record("signOut2", await client.signOut());

record("signIn2", await client.signIn.email({ email: EMAIL, password: PASSWORD }));
record("verifyBackupCode", await client.twoFactor.verifyBackupCode({ code: backupCodes[0] }));
record("sessionAfterBackupCode", await client.getSession());
record("signOut3", await client.signOut());

record("signIn3", await client.signIn.email({ email: EMAIL, password: PASSWORD }));
record("reuseBackupCode", await client.twoFactor.verifyBackupCode({ code: backupCodes[0] }));
record("verifyBackupCode2", await client.twoFactor.verifyBackupCode({ code: backupCodes[1] }));

record("disable", await client.twoFactor.disable({ password: PASSWORD }));
record("sessionAfterDisable", await client.getSession());
record("signOut4", await client.signOut());
record("signInPlain", await client.signIn.email({ email: EMAIL, password: PASSWORD }));

steps.redirects = redirects;
steps.uri = uri;
console.log(JSON.stringify(steps));
