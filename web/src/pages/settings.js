// "/settings": the account, and two-factor on or off (guide, "Enabling 2FA"
// and "Disabling 2FA"). Enabling is three steps: scan the QR code, save the
// backup codes, activate with a first code.
import { authClient } from "../auth-client.js";
import { $, call, currentSession, show, showAccount, value } from "../forms.js";
import { qrSvg } from "../qr.js";

function setState(state) {
  const section = $("#two-factor");
  section.dataset.state = state;
  $("#two-factor-status").textContent = {
    on: "On: signing in asks for a code from your authenticator app.",
    pending: "Being set up: finish the three steps below to turn it on.",
    off: "Off: your password alone signs you in.",
  }[state];
  show($("#enable-form"), state === "off");
  show($("#setup"), state === "pending");
  show($("#enabled"), state === "on");
}

function notice(text) {
  const element = $("#notice");
  element.textContent = text;
  show(element, Boolean(text));
}

function showSetup(totpURI, backupCodes) {
  const qr = $("#qr");
  qr.replaceChildren(qrSvg(totpURI, { label: "QR code of the two-factor secret" }));
  // A server that answers something other than an otpauth URI gets no link.
  const uri = totpURI.startsWith("otpauth://") ? new URL(totpURI) : null;
  const secret = uri?.searchParams.get("secret") ?? "";
  $("#totp-secret").textContent = secret.replace(/(.{4})(?=.)/g, "$1 ");
  const link = $("#totp-link");
  if (uri) link.href = totpURI;
  show(link, Boolean(uri));
  const list = $("#backup-codes");
  list.replaceChildren(
    ...backupCodes.map((code) => {
      const item = document.createElement("li");
      const text = document.createElement("code");
      text.textContent = code;
      item.append(text);
      return item;
    }),
  );
  const saved = $("#saved-codes");
  saved.checked = false;
  $("#activate-fields").disabled = true;
  setState("pending");
}

export async function settingsPage() {
  const session = await currentSession();
  if (!session) {
    window.location.replace("/");
    return false;
  }
  showAccount(session.user);
  $("#user-name").textContent = session.user.name;
  $("#user-email").textContent = session.user.email;
  show($("#loading"), false);
  show($("#profile"));
  show($("#two-factor"));
  setState(session.user.twoFactorEnabled ? "on" : "off");

  const enable = $("#enable-form");
  enable.addEventListener("submit", async (event) => {
    event.preventDefault();
    notice("");
    const data = await call(enable, () =>
      authClient.twoFactor.enable({ password: value(enable, "password") }),
    );
    if (!data) return;
    enable.reset();
    showSetup(data.totpURI, data.backupCodes);
  });

  $("#saved-codes").addEventListener("change", (event) => {
    $("#activate-fields").disabled = !event.target.checked;
  });
  $("#copy-codes").addEventListener("click", async () => {
    const codes = [...document.querySelectorAll("#backup-codes code")].map((c) => c.textContent);
    try {
      await navigator.clipboard.writeText(codes.join("\n"));
      $("#copy-codes").textContent = "Copied";
    } catch {
      $("#copy-codes").textContent = "Copy failed: select the codes instead";
    }
  });

  const activate = $("#activate-form");
  activate.addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = value(activate, "code").replace(/\s/g, "");
    const data = await call(activate, () => authClient.twoFactor.verifyTotp({ code }));
    if (!data) return;
    // Activation rotates the session and answers with the user as it was before
    // (twoFactorEnabled false, PROTOCOL.md section 5): read the session again.
    const fresh = await currentSession();
    activate.reset();
    $("#qr").replaceChildren();
    $("#backup-codes").replaceChildren();
    setState(fresh?.user.twoFactorEnabled ? "on" : "off");
    notice("Two-factor authentication is on. Signing in now asks for a code from your app.");
  });
  $("#cancel-setup").addEventListener("click", () => {
    $("#qr").replaceChildren();
    $("#backup-codes").replaceChildren();
    setState("off");
  });

  const disable = $("#disable-form");
  disable.addEventListener("submit", async (event) => {
    event.preventDefault();
    notice("");
    const data = await call(disable, () =>
      authClient.twoFactor.disable({ password: value(disable, "password") }),
    );
    if (!data) return;
    disable.reset();
    setState("off");
    notice("Two-factor authentication is off.");
  });
  return true;
}
