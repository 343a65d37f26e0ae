// "/verify-2fa": where onTwoFactorRedirect lands. A 6-digit code from the
// authenticator app, or "Use a backup code" (guide, "Signing In with 2FA" and
// "Using a Backup Code").
import { authClient } from "../auth-client.js";
import { $, call, checked, currentSession, show, value } from "../forms.js";

/** "ABCDE FGHIJ" or "ABCDEFGHIJ" typed for "ABCDE-FGHIJ": the server compares exactly. */
export function normaliseBackupCode(text) {
  const compact = text.replace(/[\s-]/g, "");
  return /^[A-Za-z0-9]{10}$/.test(compact) ? `${compact.slice(0, 5)}-${compact.slice(5)}` : text.trim();
}

export async function verifyPage() {
  if (await currentSession()) {
    window.location.replace("/settings");
    return false;
  }
  const totp = $("#totp-form");
  const backup = $("#backup-form");

  totp.addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = value(totp, "code").replace(/\s/g, "");
    // verifyTotp posts to /two-factor/verify-totp, better-auth's authenticator
    // endpoint (the guide's "verify-otp" is the e-mail/SMS one: PROTOCOL.md section 7).
    const data = await call(totp, () =>
      authClient.twoFactor.verifyTotp({ code, trustDevice: checked(totp, "trustDevice") }),
    );
    if (data) window.location.href = "/settings";
  });

  backup.addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = normaliseBackupCode(value(backup, "code"));
    const data = await call(backup, () =>
      authClient.twoFactor.verifyBackupCode({ code, trustDevice: checked(backup, "trustDevice") }),
    );
    if (data) window.location.href = "/settings";
  });

  const swap = (from, to) => {
    show(from, false);
    show(to, true);
    to.elements.namedItem("code").focus();
  };
  $("#use-backup").addEventListener("click", () => swap(totp, backup));
  $("#use-app").addEventListener("click", () => swap(backup, totp));
  return true;
}
