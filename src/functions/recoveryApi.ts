/**
 * The front end's API: start a recovery, read its state (the TAP exactly once), cancel it.
 * Thin adapters: parse → call → map errors. Discovery runs inside the workflow, so start
 * answers every username alike (no enumeration); the real reason goes to the audit log.
 */
import { randomUUID } from "node:crypto";
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { z } from "zod";
import { bearerToken, clientAddress, json, readJson, respond } from "../http";
import {
  ConflictError,
  DependencyError,
  NotFoundError,
  TooManyRequestsError,
  UnauthorizedError,
} from "../recovery/errors";
import { matchLocale, negotiateLocale } from "../recovery/locale";
import { hashSecret, newOpaqueSecret, secretMatchesHash } from "../recovery/opaqueSecrets";
import { addressKey, usernameKey } from "../recovery/rateLimit";
import { startRequestFields } from "../recovery/startRequest";
import { CANCELLABLE_STATUSES, isRecoveryId, isTerminal } from "../recovery/status";
import { requireSecret } from "../secrets";
import { services } from "../services";
import { WINDOW_ROW } from "../store/rateLimits";
import type { Loaded, RecoveryRecord } from "../store/recoveries";
import { sealedTapOf, TAP_ROW } from "../store/tapHandoff";
import {
  assertUsableClientKey,
  clientJwkSchema,
  openServerSealedTap,
  REGISTER_URL,
  TAP_HANDOFF_KEY_SECRET,
} from "../tap/seal";
import type { RecoveryInput } from "./contracts";
import { ORCHESTRATOR } from "./names";
import { renewExpiredPresentation } from "./presentationRequests";

const POLL_AFTER_MS = 2_000;
const DISCOVERY_WINDOW_MS = 15 * 60_000;

export const startSchema = z
  .object({
    ...startRequestFields,
    tapEncryptionKey: clientJwkSchema.optional(),
  })
  .strict();

export async function startRecovery(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return respond(context, async () => {
    const body = await readJson(request, startSchema);
    if (body.tapEncryptionKey) await assertUsableClientKey(body.tapEncryptionKey);
    const address = clientAddress(request, services().config.trustedProxyHops);
    await enforceStartLimits(address, body.username, context);
    return beginRecovery(context, {
      ...body,
      clientAddress: address,
      acceptLanguage: request.headers.get("accept-language"),
    });
  });
}

/** What a recovery starts with, checked and rate-limited by the caller. */
export interface RecoveryStartRequest {
  username: string;
  country?: string | undefined;
  /** The locale the client asked for (the start body's); negotiated with `acceptLanguage`. */
  locale?: string | undefined;
  /** The browser's Accept-Language, the negotiation's second source (after `locale`). */
  acceptLanguage?: string | null | undefined;
  tapEncryptionKey?: object | undefined;
  clientAddress: string;
  /** A helpdesk verification's link was redeemed for this start (src/functions/verificationStart.ts). */
  verification?: { verificationId: string; agentId: string; reason: string } | undefined;
}

/**
 * Writes the record with its `recovery_started` entry and starts the workflow; the 202 the
 * client gets. A verification's start is the same recovery, marked with its verification id.
 */
export async function beginRecovery(
  context: InvocationContext,
  body: RecoveryStartRequest,
  recoveryId: string = randomUUID(),
): Promise<HttpResponseInit> {
  const s = services();
  const recoveryToken = newOpaqueSecret();
  const now = new Date();
  const record: RecoveryRecord = {
    stage: "started",
    recoveryId,
    tokenHash: hashSecret(recoveryToken),
    status: "pending",
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + DISCOVERY_WINDOW_MS).toISOString(),
    username: body.username.toLowerCase(),
    country: body.country,
    // The language the page and the notices speak for this recovery, chosen once here.
    locale: negotiateLocale({
      requested: body.locale,
      acceptLanguage: body.acceptLanguage,
      tenantDefault: s.config.defaultLocale,
    }),
    clientAddress: body.clientAddress,
    tapEncryptionKey: body.tapEncryptionKey ? JSON.stringify(body.tapEncryptionKey) : undefined,
    ...(body.verification ? { verificationId: body.verification.verificationId } : {}),
  };
  // Audited with the record, before the workflow starts (one transaction): a start whose
  // record and audit entry cannot be written fails having started nothing, so the client's
  // retry is not refused as recovery_in_progress.
  const etag = await s.recoveries.create(record, [
    {
      recoveryId,
      event: "recovery_started",
      outcome: "info",
      detail: {
        clientAddress: record.clientAddress,
        country: body.country ?? null,
        tapSealedForClient: !!body.tapEncryptionKey,
        // A helpdesk verification names who asked for it and why (src/functions/adminVerifications.ts).
        ...(body.verification ? { ...body.verification } : {}),
      },
    },
  ]);
  try {
    const input: RecoveryInput = { recoveryId, ...(etag ? { etag } : {}) };
    await df.getClient(context).startNew(ORCHESTRATOR, { instanceId: recoveryId, input });
  } catch (err) {
    await s.recoveries.update(recoveryId, (r) => ({
      ...r,
      status: "failed",
      failure: { code: "internal_error", message: "The recovery could not be started." },
    }));
    throw new DependencyError("workflow_unavailable", "The workflow could not be started", true, {
      cause: err,
    });
  }
  const statusUrl = `/api/recovery/${recoveryId}`;
  return json(
    202,
    { recoveryId, recoveryToken, status: record.status, statusUrl, pollAfterMs: POLL_AFTER_MS },
    { Location: statusUrl },
  );
}

