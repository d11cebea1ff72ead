/**
 * Overview: recoveries per day by outcome, failures by code, and the Face Check score
 * distribution, each an SVG chart with its table equivalent (the table is what a screen reader
 * reads; the chart is hidden from it). Data: the recovery list of the last 14 days (the API's
 * list, 1000 a page: one table query per page), and, for the scores, the JSON Lines export of
 * the latest 200 recoveries (which reads each one's audit partition). Each bar links to the
 * list filtered the same way.
 */
import type { RecoveryDetail, RecoverySummary } from "../../admin/schemas";
import { call, explain } from "../api";
import { alertBox, currentNavigation, h, showView, svg } from "../dom";

const DAYS = 14;
const MAX_PAGES = 10;
const SCORE_SAMPLE = 200;

type Outcome = "succeeded" | "failed" | "not_eligible" | "cancelled" | "in_progress";
const OUTCOMES: Array<{ key: Outcome; label: string; statuses: string[] }> = [
  { key: "succeeded", label: "Recovered or passed", statuses: ["recovered", "evaluation_passed"] },
  { key: "failed", label: "Failed or expired", statuses: ["failed", "expired"] },
  { key: "not_eligible", label: "Not eligible", statuses: ["not_eligible"] },
  { key: "cancelled", label: "Cancelled", statuses: ["cancelled"] },
  {
    key: "in_progress",
    label: "In progress",
    statuses: ["pending", "verifying_identity", "awaiting_presentation", "validating"],
  },
];
const outcomeOf = (status: string): Outcome =>
  OUTCOMES.find((o) => o.statuses.includes(status))?.key ?? "in_progress";

const dayKey = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;

function listLink(filters: Record<string, string>): string {
  return `#/recoveries?${new URLSearchParams({ top: "100", ...filters }).toString()}`;
}

/** A chart and its table: the SVG is decorative for assistive technology, the table carries the data. */
function figure(id: string, title: string, chart: SVGElement, table: HTMLTableElement): HTMLElement {
  chart.setAttribute("aria-hidden", "true");
  chart.setAttribute("focusable", "false");
  return h(
    "figure",
    { class: "chart", "aria-labelledby": `${id}-title` },
    h("figcaption", { id: `${id}-title` }, title),
    chart,
    h("details", {}, h("summary", {}, `${title}: as a table`), table),
  );
}

function table(caption: string, head: string[], rows: Array<Array<string | Node>>): HTMLTableElement {
  return h(
    "table",
    {},
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, ...head.map((c) => h("th", { scope: "col" }, c)))),
    h(
      "tbody",
      {},
      ...rows.map((r) =>
        h("tr", {}, ...r.map((c, i) => (i === 0 ? h("th", { scope: "row" }, c) : h("td", {}, c)))),
      ),
    ),
  );
}

function perDayChart(days: string[], counts: Map<string, Record<Outcome, number>>): SVGElement {
  const width = 640;
  const height = 220;
  const pad = { left: 32, bottom: 28, top: 8 };
  const max = Math.max(
    1,
    ...days.map((d) => OUTCOMES.reduce((n, o) => n + (counts.get(d)?.[o.key] ?? 0), 0)),
  );
  const slot = (width - pad.left) / days.length;
  const scale = (height - pad.bottom - pad.top) / max;
  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    class: "bars",
    preserveAspectRatio: "xMidYMid meet",
  });
  chart.append(
    svg("line", { x1: pad.left, x2: width, y1: height - pad.bottom, y2: height - pad.bottom, class: "axis" }),
  );
  chart.append(svg("text", { x: 4, y: pad.top + 10, class: "tick" }, String(max)));
  days.forEach((d, i) => {
    let y = height - pad.bottom;
    for (const o of OUTCOMES) {
      const n = counts.get(d)?.[o.key] ?? 0;
      if (n === 0) continue;
      const barHeight = n * scale;
      y -= barHeight;
      chart.append(
        svg(
          "rect",
          {
            x: pad.left + i * slot + 2,
            y,
            width: Math.max(2, slot - 4),
            height: barHeight,
            class: `fill-${o.key}`,
          },
          svg("title", {}, `${d}: ${n} ${o.label.toLowerCase()}`),
        ),
      );
    }
    if (i % 2 === 0 || days.length <= 7)
      chart.append(
        svg(
          "text",
          { x: pad.left + i * slot + slot / 2, y: height - 10, class: "tick", "text-anchor": "middle" },
          d.slice(5),
        ),
      );
  });
  return chart;
}

function horizontalBars(entries: Array<[string, number]>, cls: string): SVGElement {
  const width = 640;
  const row = 26;
  const labelWidth = 200;
  const max = Math.max(1, ...entries.map(([, n]) => n));
  const chart = svg("svg", { viewBox: `0 0 ${width} ${Math.max(row, entries.length * row)}`, class: "bars" });
  entries.forEach(([label, n], i) => {
    const w = ((width - labelWidth - 40) * n) / max;
    chart.append(svg("text", { x: 0, y: i * row + 17, class: "tick" }, label));
    chart.append(
      svg("rect", { x: labelWidth, y: i * row + 4, width: Math.max(2, w), height: row - 8, class: cls }),
    );
    chart.append(svg("text", { x: labelWidth + w + 6, y: i * row + 17, class: "tick" }, String(n)));
  });
  return chart;
}

