/**
 * The screens of the recovery journey. Each takes what it shows and the handlers of its
 * buttons, and builds its DOM from the strings file; none fetches or decides anything
 * (main.ts does). Links to the provider and the wallet are plain links, so they work with
 * the keyboard, open in a new tab on request, and need no script to follow.
 */
import type { FailureCode } from "../recovery/status";
import { announce, countdown, h, showScreen } from "./dom";
import { failureAction, fill, formatTime, ui } from "./i18n";

export interface Handlers {
  onStart: (username: string) => void;
  onCancel: () => void;
  onRestart: () => void;
  onLeaveForProvider: () => void;
  /** "Go back to the partner": a fresh hand-off (the first one's token may have expired). */
  onGoBackToProvider: (event: Event) => void;
  onSavedTap: (registerUrl: string) => void;
  /** A helpdesk verification's caller chose to recover (the profile offered it). */
  onContinueRecovery: () => void;
  /** Whether this journey is a helpdesk verification (what the explanation promises differs). */
  isVerification: () => boolean;
}

function cancelButton(handlers: Handlers): HTMLElement {
  return h(
    "button",
    { type: "button", class: "link-button", id: "cancel", onclick: () => handlers.onCancel() },
    ui.actions.cancel,
  );
}

function restartButton(handlers: Handlers, primary = true): HTMLElement {
  return h(
    "button",
    { type: "button", class: primary ? "button" : "button secondary", onclick: () => handlers.onRestart() },
    ui.actions.tryAgain,
  );
}

let attempts = 0;

export function startScreen(handlers: Handlers, error?: string, username = ""): void {
  // Each refusal is a new screen, even with the same words: the form is rebuilt, its button enabled.
  const key = error ? `start:${++attempts}` : "start";
  showScreen(key, ui.start.title, () => {
    const input = h("input", {
      id: "username",
      name: "username",
      type: "email",
      autocomplete: "username",
      inputmode: "email",
      spellcheck: "false",
      autocapitalize: "none",
      required: true,
      value: username,
      "aria-describedby": error ? "username-hint username-error" : "username-hint",
      // Only a malformed address is the field's fault; throttling and outages are not.
      "aria-invalid": error === ui.start.invalidUsername ? "true" : undefined,
      // An address reads left to right, in a right-to-left page too.
      dir: "ltr",
    });
    const submit = h("button", { type: "submit", class: "button" }, ui.start.submit);
    const form = h(
      "form",
      {
        novalidate: true,
        onsubmit: (e: Event) => {
          e.preventDefault();
          submit.setAttribute("disabled", "");
          submit.textContent = ui.start.starting;
          handlers.onStart(input.value);
        },
      },
      h("label", { for: "username" }, ui.start.usernameLabel),
      h("p", { id: "username-hint", class: "hint" }, ui.start.usernameHint),
      error ? h("p", { id: "username-error", class: "error", role: "alert" }, error) : null,
      input,
      h("div", { class: "actions" }, submit),
    );
    return [h("h1", {}, ui.start.title), h("p", { class: "lead" }, ui.start.intro), form];
  });
  if (error) document.getElementById("username")?.focus();
}

function steps(): HTMLElement {
  return h(
    "ol",
    { class: "steps" },
    ...ui.explain.steps.map((step) => h("li", {}, h("strong", {}, step.title), h("span", {}, step.body))),
  );
}

/**
 * What will happen; the way to the provider opens once discovery has produced it. That changes
 * one part of the screen, not the screen: someone reading the steps keeps their place.
 */
export function explainScreen(handlers: Handlers, providerUrl: string | undefined): void {
  const link = h(
    "a",
    {
      class: "button",
      href: providerUrl ?? "#",
      id: "to-provider",
      onclick: () => handlers.onLeaveForProvider(),
    },
    ui.explain.goGeneric,
  );
  const shown = showScreen("explain", ui.explain.title, () => [
    h("h1", {}, ui.explain.title),
    h("p", { class: "lead" }, ui.explain.intro),
    steps(),
    h("p", {}, handlers.isVerification() ? ui.verification.after : ui.explain.after),
    h(
      "div",
      { class: "actions", id: "provider-actions", hidden: !providerUrl },
      link,
      h("p", { class: "hint" }, ui.explain.providerNote),
    ),
    h(
      "p",
      { class: "progress", id: "checking", hidden: !!providerUrl },
      h("span", { class: "spinner", "aria-hidden": "true" }),
      ui.explain.checking,
    ),
    h("div", { class: "secondary-actions" }, cancelButton(handlers)),
  ]);
  const actions = document.getElementById("provider-actions");
  if (!shown && providerUrl && actions?.hidden) {
    document.getElementById("to-provider")?.setAttribute("href", providerUrl);
    actions.hidden = false;
    const checking = document.getElementById("checking");
    if (checking) checking.hidden = true;
    announce(ui.explain.goGeneric);
  }
}

