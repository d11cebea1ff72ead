/**
 * Shared by the activities: the recovery record a step acts on. A closed (cancelled) recovery
 * is refused before anything changes; a step after discovery gets the record in its
 * `discovered` stage (what discovery decided), or fails.
 */
import { RecoveryClosedError, RecoveryStateError } from "../../recovery/errors";
import { isTerminal } from "../../recovery/status";
import { services } from "../../services";
import type { DiscoveredRecovery, Loaded } from "../../store/recoveries";

/** The record as read, with its etag: pass it to `update`/`advance` to spare a second read. */
export type LoadedRecord = Loaded;

/** The etag to hand the next step: only of a record still open (a closed one is read by whoever comes next). */
export function etagToHandOn(record: Loaded | undefined): { etag?: string } {
  return record && !isTerminal(record.status) ? { etag: record.etag } : {};
}

/**
 * The record; with `etag` (the version the previous step left, handed on by the workflow), the
 * version this process already holds when it is that one. Not necessarily the stored version:
 * a step given an etag writes with it, so a change since (a cancel) fails its write and is read.
 */
export async function loadRecord(recoveryId: string, etag?: string): Promise<LoadedRecord> {
  const record = await services().recoveries.at(recoveryId, etag);
  if (!record) throw new RecoveryStateError("recovery_missing", `recovery ${recoveryId} not found`);
  return record;
}

export async function openRecord(recoveryId: string, etag?: string): Promise<LoadedRecord> {
  const record = await loadRecord(recoveryId, etag);
  if (isTerminal(record.status)) throw new RecoveryClosedError(recoveryId);
  return record;
}

/** The open record of a step after discovery: it holds the user, the profile and the provider. */
export async function openDiscovered(recoveryId: string, etag?: string): Promise<Loaded<DiscoveredRecovery>> {
  const record = await openRecord(recoveryId, etag);
  if (record.stage !== "discovered")
    throw new RecoveryStateError("recovery_not_discovered", `recovery ${recoveryId} was not discovered`);
  return record;
}