export async function showOverview(): Promise<void> {
  const nav = currentNavigation();
  showView(nav, "Overview", h("h1", {}, "Overview"), h("p", {}, "Loading…"));
  const since = new Date();
  since.setHours(0, 0, 0, 0);
  since.setDate(since.getDate() - (DAYS - 1));
  const items: RecoverySummary[] = [];
  let scored: RecoveryDetail[] = [];
  let truncated = false;
  let pages = 0;
  try {
    let token: string | undefined;
    do {
      const q = new URLSearchParams({ from: since.toISOString(), top: "1000" });
      if (token) q.set("continuationToken", token);
      const page = (
        await call<{ items: RecoverySummary[]; continuationToken?: string }>(
          "GET",
          `/api/admin/recoveries?${q}`,
        )
      ).body;
      items.push(...page.items);
      token = page.continuationToken;
      pages++;
    } while (token && pages < MAX_PAGES);
    truncated = token !== undefined;
    const q = new URLSearchParams({ from: since.toISOString(), top: String(SCORE_SAMPLE), format: "jsonl" });
    const text = (
      await call<string>("GET", `/api/admin/recoveries?${q}`, {
        text: true,
        headers: { accept: "application/x-ndjson" },
      })
    ).body;
    scored = text
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as RecoveryDetail);
  } catch (err) {
    const e = explain(err);
    showView(nav, "Overview", h("h1", {}, "Overview"), alertBox(e.title, e.detail));
    return;
  }

  const days: string[] = [];
  for (let i = 0; i < DAYS; i++) {
    const d = new Date(since);
    d.setDate(since.getDate() + i);
    days.push(dayKey(d));
  }
  const perDay = new Map<string, Record<Outcome, number>>();
  for (const d of days)
    perDay.set(d, { succeeded: 0, failed: 0, not_eligible: 0, cancelled: 0, in_progress: 0 });
  const failures = new Map<string, number>();
  for (const r of items) {
    const bucket = perDay.get(dayKey(new Date(r.createdAt)));
    if (bucket) bucket[outcomeOf(r.status)]++;
    if (r.failure) failures.set(r.failure.code, (failures.get(r.failure.code) ?? 0) + 1);
  }
  const failureRows = [...failures.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));

  const bins = Array.from({ length: 10 }, (_, i) => ({ from: 50 + i * 5, count: 0 }));
  let below = 0;
  const thresholds = new Set<number>();
  for (const r of scored) {
    const score = r.faceCheck?.score;
    if (score === null || score === undefined) continue;
    if (r.faceCheck?.threshold !== null && r.faceCheck?.threshold !== undefined)
      thresholds.add(r.faceCheck.threshold);
    if (score < 50) below++;
    else {
      const bin = bins[Math.min(9, Math.floor((score - 50) / 5))];
      if (bin) bin.count++;
    }
  }
  const scoreEntries: Array<[string, number]> = [
    ["below 50", below],
    ...bins.map((b): [string, number] => [`${b.from}–${b.from === 95 ? 100 : b.from + 5}`, b.count]),
  ];

  const legend = h(
    "ul",
    { class: "legend" },
    ...OUTCOMES.map((o) =>
      h("li", {}, h("span", { class: `swatch fill-${o.key}`, "aria-hidden": "true" }), o.label),
    ),
  );
  showView(
    nav,
    "Overview",
    h("h1", {}, "Overview"),
    h(
      "p",
      {},
      `${items.length} recoveries started in the last ${DAYS} days${truncated ? ` (the first ${items.length} only)` : ""}. `,
      h("a", { href: listLink({ from: since.toISOString() }) }, "See them in the list"),
      ".",
    ),
    figure(
      "per-day",
      `Recoveries per day by outcome, last ${DAYS} days`,
      perDayChart(days, perDay),
      table(
        "Recoveries per day by outcome",
        ["Day", ...OUTCOMES.map((o) => o.label)],
        days.map((d) => [d, ...OUTCOMES.map((o) => String(perDay.get(d)?.[o.key] ?? 0))]),
      ),
    ),
    legend,
    failureRows.length
      ? figure(
          "failures",
          "Failures by code",
          horizontalBars(failureRows, "fill-failed"),
          table(
            "Failures by code",
            ["Code", "Recoveries", "List"],
            failureRows.map(([code, n]) => [
              code,
              String(n),
              h(
                "a",
                { href: listLink({ status: "failed", from: since.toISOString() }) },
                `failed recoveries`,
              ),
            ]),
          ),
        )
      : h("p", {}, "No failures in this period."),
    figure(
      "scores",
      `Face Check scores of the latest ${scored.length} recoveries${thresholds.size ? ` (thresholds: ${[...thresholds].sort().join(", ")})` : ""}`,
      horizontalBars(scoreEntries, "fill-score"),
      table(
        "Face Check scores",
        ["Score", "Recoveries"],
        scoreEntries.map(([label, n]) => [label, String(n)]),
      ),
    ),
    h(
      "p",
      { class: "hint" },
      `Read from the admin API: ${pages} page${pages === 1 ? "" : "s"} of the recovery list, and the export of the latest ${SCORE_SAMPLE} recoveries for the scores.`,
    ),
    h(
      "p",
      {},
      h(
        "a",
        { href: listLink({ status: "failed", from: since.toISOString() }) },
        "Failed recoveries in this period",
      ),
    ),
  );
}