export function verifyingScreen(handlers: Handlers, providerUrl: string, until?: string): void {
  const deadline = until ? new Date(until) : undefined;
  const time = deadline && Number.isFinite(deadline.getTime()) ? formatTime(deadline) : undefined;
  showScreen(`verifying:${providerUrl}`, ui.verifying.title, () => [
    h("h1", {}, ui.verifying.title),
    h("p", { class: "progress" }, h("span", { class: "spinner", "aria-hidden": "true" }), ui.verifying.body),
    h(
      "p",
      {},
      ui.verifying.notDone,
      " ",
      h(
        "a",
        { href: providerUrl, id: "go-back", onclick: (e: Event) => handlers.onGoBackToProvider(e) },
        ui.verifying.goBack,
      ),
      ui.verifying.goBackEnd,
      ...(time ? [" ", ...fill(ui.verifying.until, { time })] : []),
    ),
    h("p", { id: "go-back-status", role: "status", class: "hint" }),
    h("div", { class: "secondary-actions" }, cancelButton(handlers)),
  ]);
}

export function presentScreen(
  handlers: Handlers,
  next: { url: string; qrCode?: string; expiresAt: string },
  opened: boolean,
): void {
  const shown = showScreen(`present:${next.url}`, ui.present.title, () => [
    h("h1", {}, ui.present.title),
    h("p", { class: "lead" }, next.qrCode ? ui.present.body : ui.present.noQr),
    // On a phone-width screen the same-device link comes first (style.css): the person is
    // most likely holding the phone the wallet is on. Only the link is focusable, so the
    // visual order never contradicts the focus order.
    h(
      "div",
      { class: "present-choice" },
      next.qrCode
        ? h("img", { class: "qr", src: next.qrCode, alt: ui.present.qrAlt, width: 240, height: 240 })
        : null,
      h(
        "div",
        { class: "actions" },
        h(
          "a",
          { class: "button", href: next.url, id: "to-wallet" },
          next.qrCode ? ui.present.sameDevice : ui.present.openWallet,
        ),
      ),
    ),
    countdown(next.expiresAt, ui.present.expiresIn, ui.present.expired),
    h(
      "p",
      { class: "progress", id: "wallet-opened", hidden: !opened },
      h("span", { class: "spinner", "aria-hidden": "true" }),
      ui.present.opened,
    ),
    h("div", { class: "secondary-actions" }, cancelButton(handlers)),
  ]);
  // The wallet opening the request changes one line, not the screen: focus stays where it is.
  if (!shown) {
    const note = document.getElementById("wallet-opened");
    if (note && note.hidden === opened) {
      note.hidden = !opened;
      if (opened) announce(ui.present.opened);
    }
  }
}

export function validatingScreen(): void {
  showScreen("validating", ui.validating.title, () => [
    h("h1", {}, ui.validating.title),
    h("p", { class: "progress" }, h("span", { class: "spinner", "aria-hidden": "true" }), ui.validating.body),
  ]);
}

export interface ShownTap {
  value: string;
  expiresAt: string;
  isUsableOnce: boolean;
  registerUrl: string;
}

export function tapScreen(
  handlers: Handlers,
  tap: ShownTap,
  copy: (text: string, status: HTMLElement) => void,
): void {
  showScreen("tap", ui.tap.title, () => {
    const status = h("p", { class: "hint", id: "copy-status", role: "status" });
    return [
      h("h1", {}, ui.tap.title),
      h("p", { class: "lead" }, ui.tap.intro),
      h(
        "section",
        { class: "tap-box", "aria-labelledby": "tap-label" },
        h("p", { id: "tap-label", class: "tap-label" }, ui.tap.label),
        h("p", { class: "tap", id: "tap", dir: "ltr", "aria-describedby": "tap-warning" }, tap.value),
        h("p", { class: "warning", id: "tap-warning" }, ui.tap.onceWarning),
        h(
          "button",
          { type: "button", class: "button secondary", id: "copy", onclick: () => copy(tap.value, status) },
          ui.tap.copy,
        ),
        status,
        countdown(tap.expiresAt, ui.tap.expiresIn, ui.tap.expired),
        h("p", { class: "hint" }, tap.isUsableOnce ? ui.tap.usableOnce : ui.tap.usableMany),
      ),
      h(
        "div",
        { class: "actions" },
        h(
          "a",
          {
            class: "button",
            href: tap.registerUrl,
            target: "_blank",
            rel: "noopener noreferrer",
            id: "register",
          },
          ui.tap.register,
        ),
        h(
          "button",
          { type: "button", class: "button secondary", onclick: () => handlers.onSavedTap(tap.registerUrl) },
          ui.tap.done,
        ),
      ),
      h("p", { class: "hint" }, ui.tap.registerNote),
    ];
  });
}

