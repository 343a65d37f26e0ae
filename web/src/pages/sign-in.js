// "/": sign in, or create an account (the guide's starting point).
import { authClient } from "../auth-client.js";
import { $, call, checked, currentSession, value } from "../forms.js";

export async function signInPage() {
  if (await currentSession()) {
    window.location.replace("/settings");
    return false;
  }
  const signIn = $("#sign-in-form");
  signIn.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = await call(signIn, () =>
      authClient.signIn.email({
        email: value(signIn, "email").trim(),
        password: value(signIn, "password"),
        rememberMe: checked(signIn, "rememberMe"),
      }),
    );
    // With two-factor on the answer is {twoFactorRedirect: true}, and
    // onTwoFactorRedirect has already sent the browser to /verify-2fa.
    if (data && !data.twoFactorRedirect) window.location.href = "/settings";
  });

  const signUp = $("#sign-up-form");
  signUp.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = await call(signUp, () =>
      authClient.signUp.email({
        name: value(signUp, "name").trim(),
        email: value(signUp, "email").trim(),
        password: value(signUp, "password"),
      }),
    );
    if (data) window.location.href = "/settings";
  });
  return true;
}
