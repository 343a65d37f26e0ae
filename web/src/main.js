// Entry point of the bundle: wires the page the server marked in <body data-page>.
// Forms stay disabled (fieldset[data-live]) until their handlers are attached,
// so a form can never be submitted natively, credentials and all.
import { settingsPage } from "./pages/settings.js";
import { signInPage } from "./pages/sign-in.js";
import { verifyPage } from "./pages/verify.js";

const PAGES = { "sign-in": signInPage, settings: settingsPage, verify: verifyPage };

async function start() {
  const page = PAGES[document.body.dataset.page];
  const ready = page ? await page() : true;
  if (ready === false) return; // the page is navigating away
  for (const fieldset of document.querySelectorAll("fieldset[data-live]")) fieldset.disabled = false;
  document.body.dataset.ready = "true";
}

start();
