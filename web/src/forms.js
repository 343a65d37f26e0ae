// Small DOM helpers shared by the pages. Text from the server is only ever set
// with textContent, never parsed as HTML.
import { authClient, authURL, lastRetryAfter } from "./auth-client.js";
import { describe, unreachable } from "./messages.js";

export const $ = (selector, root = document) => root.querySelector(selector);

export function show(element, visible = true) {
  element.hidden = !visible;
}

export function say(form, text) {
  const alert = $(".error", form);
  alert.textContent = text;
  show(alert, Boolean(text));
  if (text) alert.scrollIntoView({ block: "nearest" });
}

export function value(form, name) {
  return form.elements.namedItem(name).value;
}

export function checked(form, name) {
  return form.elements.namedItem(name).checked;
}

/**
 * Run one better-auth client call for a form: clears the form's message,
 * disables its buttons while the request runs, and turns an error (or no
 * answer at all) into a sentence. Returns the data, or null after an error.
 */
export async function call(form, request) {
  say(form, "");
  const buttons = [...form.querySelectorAll("button")];
  for (const button of buttons) button.disabled = true;
  form.setAttribute("aria-busy", "true");
  lastRetryAfter.seconds = null;
  try {
    const { data, error } = await request();
    if (error) {
      say(form, describe(error, { retryAfter: lastRetryAfter.seconds }));
      return null;
    }
    return data ?? {};
  } catch {
    say(form, unreachable(authURL()));
    return null;
  } finally {
    for (const button of buttons) button.disabled = false;
    form.removeAttribute("aria-busy");
  }
}

/** The signed-in session, or null (also when the server cannot be reached). */
export async function currentSession() {
  try {
    const { data } = await authClient.getSession();
    return data?.session ? data : null;
  } catch {
    return null;
  }
}

/** Show "signed in as" and a working "Sign out" in the page header. */
export function showAccount(user) {
  $("#account-email").textContent = user.email;
  show($("#account"));
  $("#sign-out").addEventListener("click", async () => {
    try {
      await authClient.signOut();
    } finally {
      window.location.href = "/";
    }
  });
}
