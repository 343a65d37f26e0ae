// A real better-auth 1.7 server with the twoFactor plugin, for interop tests.
// Configured as PROTOCOL.md was captured: emailAndPassword on, base path
// /api/auth, appName and issuer "Desktop2FA Reference", memory adapter.
// Usage: node better_auth_server.mjs PORT   (prints "listening <url>" when ready)
import http from "node:http";
import { betterAuth } from "better-auth";
import { memoryAdapter } from "better-auth/adapters/memory";
import { twoFactor } from "better-auth/plugins";
import { toNodeHandler } from "better-auth/node";

const port = Number(process.argv[2] || 0);
const server = http.createServer();
server.listen(port, "127.0.0.1", () => {
  const url = `http://127.0.0.1:${server.address().port}`;
  const db = { user: [], session: [], account: [], verification: [], twoFactor: [] };
  const auth = betterAuth({
    appName: "Desktop2FA Reference",
    baseURL: url,
    basePath: "/api/auth",
    secret: "interop-test-secret-interop-test-secret-0123456789",
    database: memoryAdapter(db),
    emailAndPassword: { enabled: true },
    plugins: [twoFactor({ issuer: "Desktop2FA Reference" })],
    telemetry: { enabled: false },
  });
  server.on("request", toNodeHandler(auth));
  console.log(`listening ${url}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
