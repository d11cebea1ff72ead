/**
 * The per-item reads behind an admin list page: every item read, answers in the items' order,
 * never more than the bound in flight at once.
 */
import { describe, expect, it } from "vitest";
import { ITEM_READS_IN_FLIGHT, readPerItem } from "../../src/functions/adminLists";

describe("readPerItem", () => {
  it("reads a page of 200 with at most the bound in flight, in the items' order", async () => {
    let inFlight = 0;
    let most = 0;
    const items = Array.from({ length: 200 }, (_, i) => i);
    const results = await readPerItem(items, async (i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      // Answers out of order within a chunk: later items first.
      await new Promise((r) => setImmediate(r));
      for (let k = 0; k < 200 - i; k++) await Promise.resolve();
      inFlight--;
      return i * 2;
    });
    expect(results).toEqual(items.map((i) => i * 2));
    expect(most).toBe(ITEM_READS_IN_FLIGHT);
  });

  it("reads nothing for an empty page, and a failed read fails the page", async () => {
    expect(await readPerItem([], async () => 1)).toEqual([]);
    await expect(
      readPerItem([1, 2, 3], async (i) => {
        if (i === 2) throw new Error("table unavailable");
        return i;
      }),
    ).rejects.toThrow("table unavailable");
  });
});
