/**
 * Control characters in usernames (issue 23, finding 7): refused at start (400, no record), and
 * the JSON Lines export escapes NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR wherever they come
 * from (a record written before the start check, a provider's text), so a line-oriented reader
 * sees one record per line.
 */
import { describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { countRecords, recordRows } from "../support/recoveryRows";
import { useStack } from "../support/stack";

/** What line-oriented readers break lines at (Python's str.splitlines, among others). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the line breaks are what it matches
const LINE_BREAKS = /\r\n|[\n\r\u000b\u000c\u001c-\u001e\u0085\u2028\u2029]/;

describe("control characters in usernames", () => {
  const stack = useStack({ mode: "evaluation" });

  it.each([
    ["NEL", "adele\u0085vance@contoso.example"],
    ["a line separator", "adele\u2028vance@contoso.example"],
    ["a paragraph separator", "adele@contoso\u2029.example"],
    ["NUL", "adele\u0000@contoso.example"],
    ["a C1 control", "adele\u009b@contoso.example"],
    ["DEL", "adele\u007f@contoso.example"],
    ["a bidi override", "adele\u202e@contoso.example"],
    ["a zero-width joiner", "ad\u200dele@contoso.example"],
    ["a lone surrogate", "adele\ud800@contoso.example"],
  ])("a username with %s is refused at start with 400 and creates nothing", async (_what, username) => {
    const before = await countRecords(stack());
    const res = await stack().startRecovery({ username });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: "invalid_request" });
    expect(String((res.body as { detail?: string }).detail)).toContain("username");
    expect(await countRecords(stack())).toBe(before);
  });

  it("the JSON Lines export escapes U+0085, U+2028 and U+2029: one record per line for any reader", async () => {
    const started = await stack().startRecovery({ username: DEMO_USERS.alexWilber.userPrincipalName });
    await stack().waitForStatus(started.body, ["not_eligible"]);
    // A record as an older version could have stored it.
    const row = (
      await recordRows<Record<string, unknown> & { partitionKey: string; rowKey: string }>(stack())
    ).find((r) => r.partitionKey === started.body.recoveryId)!;
    const { etag: _e, timestamp: _t, ...entity } = row as typeof row & { etag?: string; timestamp?: string };
    const odd = "alex\u0085wilber\u2028x\u2029y@contoso.example";
    await stack().writeRow("Recoveries", { ...entity, username: odd });

    const res = await stack().admin("GET", "/api/admin/recoveries?format=jsonl");
    expect(res.status).toBe(200);
    expect(res.text).not.toMatch(/[\u0085\u2028\u2029]/);
    const lines = res.text.split(LINE_BREAKS).filter((l) => l !== "");
    const records = lines.map((l) => JSON.parse(l) as { recoveryId: string; username: string });
    expect(records.length).toBe(res.text.split("\n").filter((l) => l !== "").length);
    // The escapes are the same JSON: the value reads back exactly.
    expect(records.find((r) => r.recoveryId === started.body.recoveryId)?.username).toBe(odd);
  });
});
