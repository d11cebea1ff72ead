/**
 * Shared by the activities: the recovery record a step acts on, and the profile it was
 * discovered under. A closed (cancelled) recovery is refused before anything changes.
 */
import { RecoveryClosedError, RecoveryStateError } from "../../recovery/errors";
import type { PolicyProfile } from "../../recovery/policy";
import { isTerminal } from "../../recovery/status";
import { services } from "../../services";
import type { RecoveryRecord } from "../../store/recoveries";

/** The record as read, with its etag: pass it to `update`/`advance` to spare a second read. */
export type LoadedRecord = RecoveryRecord & { etag: string };

export async function loadRecord(recoveryId: string): Promise<LoadedRecord> {
  const record = await services().recoveries.get(recoveryId);
  if (!record) throw new RecoveryStateError("recovery_missing", `recovery ${recoveryId} not found`);
  return record;
}

/** The profile discovery selected, as it was then (a later policy edit does not change a running recovery). */
export function profileOf(record: RecoveryRecord): PolicyProfile {
  if (!record.profile)
    throw new RecoveryStateError("profile_missing", `recovery ${record.recoveryId} has no profile`);
  return record.profile;
}

export async function openRecord(recoveryId: string): Promise<LoadedRecord> {
  const record = await loadRecord(recoveryId);
  if (isTerminal(record.status)) throw new RecoveryClosedError(recoveryId);
  return record;
}
