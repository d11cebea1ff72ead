/**
 * Admin API over the per-account block a repudiated recovery sets
 * (`/api/admin/accounts/{id}/recovery-block`, id: the account's object id):
 *
 * - `GET` (Recovery.Reader or Recovery.Admin): the block as it stands — in force or cleared,
 *   the recovery that set it, when, and who cleared it why; 404 when the account never had one.
 * - `POST {action: "clear", reason}` (Recovery.Admin): lifts a block in force, audited in the
 *   repudiated recovery's trail with the admin's object id and the reason; 404 when no block is
 *   in force (a second clear changes nothing). A POST with an action rather than a DELETE: the
 *   block's history stays (who set it, who lifted it), and the body carries the reason.
 */
import type { HttpRequest } from "@azure/functions";
import { z } from "zod";
import { adminHandler } from "../admin/auth";
import { clientAddress, json, readJson } from "../http";
import { NotFoundError } from "../recovery/errors";
import { services } from "../services";
import type { RecoveryBlock } from "../store/repudiations";

const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const recoveryBlockSchema = z
  .object({
    userId: z.string(),
    state: z.enum(["blocked", "cleared"]),
    recoveryId: z.uuid(),
    blockedAt: z.iso.datetime(),
    clearedAt: z.iso.datetime().optional(),
    clearedBy: z.string().optional(),
    clearReason: z.string().optional(),
  })
  .strict();

export const clearRecoveryBlockSchema = z
  .object({
    action: z.literal("clear"),
    /** Why (a ticket number, who was seen in person): kept in the audit trail. */
    reason: z.string().trim().min(3).max(500),
  })
  .strict();

function accountId(request: HttpRequest): string {
  const id = request.params.id ?? "";
  // Not an object id: no account of ours, and nothing echoed back.
  if (!OBJECT_ID.test(id))
    throw new NotFoundError("recovery_block_not_found", "No recovery block for this account.");
  return id.toLowerCase();
}

function view(userId: string, block: RecoveryBlock) {
  return recoveryBlockSchema.parse({
    userId,
    state: block.state,
    recoveryId: block.recoveryId,
    blockedAt: block.blockedAt,
    ...(block.clearedAt ? { clearedAt: block.clearedAt } : {}),
    ...(block.clearedBy ? { clearedBy: block.clearedBy } : {}),
    ...(block.clearReason ? { clearReason: block.clearReason } : {}),
  });
}

export const getRecoveryBlock = adminHandler("read", async (request) => {
  const userId = accountId(request);
  const block = await services().recoveryBlocks.get(userId);
  if (!block) throw new NotFoundError("recovery_block_not_found", "No recovery block for this account.");
  const { etag: _etag, ...rest } = block;
  return json(200, view(userId, rest));
});

export const clearRecoveryBlock = adminHandler("write", async (request, admin) => {
  const userId = accountId(request);
  const body = await readJson(request, clearRecoveryBlockSchema);
  const s = services();
  const now = new Date();
  const was = await s.recoveryBlocks.clear(userId, admin.oid, body.reason, now);
  if (!was)
    throw new NotFoundError("recovery_block_not_found", "No recovery block in force for this account.");
  await s.audit.record({
    recoveryId: was.recoveryId,
    event: "recovery_block_cleared",
    outcome: "success",
    code: "recovery_block_cleared",
    userId,
    sourceAddress: clientAddress(request, s.config.trustedProxyHops),
    detail: { adminOid: admin.oid, reason: body.reason, blockedAt: was.blockedAt },
  });
  return json(
    200,
    view(userId, {
      ...was,
      state: "cleared",
      clearedAt: now.toISOString(),
      clearedBy: admin.oid,
      clearReason: body.reason,
    }),
  );
});
