/**
 * Namesake disambiguation in a running recovery: a date-of-birth binding to a directory
 * attribute HR fills, and the claim-validation callout to an HR endpoint. A wrong date or a
 * silent HR system fails the match (closed), and nothing in the directory changes.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { demoPolicy } from "../../dev/seed/demo-policy";
import { DEMO_USERS, demoTenant } from "../../dev/seed/demo-tenant";
import type { TenantSeed } from "../../dev/simulators/graph";
import { useStack } from "../support/stack";

type HrMode = "pass" | "failed" | "silent";
let hrMode: HrMode = "pass";
let hrRequests: unknown[] = [];
const hr = createServer((req: IncomingMessage, res: ServerResponse) => {
  let body = "";
  req.on("data", (c: Buffer) => {
    body += c.toString();
  });
  req.on("end", () => {
    hrRequests.push(JSON.parse(body));
    if (hrMode === "silent") return; // never answers
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        data: {
          "@odata.type": "microsoft.graph.onVerifiedIdClaimValidationResponseData",
          actions: [
            hrMode === "pass"
              ? { "@odata.type": "microsoft.graph.verifiedIdClaimValidation.pass" }
              : {
                  "@odata.type": "microsoft.graph.verifiedIdClaimValidation.failed",
                  failedClaims: ["dateOfBirth"],
                },
          ],
        },
      }),
    );
  });
});

const IDA = { id: "00000000-0000-4000-8000-0000000000d1", upn: "ida.hr@contoso.example", dob: "1990-04-12" };

function tenant(): TenantSeed {
  const seed = demoTenant();
  const adele = seed.users.find((u) => u.id === DEMO_USERS.adeleVance.id)!;
  return {
    ...seed,
    users: [
      ...seed.users,
      {
        ...structuredClone(adele),
        id: IDA.id,
        userPrincipalName: IDA.upn,
        mail: IDA.upn,
        givenName: "Ida",
        surname: "Hr",
        displayName: "Ida Hr",
        employeeId: "200200",
        extensionAttributes: { extensionAttribute3: IDA.dob },
      },
    ],
  };
}

const doc = demoPolicy("production");
/** The HR endpoint's URL is filled in once it listens, before the stack (started later) reads the policy. */
const POLICY = {
  ...doc,
  profiles: doc.profiles.map((p) => ({
    ...p,
    bindings: [{ claim: "dateOfBirth", attribute: "extensionAttribute3", compare: "date" }],
    claimValidation: { url: "http://127.0.0.1:9/unset", timeoutMs: 1_500, maxRetries: 1 },
  })),
};

beforeAll(async () => {
  await new Promise<void>((resolve) => hr.listen(0, "127.0.0.1", resolve));
  const port = (hr.address() as AddressInfo).port;
  for (const p of POLICY.profiles) p.claimValidation.url = `http://127.0.0.1:${port}/validate`;
});
afterAll(async () => {
  hr.closeAllConnections();
  await new Promise((resolve) => hr.close(resolve));
});

describe("a recovery with a date-of-birth binding and an HR callout", () => {
  const stack = useStack({ mode: "production", tenant: tenant(), policy: POLICY });
  beforeEach(() => {
    hrRequests = [];
  });

  async function attempt(dateOfBirth: string) {
    const started = await stack().startRecovery({ username: IDA.upn });
    const verifying = await stack().waitForStatus(started.body, ["verifying_identity"]);
    await stack().completeIdv(verifying.next!, "approved", { firstName: "Ida", lastName: "Hr" });
    const awaiting = await stack().waitForStatus(started.body, ["awaiting_presentation"]);
    await stack().sims.verifiedId.present(stack().presentationRequestId(awaiting.next!), { dateOfBirth });
    const done = await stack().waitForStatus(started.body, ["recovered", "failed"], 30_000);
    const audit = await stack().auditEvents(started.body.recoveryId);
    const matched = audit.find((e) => e.event === "profile_matched");
    return { done, detail: JSON.parse(matched?.detail ?? "{}") as Record<string, string> };
  }

  function expectUntouched(): void {
    expect(stack().sims.graph.temporaryAccessPasses(IDA.id)).toHaveLength(0);
    expect(stack().sims.graph.revocations(IDA.id).count).toBe(0);
  }

  it("a namesake's date of birth fails the match before HR is asked", async () => {
    const { done, detail } = await attempt("1991-04-12");
    expect(done).toMatchObject({ status: "failed", failure: { code: "profile_mismatch" } });
    expect(detail.bindings).toBe("dateOfBirth≠extensionAttribute3");
    expect(JSON.stringify(detail)).not.toContain("1991");
    expect(hrRequests).toHaveLength(0);
    expectUntouched();
  });

  it("HR saying failed fails the match", async () => {
    hrMode = "failed";
    const { done, detail } = await attempt(IDA.dob);
    expect(done).toMatchObject({ status: "failed", failure: { code: "profile_mismatch" } });
    expect(detail.claimValidation).toBe("failed: dateOfBirth (attempts 1)");
    expect(detail.failedClaims).toEqual(["dateOfBirth"]);
    expectUntouched();
  });

  it("HR not answering fails the match, closed, after the retry", async () => {
    hrMode = "silent";
    const { done, detail } = await attempt(IDA.dob);
    expect(done).toMatchObject({ status: "failed", failure: { code: "profile_mismatch" } });
    expect(detail.claimValidation).toBe("error: timeout (attempts 2, fail-closed)");
    expect(hrRequests).toHaveLength(2);
    expectUntouched();
  });

  it("the right date and HR's pass recover the account; HR got the claims and employee id but no portrait", async () => {
    hrMode = "pass";
    const { done, detail } = await attempt(IDA.dob);
    expect(done.status).toBe("recovered");
    expect(detail).toMatchObject({
      bindings: "dateOfBirth=extensionAttribute3",
      claimValidation: "pass (attempts 1)",
    });
    const sent = hrRequests[0] as {
      data: {
        verifiedIdClaimsContext: { claims: Record<string, string>; additionalInfo: { employeeId: string } };
      };
    };
    expect(sent.data.verifiedIdClaimsContext.additionalInfo.employeeId).toBe("200200");
    expect(sent.data.verifiedIdClaimsContext.claims).toMatchObject({
      firstName: "Ida",
      lastName: "Hr",
      dateOfBirth: IDA.dob,
    });
    expect(sent.data.verifiedIdClaimsContext.claims.portrait).toBeUndefined();
  });
});
