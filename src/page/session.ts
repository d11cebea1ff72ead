/**
 * The recovery this tab is running: id, token and poll interval, in sessionStorage — it
 * survives the trip to the identity provider and back in the same tab, dies with the tab,
 * and never travels in a URL. The TAP key is kept beside it in IndexedDB (tapKey.ts).
 */
const KEY = "account-recovery";

export interface Session {
  recoveryId: string;
  recoveryToken: string;
  pollAfterMs: number;
  /** Set when the user followed the link to the identity provider. */
  leftForProvider?: boolean;
  /** A helpdesk verification (opened from its link), not a recovery the user started. */
  verification?: boolean;
}

export function loadSession(): Session | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return undefined;
    const s = JSON.parse(raw) as Partial<Session>;
    if (typeof s.recoveryId !== "string" || typeof s.recoveryToken !== "string") return undefined;
    return {
      recoveryId: s.recoveryId,
      recoveryToken: s.recoveryToken,
      pollAfterMs: typeof s.pollAfterMs === "number" ? s.pollAfterMs : 2000,
      ...(s.leftForProvider ? { leftForProvider: true } : {}),
      ...(s.verification ? { verification: true } : {}),
    };
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
