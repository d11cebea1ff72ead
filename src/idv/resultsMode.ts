/**
 * How a provider's result reaches a recovery (issue 17). Microsoft's integration guidance for
 * identity verification providers (learn.microsoft.com/entra/verified-id/integration-guidance,
 * FACTS §11) defines no provider → relying party webhook: the provider verifies the person,
 * issues the `VerifiedIdentity` credential to the wallet and sends the browser back to the
 * hand-off JWT's `redirectUrl`; the presentation with Face Check that follows is the proof.
 *
 * - `return`: the browser's return (with the one-time value of src/idv/returnValue.ts) moves
 *   the recovery to the presentation. A signed webhook, if the provider sends one anyway, can
 *   only end the recovery (a decline); its approval moves nothing.
 * - `webhook`: only a signed webhook approval moves the recovery on; the return only redirects.
 * - `either`: whichever comes first; a later webhook decline still ends a recovery that has not
 *   recovered yet, a later approval changes nothing.
 *
 * In every mode the presented credential must be fresh (src/recovery/freshness.ts): the
 * return proves only that the browser came back, not that anyone was verified.
 */
import type { AdapterKind } from "./registry";

export const RESULTS_MODES = ["return", "webhook", "either"] as const;
export type ResultsMode = (typeof RESULTS_MODES)[number];

/** Microsoft's contract for the three providers it offers; the generic adapter takes both. */
const DEFAULT_MODE: Readonly<Record<AdapterKind, ResultsMode>> = {
  au10tix: "return",
  idemia: "return",
  truecredential: "return",
  "standard-webhooks": "either",
};

/**
 * Query parameters whose presence on the return means the provider did not finish (an error or
 * a cancellation). Microsoft's guidance documents none, so the names are configurable per
 * provider (`returnErrorParameters`).
 */
export const DEFAULT_RETURN_ERROR_PARAMETERS: readonly string[] = ["error", "cancelled"];

export interface ResultsSettings {
  adapter: AdapterKind;
  results?: ResultsMode | undefined;
  returnErrorParameters?: readonly string[] | undefined;
}

export function resultsModeOf(provider: ResultsSettings): ResultsMode {
  return provider.results ?? DEFAULT_MODE[provider.adapter];
}

export function returnErrorParametersOf(provider: ResultsSettings): readonly string[] {
  return provider.returnErrorParameters ?? DEFAULT_RETURN_ERROR_PARAMETERS;
}

/** Whether the browser's return may move a recovery of this provider to the presentation. */
export function returnAdvances(mode: ResultsMode): boolean {
  return mode !== "webhook";
}

/** Whether a signed webhook approval may move a recovery of this provider to the presentation. */
export function webhookApprovalAdvances(mode: ResultsMode): boolean {
  return mode !== "return";
}
