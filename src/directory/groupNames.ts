/**
 * Display names of groups by object id, for the admin console's policy forms (a profile
 * names its groups by id). One GET per group, 20 per JSON `$batch` round trip through the
 * gateway (which resends throttled items); a group Graph does not know is `null`, any other
 * refusal is a `directory_error`.
 */
import { DependencyError } from "../recovery/errors";
import type { DirectoryGateway } from "./graph";
import type { GraphCost } from "./graphBatch";

export async function readGroupNames(
  gateway: DirectoryGateway,
  ids: readonly string[],
  cost?: GraphCost,
): Promise<Map<string, string | null>> {
  const unique = [...new Set(ids)];
  const results = await gateway.batch(
    "group names read",
    unique.map((id, i) => ({
      id: String(i),
      method: "GET" as const,
      url: `/groups/${encodeURIComponent(id)}?$select=id,displayName`,
    })),
    cost,
  );
  const names = new Map<string, string | null>();
  unique.forEach((id, i) => {
    const result = results.get(String(i));
    if (result?.status === 404) {
      names.set(id, null);
      return;
    }
    if (!result || result.status < 200 || result.status >= 300) {
      const status = result?.status ?? 0;
      throw new DependencyError(
        "directory_error",
        `Graph group names read failed (${status || "no answer"})`,
        status === 429 || status >= 500,
      );
    }
    const body = result.body as { displayName?: unknown } | null;
    names.set(id, typeof body?.displayName === "string" ? body.displayName : null);
  });
  return names;
}
