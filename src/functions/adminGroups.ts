/**
 * `GET /api/admin/groups?ids=a,b`: the display names of up to 100 groups by object id, for the
 * admin console's policy forms (profiles name their groups by id). Read access (Admin or
 * Reader); a group Graph does not know answers `displayName: null`, never an error, so a form
 * can say which id is wrong.
 */
import { adminHandler } from "../admin/auth";
import { groupNamesQuerySchema, groupNamesSchema } from "../admin/schemas";
import { readGroupNames } from "../directory/groupNames";
import { json } from "../http";
import { InvalidRequestError } from "../recovery/errors";
import { services } from "../services";
import { describeIssue } from "../zodText";

export const listGroupNames = adminHandler("read", async (request) => {
  const raw: Record<string, string> = {};
  for (const [k, v] of request.query.entries()) raw[k] = v;
  const parsed = groupNamesQuerySchema.safeParse(raw);
  if (!parsed.success) throw new InvalidRequestError("invalid_request", describeIssue(parsed.error));
  const ids = parsed.data.ids.map((id) => id.toLowerCase());
  const names = await readGroupNames(services().directory, ids);
  return json(
    200,
    groupNamesSchema.parse({
      groups: [...new Set(ids)].map((id) => ({ id, displayName: names.get(id) ?? null })),
    }),
    { "Cache-Control": "no-store" },
  );
});
