/**
 * Helpers of the repudiation tests: a recovery driven to its end as a front end would, the
 * "this wasn't me" link read out of the notice the Graph simulator accepted, and the page's
 * GET and POST as a browser sends them.
 */
import { DEMO_USERS, demoTenant } from "../../dev/seed/demo-tenant";
import type { TenantSeed, UserSeed } from "../../dev/simulators/graph";
import type { RecoveryState, TestStack } from "./stack";

export interface Person {
  id: string;
  userPrincipalName: string;
  firstName: string;
  lastName: string;
}

/** Runs one recovery to its end; `faceCheckScore` below the threshold (70) fails it after verification. */
export async function recoverToTheEnd(
  stack: TestStack,
  person: Person,
  faceCheckScore = 91,
): Promise<{ recoveryId: string; done: RecoveryState }> {
  const started = await stack.startRecovery({ username: person.userPrincipalName });
  if (started.status !== 202) throw new Error(`start: ${started.status}`);
  const verifying = await stack.waitForStatus(started.body, ["verifying_identity"]);
  if (!verifying.next) throw new Error("no IDV redirect");
  await stack.completeIdv(verifying.next, "approved", {
    firstName: person.firstName,
    lastName: person.lastName,
  });
  const awaiting = await stack.waitForStatus(started.body, ["awaiting_presentation"]);
  if (!awaiting.next) throw new Error("no presentation request");
  await stack.sims.verifiedId.present(stack.presentationRequestId(awaiting.next), { faceCheckScore });
  const done = await stack.waitForStatus(started.body, ["recovered", "failed"]);
  // The notices go after the record closes: wait for the workflow, not only the record.
  await stack.waitForWorkflowEnd(started.body.recoveryId);
  return { recoveryId: started.body.recoveryId, done };
}

export const LINK = /https?:\/\/[^\s]+\/repudiate\?t=([A-Za-z0-9_-]{43})/;

/** The mails the simulator accepted whose recipients include `address`. */
export function mailTo(stack: TestStack, address: string) {
  return stack.sims.graph.sentMail.filter((m) => [...m.toRecipients, ...m.ccRecipients].includes(address));
}

/** The secret of the repudiation link in the latest notice naming `recoveryId`, if any. */
export function linkSecretOf(stack: TestStack, recoveryId: string): string | undefined {
  const notice = stack.sims.graph.sentMail
    .filter((m) => m.content.includes(recoveryId) && LINK.test(m.content))
    .at(-1);
  return notice ? LINK.exec(notice.content)?.[1] : undefined;
}

export async function openLink(stack: TestStack, secret: string) {
  const res = await fetch(`${stack.url}/repudiate?t=${encodeURIComponent(secret)}`);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/**
 * The confirmation as a browser posts the page's form (same origin; `Origin: null` under the
 * page's no-referrer policy), unless `headers` say otherwise (null: the header is not sent).
 */
export async function confirmLink(
  stack: TestStack,
  secret: string,
  headers: Record<string, string | null> = {},
) {
  const all: Record<string, string | null> = {
    "content-type": "application/x-www-form-urlencoded",
    origin: "null",
    "sec-fetch-site": "same-origin",
    ...headers,
  };
  const res = await fetch(`${stack.url}/repudiate`, {
    method: "POST",
    headers: Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== null)),
    body: new URLSearchParams({ t: secret }).toString(),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/**
 * The demo tenant with copies of Adele (every kind of method, eligible) under their own names
 * and ids: `Ida <name>`, UPN `ida.<name>@contoso.example`, other mail `ida.<name>@home.example`.
 */
export function tenantWithCopiesOfAdele(names: readonly string[]): {
  seed: TenantSeed;
  people: Record<string, Person & { home: string }>;
} {
  const seed = demoTenant();
  const adele = seed.users.find((u) => u.id === DEMO_USERS.adeleVance.id);
  if (!adele) throw new Error("the demo tenant has no Adele");
  const people: Record<string, Person & { home: string }> = {};
  const copies: UserSeed[] = names.map((name, i) => {
    const upn = `ida.${name.toLowerCase()}@contoso.example`;
    const p = {
      id: `00000000-0000-4000-a000-${String(i + 1).padStart(12, "0")}`,
      userPrincipalName: upn,
      firstName: "Ida",
      lastName: name,
      home: `ida.${name.toLowerCase()}@home.example`,
    };
    people[name] = p;
    return {
      ...structuredClone(adele),
      id: p.id,
      userPrincipalName: upn,
      mail: upn,
      givenName: p.firstName,
      surname: p.lastName,
      displayName: `${p.firstName} ${p.lastName}`,
      otherMails: [p.home],
    };
  });
  return { seed: { ...seed, users: [...seed.users, ...copies] }, people };
}
