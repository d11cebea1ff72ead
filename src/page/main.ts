/**
 * The reference recovery page: the whole journey on the public HTTP contract (DESIGN §4).
 * Start with the username (and the public half of a TAP key made here), poll the recovery,
 * follow `next` — to the identity provider, then to the wallet — and show the TAP once,
 * opened in this browser. The recovery token stays in sessionStorage, never in a URL; a lost
 * connection while polling shows "reconnecting" and retries with backoff until it is back.
 */
import { fillPlaceholders } from "../recovery/placeholders";
import { TERMINAL_STATUSES } from "../recovery/status";
import {
  cancelRecovery,
  continueRecovery,
  type RecoveryView,
  readRecovery,
  renewHandoff,
  startRecovery,
  startVerification,
} from "./api";
import { announce, byId } from "./dom";
import { formatMinutes, initialLocale, locale, ui, useLocale } from "./i18n";
import { mountLanguageSwitcher } from "./languageSwitcher";
import * as screens from "./screens";
import { clearSession, loadSession, type Session, saveSession } from "./session";
import { createTapKey, forgetTapKey, loadTapKey, openTap, saveTapKey } from "./tapKey";

const USERNAME = /^[^\s@]+@[^\s@]+$/;
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 15_000;

let session: Session | undefined;
let pollTimer: number | undefined;
let failedPolls = 0;
let stopped = false;

const handlers: screens.Handlers = {
  onStart: (username) => void start(username),
  onCancel: () => void cancel(),
  onRestart: () => restart(),
  onLeaveForProvider: () => {
    if (session) saveSession({ ...session, leftForProvider: true });
  },
  onGoBackToProvider: (event) => {
    event.preventDefault();
    void goBackToProvider();
  },
  onSavedTap: (registerUrl) => screens.doneScreen(registerUrl),
  onContinueRecovery: () => void chooseRecovery(),
  isVerification: () => session?.verification === true,
};

/**
 * Back to the provider with a fresh hand-off: the first link's token lives 15 minutes, the
 * recovery waits 30. One request however often the link is clicked; a recovery that moved on
 * meanwhile (409) shows where it is; any other refusal leaves the link to try again.
 */
let goingBack = false;
async function goBackToProvider(): Promise<void> {
  if (!session || goingBack) return;
  const current = session;
  const status = document.getElementById("go-back-status");
  goingBack = true;
  if (status) status.textContent = ui.verifying.goingBack;
  const answer = await renewHandoff(current.recoveryId, current.recoveryToken);
  goingBack = false;
  if (answer.kind === "ok") {
    saveSession({ ...current, leftForProvider: true });
    window.location.assign(answer.value.next.url);
    return;
  }
  if (answer.kind === "refused" && answer.status === 409) {
    if (status) status.textContent = "";
    return void poll();
  }
  if (status) status.textContent = ui.verifying.goBackFailed;
}

async function start(input: string): Promise<void> {
  const username = input.trim();
  if (!USERNAME.test(username)) return screens.startScreen(handlers, ui.start.invalidUsername, username);
  const key = await makeTapKey();
  const answer = await startRecovery({
    username,
    // The language the person is reading: the notices follow it unless the directory names theirs.
    locale,
    ...(key ? { tapEncryptionKey: key.publicJwk } : {}),
  });
  if (answer.kind === "unreachable") return screens.startScreen(handlers, ui.start.unavailable, username);
  if (answer.kind === "refused") {
    const message =
      answer.code === "rate_limited"
        ? rateLimitedMessage(answer.retryAfterSeconds)
        : ui.start.invalidUsername;
    return screens.startScreen(handlers, message, username);
  }
  await begin(answer.value, key, false);
}

/** The start screen's "try again in {duration}": whole minutes, at least one (one when the server named no wait). */
function rateLimitedMessage(retryAfterSeconds: number | undefined): string {
  const minutes = Math.max(1, Math.ceil((retryAfterSeconds ?? 60) / 60));
  return fillPlaceholders(ui.start.rateLimited, { duration: formatMinutes(minutes) });
}

