/**
 * Reading our IDV hand-off as a provider would: the token in the provider page's URL names the
 * session (`RequestId`) and the return with its one-time value (`redirectUrl`). Tests that skip
 * the provider (a return-mode provider, a stale or forged return) start here.
 */
import { decodeJwt } from "jose";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";

export interface Handoff {
  /** The provider page with our hand-off token. */
  url: string;
  /** The token's redirectUrl: the return with its one-time value. */
  returnUrl: string;
  sessionId: string;
  jti: string;
}

export function handoffOf(url: string): Handoff {
  const claims = decodeJwt(new URL(url).searchParams.get("token") ?? "");
  return {
    url,
    returnUrl: claims.redirectUrl as string,
    sessionId: claims.RequestId as string,
    jti: claims.jti as string,
  };
}

/** Follows one redirect step as the browser would, without following it further. */
export async function follow(
  url: string,
): Promise<{ status: number; location: string | null; body: string }> {
  const res = await fetch(url, { redirect: "manual" });
  return { status: res.status, location: res.headers.get("location"), body: await res.text() };
}

/** A demo user and the names on their identity document. */
export interface Person {
  user: { userPrincipalName: string };
  names: { firstName: string; lastName: string };
}
export const ADELE: Person = {
  user: DEMO_USERS.adeleVance,
  names: { firstName: "Adele", lastName: "Vance" },
};
export const MEGAN: Person = {
  user: DEMO_USERS.meganBowen,
  names: { firstName: "Megan", lastName: "Bowen" },
};