export function doneScreen(registerUrl: string): void {
  showScreen("done", ui.done.title, () => [
    h("h1", {}, ui.done.title),
    h("p", { class: "lead" }, ui.done.body),
    h(
      "div",
      { class: "actions" },
      h(
        "a",
        { class: "button", href: registerUrl, target: "_blank", rel: "noopener noreferrer" },
        ui.done.register,
      ),
    ),
  ]);
}

/** A screen that ends the journey: a title, what happened, what to do, and a way to restart. */
function endScreen(
  key: string,
  text: { title: string; body: string; next?: string },
  handlers: Handlers,
  options: {
    tone: "success" | "problem" | "neutral";
    restart: "primary" | "secondary" | false;
  },
): void {
  showScreen(key, text.title, () => [
    h("div", { class: `banner ${options.tone}` }, h("h1", {}, text.title)),
    h("p", { class: "lead" }, text.body),
    text.next ? h("p", {}, text.next) : null,
    options.restart
      ? h("div", { class: "actions" }, restartButton(handlers, options.restart === "primary"))
      : null,
  ]);
}

export function tapUnavailableScreen(handlers: Handlers): void {
  endScreen("tap-unavailable", { title: ui.tap.title, body: ui.tap.undecryptable }, handlers, {
    tone: "problem",
    restart: false,
  });
}

export function recoveredEarlierScreen(handlers: Handlers): void {
  endScreen("recovered-earlier", ui.recoveredEarlier, handlers, { tone: "success", restart: false });
}

export function evaluationScreen(handlers: Handlers): void {
  endScreen("evaluation", ui.evaluation, handlers, { tone: "success", restart: false });
}

export function notEligibleScreen(handlers: Handlers): void {
  endScreen("not-eligible", ui.failures.not_eligible, handlers, { tone: "neutral", restart: false });
}

export function cancelledScreen(handlers: Handlers): void {
  endScreen("cancelled", ui.failures.cancelled, handlers, { tone: "neutral", restart: "primary" });
}

export function lostScreen(handlers: Handlers): void {
  endScreen("lost", ui.lost, handlers, { tone: "neutral", restart: "primary" });
}

export function failureScreen(handlers: Handlers, failure: { code: string; message: string }): void {
  const code = Object.hasOwn(ui.failures, failure.code) ? (failure.code as FailureCode) : undefined;
  const text = code
    ? ui.failures[code]
    : { title: ui.unknownFailure.title, body: failure.message, next: ui.unknownFailure.next };
  const retry = !code || failureAction(code) === "retry";
  endScreen(`failure:${failure.code}`, text, handlers, {
    tone: "problem",
    // Where only the helpdesk can help (the screen says so), starting again stays possible: a typo.
    restart: retry ? "primary" : "secondary",
  });
}

export function verificationLinkInvalidScreen(handlers: Handlers): void {
  endScreen("verification-invalid", ui.verification.invalid, handlers, { tone: "neutral", restart: false });
}

export function verifiedScreen(handlers: Handlers): void {
  endScreen("verified", ui.verification.verified, handlers, { tone: "success", restart: false });
}

/** A verified caller may recover now (the profile allows it), until `expiresAt`. */
export function recoveryOfferScreen(handlers: Handlers, expiresAt: string): void {
  showScreen("recovery-offer", ui.verification.offer.title, () => [
    h("div", { class: "banner success" }, h("h1", {}, ui.verification.offer.title)),
    h("p", { class: "lead" }, ui.verification.offer.body),
    h(
      "div",
      { class: "actions" },
      h(
        "button",
        {
          type: "button",
          class: "button",
          id: "continue-recovery",
          onclick: () => handlers.onContinueRecovery(),
        },
        ui.verification.offer.recover,
      ),
    ),
    countdown(expiresAt, ui.verification.offer.until, ui.verification.offer.expired),
    h("p", { class: "hint" }, ui.verification.offer.decline),
  ]);
}