/**
 * Without WebCrypto (an old browser, or http on a non-local host) or IndexedDB (some private
 * modes) the page sends no key: the TAP then comes sealed to the server's key and opened by
 * it, as for any client that sends none. A key that could not be kept would lose the TAP.
 */
async function makeTapKey(): Promise<Awaited<ReturnType<typeof createTapKey>> | undefined> {
  const made = globalThis.crypto?.subtle ? await createTapKey().catch(() => undefined) : undefined;
  const kept = made
    ? await saveTapKey("", made.privateKey).then(
        () => true,
        () => false,
      )
    : false;
  return kept ? made : undefined;
}

async function begin(
  started: { recoveryId: string; recoveryToken: string; pollAfterMs: number },
  key: Awaited<ReturnType<typeof makeTapKey>>,
  verification: boolean,
): Promise<void> {
  const { recoveryId, recoveryToken, pollAfterMs } = started;
  session = { recoveryId, recoveryToken, pollAfterMs, ...(verification ? { verification: true } : {}) };
  saveSession(session);
  if (key) await saveTapKey(recoveryId, key.privateKey).catch(() => undefined);
  stopped = false;
  screens.explainScreen(handlers, undefined);
  await poll();
}

/** A helpdesk verification's link: its code (from the fragment, never sent in a URL) starts it once. */
async function startFromLink(code: string): Promise<void> {
  screens.validatingScreen();
  const key = await makeTapKey();
  const answer = await startVerification({
    code,
    locale,
    ...(key ? { tapEncryptionKey: key.publicJwk } : {}),
  });
  if (answer.kind === "ok") return begin(answer.value, key, true);
  if (answer.kind === "refused" && answer.code === "rate_limited")
    return screens.startScreen(handlers, rateLimitedMessage(answer.retryAfterSeconds));
  if (answer.kind === "unreachable") return screens.startScreen(handlers, ui.start.unavailable);
  return screens.verificationLinkInvalidScreen(handlers);
}

async function chooseRecovery(): Promise<void> {
  if (!session) return;
  const button = document.getElementById("continue-recovery");
  if (button) {
    button.setAttribute("disabled", "");
    button.textContent = ui.verification.offer.recovering;
  }
  await continueRecovery(session.recoveryId, session.recoveryToken);
  // Accepted or not (the offer ran out), the poll shows where it is.
  await poll();
}

function schedule(ms: number): void {
  window.clearTimeout(pollTimer);
  if (!stopped) pollTimer = window.setTimeout(() => void poll(), ms);
}

async function poll(): Promise<void> {
  if (!session || stopped) return;
  const current = session;
  const answer = await readRecovery(current.recoveryId, current.recoveryToken);
  if (session !== current || stopped) return;
  if (answer.kind === "unreachable") {
    failedPolls++;
    byId("connection").hidden = false;
    byId("connection").textContent = ui.connection.reconnecting;
    announce(ui.connection.reconnecting);
    return schedule(Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (failedPolls - 1)));
  }
  if (failedPolls > 0) {
    failedPolls = 0;
    byId("connection").hidden = true;
    announce(ui.connection.restored);
  }
  if (answer.kind === "refused") {
    // 401/404: the token no longer opens this recovery (it ended and was purged, or never was ours).
    end();
    return screens.lostScreen(handlers);
  }
  await show(answer.value);
  if (!TERMINAL_STATUSES.has(answer.value.status)) schedule(current.pollAfterMs);
}