/**
 * Per client address, then per username from that address and per username from all addresses:
 * over any limit the start is refused with 429 and Retry-After before anything else happens (no
 * record, no workflow, no Graph call). A start refused by the address limit is not counted by
 * the username limits; the two username limits are counted together (one table transaction), so
 * a start refused by either is counted by neither. The username budget is counted per address
 * so that one party cannot spend it for everyone: the all-addresses ceiling is set well above it
 * and bounds only a flood from many addresses at once.
 */
export async function enforceStartLimits(address: string, username: string, context: InvocationContext) {
  await enforceAddressLimit(address, context);
  await enforceUsernameLimits(address, username, context);
}

/** The per-address limit alone: for a start that must be counted before it knows the account. */
export async function enforceAddressLimit(address: string, context: InvocationContext) {
  const { config } = services();
  await enforceLimits(
    addressKey(address),
    [{ name: "address", rowKey: WINDOW_ROW, limit: config.rateLimits.perAddress }],
    context,
  );
}

/**
 * The per-username limits (from this address, from all), after the per-address one: rows of the
 * username's partition, counted together (both or neither).
 */
export async function enforceUsernameLimits(address: string, username: string, context: InvocationContext) {
  const { config } = services();
  await enforceLimits(
    usernameKey(username),
    [
      {
        name: "username from this address",
        rowKey: usernameKey(username, addressKey(address)),
        limit: config.rateLimits.perUsernameAndAddress,
      },
      { name: "username", rowKey: WINDOW_ROW, limit: config.rateLimits.perUsername },
    ],
    context,
  );
}

/** Counts the start on the counters of one partition together; 429 when any of them is full. */
async function enforceLimits(
  partitionKey: string,
  limits: { name: string; rowKey: string; limit: number }[],
  context: InvocationContext,
): Promise<void> {
  const { config, rateLimits } = services();
  const windowSeconds = config.rateLimits.windowSeconds;
  const outcome = await rateLimits.countTogether(
    partitionKey,
    limits.map(({ name, rowKey, limit }) => ({ name, rowKey, rule: { limit, windowSeconds } })),
  );
  if (!outcome.allowed) {
    context.warn(
      `recovery start refused: ${outcome.refusedBy ?? limits.map((l) => l.name).join(" / ")} rate limit`,
    );
    throw new TooManyRequestsError(outcome.retryAfterSeconds);
  }
}

/**
 * What the client may see of a record. A recovery found not eligible shows `pending` until
 * the uniform minimum delay has passed since its start, so how long discovery took (an unknown
 * user is quicker to rule out than a namesake) tells nothing.
 */
function visibleStatus(record: RecoveryRecord, now: number): RecoveryRecord["status"] {
  const minDelay = services().config.notEligibleMinDelayMs;
  return record.status === "not_eligible" && now < Date.parse(record.createdAt) + minDelay
    ? "pending"
    : record.status;
}

/** The recovery the caller's bearer token opens. Wrong token and unknown id look the same. */
export async function authorizedRecord(request: HttpRequest): Promise<Loaded> {
  return (await authorizedRecovery(request, false)).record;
}

/**
 * The recovery the caller's bearer token opens, and (`withTap`) its sealed TAP if one waits,
 * read with the record in one query of its partition.
 */
async function authorizedRecovery(
  request: HttpRequest,
  withTap: boolean,
): Promise<{ record: Loaded; tap?: ReturnType<typeof sealedTapOf> }> {
  const token = bearerToken(request);
  if (!token) {
    throw new UnauthorizedError("missing_recovery_token", "Send the recoveryToken as a Bearer token.", {
      headers: { "WWW-Authenticate": 'Bearer realm="recovery"' },
    });
  }
  const recoveryId = request.params.recoveryId ?? "";
  const read = isRecoveryId(recoveryId)
    ? withTap
      ? await services().recoveries.getWith(recoveryId, [TAP_ROW])
      : { record: await services().recoveries.get(recoveryId), rows: new Map() }
    : undefined;
  const record = read?.record;
  // Compare even when the record is missing, so timing does not reveal which ids exist.
  const matches = secretMatchesHash(token, record?.tokenHash ?? hashSecret(newOpaqueSecret()));
  if (!record || !matches) throw new NotFoundError("recovery_not_found", "No such recovery for this token.");
  return { record, tap: sealedTapOf(recoveryId, read?.rows.get(TAP_ROW)) };
}

