/**
 * The Entra token issuer simulator speaks the v2.0 endpoints as Entra does: the OpenID
 * configuration names the issuer and the JWKS, the JWKS verifies the tokens it mints, and
 * the dev-only token endpoint refuses what it does not know.
 */
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EntraSimulator, startEntraSimulator } from "../../dev/simulators/entra";

const TENANT = "6419b49f-dbea-4de2-b118-b27943f6f106";
const AUDIENCE = "0d5f1c3e-8a7b-4c2d-9e6f-a0a0a0a0a0a0";

describe("Entra token issuer simulator", () => {
  let entra: EntraSimulator;
  beforeAll(async () => {
    entra = await startEntraSimulator({ tenantId: TENANT, audience: AUDIENCE });
  });
  afterAll(() => entra.stop());

  it("publishes its issuer and keys; its tokens verify against them with Entra v2 claims", async () => {
    const config = (await (
      await fetch(`${entra.url}/${TENANT}/v2.0/.well-known/openid-configuration`)
    ).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    expect(config.issuer).toBe(`${entra.url}/${TENANT}/v2.0`);
    const res = await fetch(`${entra.url}/_sim/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ roles: ["Recovery.Reader"], oid: "11111111-2222-4333-8444-555555555555" }),
    });
    const { access_token } = (await res.json()) as { access_token: string };
    const { payload } = await jwtVerify(access_token, createRemoteJWKSet(new URL(config.jwks_uri)), {
      issuer: config.issuer,
      audience: AUDIENCE,
      algorithms: ["RS256"],
    });
    expect(payload).toMatchObject({ tid: TENANT, ver: "2.0", roles: ["Recovery.Reader"] });
    expect(decodeProtectedHeader(access_token)).toMatchObject({ alg: "RS256", typ: "JWT" });
  });

  it("rotating the key changes the published kid", async () => {
    const kid = async () =>
      (
        (await (await fetch(`${entra.url}/${TENANT}/discovery/v2.0/keys`)).json()) as {
          keys: { kid: string }[];
        }
      ).keys[0]!.kid;
    const before = await kid();
    await entra.rotateKey();
    expect(await kid()).not.toBe(before);
    expect(decodeProtectedHeader(await entra.mint()).kid).toBe(await kid());
  });

  it("the token endpoint refuses unknown options", async () => {
    const res = await fetch(`${entra.url}/_sim/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ scope: "everything" }),
    });
    expect(res.status).toBe(400);
  });
});
