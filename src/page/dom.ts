/**
 * The little DOM toolkit the page is written with: elements built from data (text always as
 * text nodes, never parsed as HTML), one screen at a time in <main>, focus moved to the new
 * screen's heading so keyboard and screen-reader users land on it, and countdowns.
 */
import { fill, formatRemaining, ui } from "./i18n";

type Child = Node | string | null | undefined | false;
type Props = Record<string, string | boolean | number | ((event: Event) => void) | undefined>;

/** `h("a", {href, class: "button", onclick}, text)`: attributes, event handlers, children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(name.replace(/^on/, ""), value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return el;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new TypeError(`missing element #${id}`);
  return el as T;
}

let currentScreen = "";
let firstScreen = true;
/** The latest call of the screen on show (its latest data too), to build it again in another language. */
let latest: { title: string; build: () => Array<Node | null> } | undefined;

/**
 * Shows a screen. A new screen replaces <main>'s content and takes focus on its heading; the
 * same screen shown again (a poll with no change) is left alone, so focus and text selection
 * are not disturbed.
 */
export function showScreen(key: string, title: string, build: () => Array<Node | null>): boolean {
  latest = { title, build };
  if (key === currentScreen) return false;
  currentScreen = key;
  const main = byId("main");
  main.replaceChildren(...build().filter((node): node is Node => node !== null));
  main.dataset.screen = key.split(":")[0];
  const wasFirst = firstScreen;
  firstScreen = false;
  document.title = `${title} – ${ui.appName}`;
  const heading = main.querySelector("h1");
  // Not on the first screen of a page load: the browser starts at the top anyway.
  if (heading && !wasFirst) {
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }
  return true;
}

/**
 * Builds the screen on show again from its latest data, after the language changed. Focus stays
 * where it is (on the language switcher), and what was typed into a field is kept.
 */
export function redrawScreen(): void {
  if (!latest) return;
  const main = byId("main");
  const typed = Array.from(main.querySelectorAll("input")).map((input) => [input.id, input.value] as const);
  main.replaceChildren(...latest.build().filter((node): node is Node => node !== null));
  for (const [id, value] of typed) {
    const input = id ? document.getElementById(id) : null;
    if (input instanceof HTMLInputElement) input.value = value;
  }
  // The heading's text is the screen's title in the new language.
  const heading = main.querySelector("h1")?.textContent;
  document.title = `${heading || latest.title} – ${ui.appName}`;
}

/** Polite status line for screen readers (progress, copy confirmation, reconnecting). */
export function announce(text: string): void {
  const live = byId("live");
  if (live.textContent !== text) live.textContent = text;
}

interface Countdown {
  el: HTMLElement;
  deadline: number;
  /** Text with a `{remaining}` placeholder. */
  running: string;
  over: string;
}
const countdowns = new Set<Countdown>();
let ticking: number | undefined;

/** A text element that counts down to `deadline` every second (not a live region: too chatty). */
export function countdown(deadline: string, running: string, over: string): HTMLElement {
  const el = h("p", { class: "countdown" });
  const entry = { el, deadline: Date.parse(deadline), running, over };
  countdowns.add(entry);
  renderCountdown(entry);
  ticking ??= window.setInterval(tick, 1000);
  return el;
}

function renderCountdown(c: Countdown): void {
  const left = c.deadline - Date.now();
  if (left > 0) c.el.replaceChildren(...fill(c.running, { remaining: formatRemaining(left) }));
  else c.el.textContent = c.over;
}

function tick(): void {
  for (const c of countdowns) {
    if (!c.el.isConnected) countdowns.delete(c);
    else renderCountdown(c);
  }
  if (countdowns.size === 0 && ticking !== undefined) {
    window.clearInterval(ticking);
    ticking = undefined;
  }
}
