/**
 * The console's DOM toolkit: elements built from data (text always as text nodes, never
 * parsed as HTML: audit details and directory names are attacker-influenced), one view at a
 * time in <main> with focus moved to its heading, and a polite live region for outcomes.
 */
type Child = Node | string | null | undefined | false;
type Props = Record<string, string | boolean | number | ((event: Event) => void) | undefined>;

/** `h("a", {href, class, onclick}, text)`: attributes, event handlers, children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Array<Child | Child[]>
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setProps(el, props);
  append(el, children);
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** An SVG element (presentation attributes only: the CSP forbids style attributes). */
export function svg(
  tag: string,
  props: Record<string, string | number> = {},
  ...children: Child[]
): SVGElement {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(props)) el.setAttribute(name, String(value));
  append(el, children);
  return el as SVGElement;
}

function setProps(el: Element, props: Props): void {
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(name.replace(/^on/, ""), value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
}

function append(el: Element, children: Array<Child | Child[]>): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new TypeError(`missing element #${id}`);
  return el as T;
}

let generation = 0;

/** A new navigation: views still loading for an earlier one will not show when they finish. */
export function navigate(): number {
  generation += 1;
  return generation;
}

/** The current navigation, captured by a view when it starts. */
export function currentNavigation(): number {
  return generation;
}

/** The navigation whose view last took the focus (its first render). */
let focusedFor = 0;

/**
 * Replaces the view — unless the admin navigated elsewhere since the view started (`nav` is
 * stale) — and moves focus to its heading, where keyboard and screen-reader users land: always
 * on a navigation's first render; on a later one (the data after "Loading…") only if the focus
 * was in the view just replaced or nowhere, so a view that finishes loading never takes the
 * focus from where the admin has moved it meanwhile (say, to the next link in the menu).
 */
export function showView(nav: number, title: string, ...nodes: Array<Node | null>): void {
  if (nav !== generation) return;
  const main = byId("main");
  const active = document.activeElement;
  const focusElsewhere = active !== null && active !== document.body && !main.contains(active);
  main.replaceChildren(...nodes.filter((n): n is Node => n !== null));
  document.title = `${title} – Account recovery admin`;
  const heading = main.querySelector("h1");
  if (heading && (focusedFor !== nav || !focusElsewhere)) {
    heading.setAttribute("tabindex", "-1");
    heading.focus();
    focusedFor = nav;
  }
}

/** Says something to assistive technology without moving focus. */
export function announce(text: string): void {
  const live = byId("live");
  live.textContent = "";
  // A new text node after clearing: screen readers announce a repeated message too.
  requestAnimationFrame(() => {
    live.textContent = text;
  });
}

/** `2026-12-04T10:00:00Z` → the admin's local date and time, seconds included. */
export function when(iso: string | undefined): string {
  if (!iso) return "–";
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}

/** A labelled alert box: errors the admin must read (role="alert" announces it). */
export function alertBox(title: string, detail?: string, ...actions: Array<Node | null>): HTMLElement {
  return h(
    "div",
    { class: "alert", role: "alert" },
    h("strong", {}, title),
    detail ? h("p", {}, detail) : null,
    ...actions,
  );
}
