/**
 * The little DOM toolkit the page is written with: elements built from data (text always as
 * text nodes, never parsed as HTML), one screen at a time in <main>, focus moved to the new
 * screen's heading so keyboard and screen-reader users land on it, and countdowns.
 */
import { en } from "./strings/en";

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

/**
 * Shows a screen. A new screen replaces <main>'s content and takes focus on its heading; the
 * same screen shown again (a poll with no change) is left alone, so focus and text selection
 * are not disturbed.
 */
export function showScreen(key: string, title: string, build: () => Array<Node | null>): boolean {
  if (key === currentScreen) return false;
  currentScreen = key;
  const main = byId("main");
  main.replaceChildren(...build().filter((node): node is Node => node !== null));
  main.dataset.screen = key.split(":")[0];
  const wasFirst = firstScreen;
  firstScreen = false;
  document.title = `${title} – ${en.appName}`;
  const heading = main.querySelector("h1");
  // Not on the first screen of a page load: the browser starts at the top anyway.
  if (heading && !wasFirst) {
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }
  return true;
}

/** Polite status line for screen readers (progress, copy confirmation, reconnecting). */
export function announce(text: string): void {
  const live = byId("live");
  if (live.textContent !== text) live.textContent = text;
}

/** "4:59" under an hour, "1 h 5 min" above. */
export function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  if (hours > 0) return en.time.hoursMinutes(hours, minutes);
  return en.time.minutesSeconds(minutes, total % 60);
}

interface Countdown {
  el: HTMLElement;
  deadline: number;
  running: (remaining: string) => string;
  over: string;
}
const countdowns = new Set<Countdown>();
let ticking: number | undefined;

/** A text element that counts down to `deadline` every second (not a live region: too chatty). */
export function countdown(
  deadline: string,
  running: (remaining: string) => string,
  over: string,
): HTMLElement {
  const el = h("p", { class: "countdown" });
  const entry = { el, deadline: Date.parse(deadline), running, over };
  countdowns.add(entry);
  renderCountdown(entry);
  ticking ??= window.setInterval(tick, 1000);
  return el;
}

function renderCountdown(c: Countdown): void {
  const left = c.deadline - Date.now();
  c.el.textContent = left > 0 ? c.running(formatRemaining(left)) : c.over;
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