export async function getRecovery(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return respond(context, async () => {
    const s = services();
    const read = await authorizedRecovery(request, true);
    const record = await renewIfExpired(read.record, context);
    const status = visibleStatus(record, Date.now());
    const body: Record<string, unknown> = {
      recoveryId: record.recoveryId,
      status,
      expiresAt: record.expiresAt,
    };
    // Records from before negotiation hold the tag the client sent: shown as the locale it matches.
    const locale = record.locale ? matchLocale(record.locale) : undefined;
    if (locale) body.locale = locale;
    if (record.next && !isTerminal(record.status)) body.next = record.next;
    if (record.failure && status === record.status) body.failure = record.failure;
    if (
      record.stage === "discovered" &&
      record.presentationRetrievedAt &&
      record.status === "awaiting_presentation"
    ) {
      body.presentationRetrievedAt = record.presentationRetrievedAt;
    }
    if (record.status === "recovered" && read.tap) {
      const sealed = await s.taps.take(read.tap, record, new Date());
      if (sealed) {
        const common = {
          expiresAt: sealed.expiresAt,
          lifetimeInMinutes: sealed.lifetimeInMinutes,
          isUsableOnce: sealed.isUsableOnce,
          registerUrl: REGISTER_URL,
        };
        body.tap =
          sealed.sealedFor === "client"
            ? { jwe: sealed.jwe, ...common }
            : {
                value: await openServerSealedTap(
                  sealed.jwe,
                  await requireSecret(s.secrets, TAP_HANDOFF_KEY_SECRET),
                  record.recoveryId,
                ),
                ...common,
              };
      }
    }
    return json(200, body);
  });
}

/** An expired presentation request is replaced while the step lasts; a failure shows the old one. */
async function renewIfExpired(record: Loaded, context: InvocationContext): Promise<Loaded> {
  try {
    return await renewExpiredPresentation(record, new Date());
  } catch (err) {
    context.warn(`presentation renewal for ${record.recoveryId} failed: ${(err as Error).message}`);
    return record;
  }
}

export async function cancelRecovery(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return respond(context, async () => {
    const record = await authorizedRecord(request);
    const s = services();
    // While a not-eligible recovery still shows `pending`, cancelling it must answer as a pending one would.
    const cancellable = (r: RecoveryRecord) => CANCELLABLE_STATUSES.has(visibleStatus(r, Date.now()));
    if (!cancellable(record)) {
      throw new ConflictError(
        "not_cancellable",
        `A recovery in status ${record.status} cannot be cancelled.`,
      );
    }
    let cancelled = false;
    // Closed with its audit entry in one write, from the record as read (its etag guards the race).
    const after = await s.recoveries.update(
      record.recoveryId,
      (r) => {
        cancelled = false;
        if (!cancellable(r)) return undefined;
        cancelled = true;
        return {
          ...r,
          status: "cancelled",
          next: undefined,
          failure: { code: "cancelled", message: "The recovery was cancelled." },
        };
      },
      record,
      (next) =>
        next
          ? [
              {
                recoveryId: record.recoveryId,
                event: "recovery_cancelled",
                outcome: "info",
                code: "cancelled",
              },
            ]
          : [],
    );
    if (!cancelled)
      throw new ConflictError("not_cancellable", `A recovery in status ${after.status} cannot be cancelled.`);
    // The record is terminal now, so every later activity refuses to act; stopping the workflow frees it early.
    try {
      await df.getClient(context).terminate(record.recoveryId, "cancelled by the user");
    } catch (err) {
      context.warn(`terminate ${record.recoveryId}: ${(err as Error).message}`);
    }
    // Discovery names the user on the record with a write guarded by the version it read before
    // taking the lock, so a cancel that sees no userId here made that write fail: discovery then
    // finds the record closed and releases the lock itself.
    // A release that fails is repaired: the next start and housekeeping free a closed recovery's lock.
    if (after.userId) {
      try {
        await s.locks.release(after.userId, record.recoveryId, undefined);
      } catch (err) {
        context.warn(`lock release for ${record.recoveryId} failed: ${(err as Error).message}`);
      }
    }
    return json(202, { recoveryId: record.recoveryId, status: "cancelled" });
  });
}
