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

export async function loadRecord(recoveryId: string): Promise<LoadedRecord> {
  const record = await services().recoveries.get(recoveryId);
  if (!record) throw new RecoveryStateError("recovery_missing", `recovery ${recoveryId} not found`);
  return record;
}

export async function openRecord(recoveryId: string): Promise<LoadedRecord> {
  const record = await loadRecord(recoveryId);
  if (isTerminal(record.status)) throw new RecoveryClosedError(recoveryId);
  return record;
}

/** The open record of a step after discovery: it holds the user, the profile and the provider. */
export async function openDiscovered(recoveryId: string): Promise<Loaded<DiscoveredRecovery>> {
  const record = await openRecord(recoveryId);
  if (record.stage !== "discovered")
    throw new RecoveryStateError("recovery_not_discovered", `recovery ${recoveryId} was not discovered`);
  return record;
}
