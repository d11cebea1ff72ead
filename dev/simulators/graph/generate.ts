/**
 * Large simulated tenants, built in-process (no HTTP per user): `generatedUsers(20_000, …)`
 * returns seeds with stable GUID-shaped ids and distinct names, to be passed to
 * `startGraphSimulator({tenant})` or `GraphSimulator.reset(seed)`. Tests and benchmarks then
 * adjust the few users a scenario needs.
 */
import { type UserSeed, WELL_KNOWN_METHOD_IDS } from "./model";

export interface GeneratedUsersOptions {
  /** Direct groups of every generated user. */
  memberOf: string[];
  /** UPN domain. Default contoso.example. */
  domain?: string;
  /** Distinguishes several generated populations in one tenant (0–65535): part of the ids and UPNs. */
  batch?: number;
  /** Last successful sign-in of every user; null: never signed in. Default 2025-05-01T08:00:00Z. */
  lastSuccessfulSignInDateTime?: string | null;
}

export function generatedUsers(count: number, options: GeneratedUsersOptions): UserSeed[] {
  if (!Number.isInteger(count) || count < 0)
    throw new TypeError("generatedUsers: count must be a whole number");
  const batch = options.batch ?? 0;
  const domain = options.domain ?? "contoso.example";
  const signedIn =
    options.lastSuccessfulSignInDateTime === undefined
      ? "2025-05-01T08:00:00Z"
      : options.lastSuccessfulSignInDateTime;
  const prefix = batch.toString(16).padStart(4, "0");
  const users: UserSeed[] = [];
  for (let i = 0; i < count; i++) {
    const n = i.toString(16).padStart(12, "0");
    users.push({
      id: `${prefix}0000-0000-4000-8000-${n}`,
      userPrincipalName: `user${batch}.${i}@${domain}`,
      givenName: `Given${i}`,
      surname: `Family${batch}x${i}`,
      displayName: `Given${i} Family${batch}x${i}`,
      accountEnabled: true,
      lastSuccessfulSignInDateTime: signedIn,
      memberOf: [...options.memberOf],
      methods: [{ type: "password", id: WELL_KNOWN_METHOD_IDS.password }],
    });
  }
  return users;
}
