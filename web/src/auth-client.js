// The client exactly as the integration guide sets it up (seed/2fa-guide.md,
// "lib/auth-client.ts"): better-auth's own createAuthClient with twoFactorClient,
// whose onTwoFactorRedirect sends the browser to /verify-2fa.
import { createAuthClient } from "better-auth/client";
import { twoFactorClient } from "better-auth/client/plugins";

/** The API's absolute URL: a <meta> the server fills in (its base path, or another server's URL). */
export function authURL() {
  const meta = document.querySelector('meta[name="d2fa-auth-url"]');
  return new URL(meta?.content || "/api/auth", window.location.href).href;
}

/** Seconds from the last 429's X-Retry-After (exposed to other origins by the server's CORS answer). */
export const lastRetryAfter = { seconds: null };

export const authClient = createAuthClient({
  baseURL: authURL(),
  fetchOptions: {
    onError(context) {
      if (context.response?.status === 429) {
        const header = context.response.headers.get("X-Retry-After") ?? context.response.headers.get("Retry-After");
        const seconds = Number.parseInt(header ?? "", 10);
        lastRetryAfter.seconds = Number.isFinite(seconds) ? seconds : null;
      }
    },
  },
  plugins: [
    twoFactorClient({
      onTwoFactorRedirect() {
        window.location.href = "/verify-2fa";
      },
    }),
  ],
});