async function show(view: RecoveryView): Promise<void> {
  const next = view.next;
  if (view.status in ui.status) announce(ui.status[view.status as keyof typeof ui.status]);
  switch (view.status) {
    case "pending":
      return screens.explainScreen(handlers, undefined);
    case "verifying_identity":
      if (next?.type !== "redirect") return screens.explainScreen(handlers, undefined);
      return session?.leftForProvider
        ? screens.verifyingScreen(handlers, next.url, view.expiresAt)
        : screens.explainScreen(handlers, next.url);
    case "awaiting_presentation":
      if (next?.type !== "present_credential") return screens.validatingScreen();
      return screens.presentScreen(handlers, next, !!view.presentationRetrievedAt);
    case "validating":
      if (next?.type === "continue_recovery") return screens.recoveryOfferScreen(handlers, next.expiresAt);
      return screens.validatingScreen();
    case "recovered":
      return showTap(view);
    case "evaluation_passed":
      end();
      return screens.evaluationScreen(handlers);
    case "verified":
      end();
      return screens.verifiedScreen(handlers);
    case "not_eligible":
      end();
      return screens.notEligibleScreen(handlers);
    case "cancelled":
      end();
      // Replaced by a newer start for the same account (not this page's own cancel).
      if (view.failure?.code === "superseded") return screens.failureScreen(handlers, view.failure);
      return screens.cancelledScreen(handlers);
    default:
      end();
      return screens.failureScreen(handlers, view.failure ?? { code: "internal_error", message: "" });
  }
}

/** The TAP comes exactly once; after this read it is gone from the server and from here. */
async function showTap(view: RecoveryView): Promise<void> {
  const tap = view.tap;
  const key = tap?.jwe ? await loadTapKey(view.recoveryId) : undefined;
  end();
  if (!tap) return screens.recoveredEarlierScreen(handlers);
  let value = tap.value;
  if (tap.jwe) value = key ? await openTap(tap.jwe, key).catch(() => undefined) : undefined;
  if (!value) return screens.tapUnavailableScreen(handlers);
  screens.tapScreen(handlers, { ...tap, value }, copy);
}

async function copy(text: string, status: HTMLElement): Promise<void> {
  let copied = false;
  try {
    await navigator.clipboard.writeText(text);
    copied = true;
  } catch {
    // No Clipboard API (http origin, permissions): select the pass and use the legacy command.
    const tapElement = byId("tap");
    const range = document.createRange();
    range.selectNodeContents(tapElement);
    const selection = window.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
    copied = document.execCommand("copy");
  }
  status.textContent = copied ? ui.tap.copied : ui.tap.copyFailed;
}

async function cancel(): Promise<void> {
  if (!session) return;
  const current = session;
  window.clearTimeout(pollTimer);
  const button = document.getElementById("cancel");
  if (button) {
    button.setAttribute("disabled", "");
    button.textContent = ui.actions.cancelling;
  }
  const answer = await cancelRecovery(current.recoveryId, current.recoveryToken);
  if (answer.kind === "ok") {
    end();
    return screens.cancelledScreen(handlers);
  }
  // Not cancellable any more (it moved on) or unreachable: the poll shows where it is.
  await poll();
}

/** The recovery is over: forget its token and key, stop polling. */
function end(): void {
  stopped = true;
  window.clearTimeout(pollTimer);
  session = undefined;
  clearSession();
  void forgetTapKey();
  byId("connection").hidden = true;
  // A reload now starts afresh instead of looking for the recovery named in the URL.
  if (location.search) history.replaceState(null, "", location.pathname);
}

function restart(): void {
  end();
  screens.startScreen(handlers);
}

async function boot(): Promise<void> {
  // A helpdesk verification link: the code leaves the address bar (and the history) at once.
  const link = /^#verification=([^&]+)$/.exec(location.hash);
  if (link?.[1]) history.replaceState(null, "", location.pathname + location.search);
  // A language that does not load (offline) leaves the page in English rather than blank.
  await useLocale(initialLocale()).catch(() => useLocale("en"));
  mountLanguageSwitcher();
  const returnedFor = new URLSearchParams(location.search).get("recoveryId");
  session = loadSession();
  if (link?.[1]) {
    void startFromLink(link[1]);
  } else if (session && (!returnedFor || returnedFor === session.recoveryId)) {
    if (returnedFor) session = { ...session, leftForProvider: true };
    saveSession(session);
    screens.explainScreen(handlers, undefined);
    void poll();
  } else if (returnedFor) {
    screens.lostScreen(handlers);
  } else {
    screens.startScreen(handlers);
  }
  // Back online: try now rather than at the end of the backoff.
  window.addEventListener("online", () => {
    if (session && !stopped && failedPolls > 0) void poll();
  });
}

void boot();
