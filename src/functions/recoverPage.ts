/**
 * The reference recovery page (`GET /recover`): a minimal front end that uses only the
 * public HTTP contract — start, poll, follow `next`, show the TAP once. The recovery token
 * lives in sessionStorage for the tab's life and is never put in a URL. Strict CSP with a
 * per-response nonce; every value is written with textContent, never as HTML.
 */
import { randomBytes } from "node:crypto";
import type { HttpRequest, HttpResponseInit } from "@azure/functions";

const PAGE = (nonce: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Recover your account</title><link rel="icon" href="data:,">
<style nonce="${nonce}">
body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.5rem}label{display:block;margin:.5rem 0 .25rem}input{width:100%;padding:.5rem;font:inherit;box-sizing:border-box}
button,a.button{display:inline-block;margin-top:1rem;padding:.6rem 1.2rem;font:inherit;border:0;border-radius:4px;background:#0f6cbd;color:#fff;text-decoration:none;cursor:pointer}
button.secondary{background:#eee;color:#1b1b1b}.tap{font:600 1.6rem ui-monospace,monospace;letter-spacing:.1em;padding:1rem;background:#f3f9ff;border:1px solid #0f6cbd;word-break:break-all}
.muted{color:#555;font-size:.9rem}[hidden]{display:none}#status{font-weight:600}
</style></head><body>
<h1>Recover your account</h1>
<form id="start"><label for="username">Your work account (name@company)</label>
<input id="username" name="username" autocomplete="username" required>
<button type="submit">Start recovery</button></form>
<section id="progress" hidden aria-live="polite">
<p>Status: <span id="status"></span></p><p id="message"></p>
<p id="action" hidden><a id="actionLink" class="button"></a></p>
<p id="qr" hidden><img id="qrImage" alt="QR code to scan with Microsoft Authenticator" width="200" height="200"></p>
<div id="tapBox" hidden><p>Your Temporary Access Pass (shown once — write it down now):</p><p class="tap" id="tap"></p>
<p class="muted" id="tapInfo"></p><p><a id="register" class="button">Register new sign-in methods</a></p></div>
<button id="cancel" class="secondary" type="button">Cancel</button></section>
<script nonce="${nonce}">
(() => {
  const $ = (id) => document.getElementById(id);
  const KEY = "recovery";
  const messages = {
    pending: "Checking your account…", verifying_identity: "Verify your identity with our partner.",
    awaiting_presentation: "Present your verified identity with Microsoft Authenticator (Face Check).",
    validating: "Checking your credential…", recovered: "Your account is recovered.",
    evaluation_passed: "Your identity was verified (evaluation mode: nothing was changed).",
  };
  const load = () => { try { return JSON.parse(sessionStorage.getItem(KEY) || "null"); } catch { return null; } };
  let timer;
  async function poll() {
    const r = load(); if (!r) return;
    $("start").hidden = true; $("progress").hidden = false;
    const res = await fetch("/api/recovery/" + encodeURIComponent(r.recoveryId), { headers: { authorization: "Bearer " + r.recoveryToken } });
    if (!res.ok) { $("status").textContent = "unavailable"; sessionStorage.removeItem(KEY); return; }
    const s = await res.json();
    $("status").textContent = s.status;
    $("message").textContent = s.failure ? s.failure.message : (messages[s.status] || "");
    $("action").hidden = !s.next; $("qr").hidden = !(s.next && s.next.qrCode);
    if (s.next) {
      $("actionLink").href = s.next.url;
      $("actionLink").textContent = s.next.type === "redirect" ? "Verify your identity" : "Open Microsoft Authenticator";
      if (s.next.qrCode) $("qrImage").src = s.next.qrCode;
    }
    if (s.tap) {
      $("tapBox").hidden = false; $("tap").textContent = s.tap.value || "(encrypted for your device)";
      $("tapInfo").textContent = "Valid until " + new Date(s.tap.expiresAt).toLocaleString() + (s.tap.isUsableOnce ? ", usable once." : ".");
      $("register").href = s.tap.registerUrl;
    }
    const final = ["recovered","evaluation_passed","failed","expired","not_eligible","cancelled"].includes(s.status);
    $("cancel").hidden = final;
    if (final) { sessionStorage.removeItem(KEY); return; }
    timer = setTimeout(poll, r.pollAfterMs || 2000);
  }
  $("start").addEventListener("submit", async (e) => {
    e.preventDefault();
    const res = await fetch("/api/recovery", { method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: $("username").value.trim() }) });
    const body = await res.json();
    if (!res.ok) { alert(body.detail || body.title); return; }
    sessionStorage.setItem(KEY, JSON.stringify(body)); poll();
  });
  $("cancel").addEventListener("click", async () => {
    const r = load(); if (!r) return; clearTimeout(timer);
    await fetch("/api/recovery/" + encodeURIComponent(r.recoveryId) + "/cancel", { method: "POST", headers: { authorization: "Bearer " + r.recoveryToken } });
    poll();
  });
  poll();
})();
</script></body></html>`;

export async function recoverPage(_request: HttpRequest): Promise<HttpResponseInit> {
  const nonce = randomBytes(16).toString("base64");
  return {
    status: 200,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "no-referrer",
      "Content-Security-Policy": `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    },
    body: PAGE(nonce),
  };
}
