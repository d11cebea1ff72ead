/**
 * What crosses the orchestration boundary. Only ids, decisions and deadlines: no names,
 * no claims, no TAP — orchestration history is stored in plain text by the task hub.
 */
import type { IdvDecision } from "../idv/adapter";
import type { FailureCode, RecoveryStatus } from "../recovery/status";

export interface RecoveryInput {
  recoveryId: string;
}

export type DiscoveryResult =
  | { eligible: false }
  | {
      eligible: true;
      mode: "evaluation" | "production";
      idvTimeoutMinutes: number;
      presentationTimeoutMinutes: number;
    };

export interface StartIdvInput {
  recoveryId: string;
  sessionId: string;
  deadline: string;
}

export interface IdvResultEvent {
  decision: IdvDecision;
}

/** A valid one-time return was consumed for this session (src/functions/idvReturn.ts). */
export interface IdvReturnedEvent {
  sessionId: string;
}

export interface RequestPresentationInput {
  recoveryId: string;
  deadline: string;
}

export type RequestPresentationResult = { ok: true; state: string } | { ok: false; code: FailureCode };

export interface PresentationResultEvent {
  state: string;
  requestStatus: "presentation_verified" | "presentation_error";
}

export interface PresentationStepInput {
  recoveryId: string;
  state: string;
}

export type StepVerdict = { ok: true } | { ok: false; code: FailureCode };

export interface FinishInput {
  recoveryId: string;
  status: RecoveryStatus;
  failureCode?: FailureCode;
  detail?: string;
}

export interface RecoveryOutcome {
  status: RecoveryStatus;
  failureCode?: FailureCode;
}
