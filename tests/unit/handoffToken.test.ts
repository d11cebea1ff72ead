import { createLocalJWKSet, decodeProtectedHeader, exportJWK, type JWK, jwtVerify } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { keyPair } from "../../dev/support/keyPairs";
import {
  type HandoffClaims,
  parseSigningKeys,
  publicJwks,
  publishedKeys,
  signHandoffToken,
} from "../../src/idv/handoffToken";

const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;

async function privateJwk(alg: "RS256" | "ES256" | "PS256", kid: string): Promise<JWK> {
  const { privateKey } = keyPair(alg === "ES256" ? "P-256" : "rsa");
  return { ...(await exportJWK(privateKey)), kid, alg };
}

let rsa: JWK;
let ec: JWK;

beforeAll(async () => {
  [rsa, ec] = await Promise.all([privateJwk("RS256", "rsa-2025"), privateJwk("ES256", "ec-2025")]);
});

const NOW = new Date("2025-06-01T12:00:00.000Z");
const IAT = Math.floor(NOW.getTime() / 1000);

const claims: HandoffClaims = {
  orgId: "00000000-0000-4000-8000-000000000001",
  requestId: "rec_01HZX",
  redirectUrl: "https://recovery.contoso.example/api/idv/demo-idv/return?recoveryId=rec_01HZX",
  audience: "demo-idv",
  issuer: "https://recovery.contoso.example",
  lifetimeSeconds: 900,
};

describe("parseSigningKeys", () => {
  it("accepts a single private JWK", () => {
    expect(parseSigningKeys(JSON.stringify(rsa))).toEqual([rsa]);
  });

  it("accepts an array of private JWKs, in order", () => {
    expect(parseSigningKeys(JSON.stringify([ec, rsa]))).toEqual([ec, rsa]);
  });

  it("accepts PS256", () => {
    const ps = { ...rsa, alg: "PS256" };
    expect(parseSigningKeys(JSON.stringify(ps))).toEqual([ps]);
  });

  it("rejects an empty array", () => {
    expect(() => parseSigningKeys("[]")).toThrow(TypeError);
  });

  it.each([
    ["kid", () => ({ ...rsa, kid: undefined })],
    ["alg", () => ({ ...rsa, alg: undefined })],
    ["d", () => ({ ...rsa, d: undefined })],
  ])("rejects a key without %s", (_member, key) => {
    expect(() => parseSigningKeys(JSON.stringify(key()))).toThrow(
      "idv-handoff-signing-key: every key needs kid, alg (RS256/PS256/ES256) and d",
    );
  });

  it("rejects a symmetric HS256 key", () => {
    const hs: JWK = {
      kty: "oct",
      k: "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0",
      kid: "hs",
      alg: "HS256",
      d: "x",
    };
    expect(() => parseSigningKeys(JSON.stringify(hs))).toThrow(TypeError);
  });

  it("rejects an array in which one key is unusable", () => {
    expect(() => parseSigningKeys(JSON.stringify([rsa, { ...ec, alg: "none" }]))).toThrow(TypeError);
  });

  it("rejects a public key", () => {
    const { d: _d, ...pub } = ec;
    expect(() => parseSigningKeys(JSON.stringify(pub))).toThrow(TypeError);
  });
});

describe("publicJwks", () => {
  it("strips every private member of an RSA key and marks it for signatures", () => {
    const { keys } = publicJwks([rsa]);
    expect(keys).toHaveLength(1);
    const pub = keys[0]!;
    for (const member of PRIVATE_MEMBERS) expect(pub).not.toHaveProperty(member);
    expect(pub).toEqual({ kty: "RSA", n: rsa.n, e: rsa.e, kid: "rsa-2025", alg: "RS256", use: "sig" });
  });

  it("strips the private member of an EC key and marks it for signatures", () => {
    const pub = publicJwks([ec]).keys[0]!;
    expect(pub).not.toHaveProperty("d");
    expect(pub).toEqual({
      kty: "EC",
      crv: "P-256",
      x: ec.x,
      y: ec.y,
      kid: "ec-2025",
      alg: "ES256",
      use: "sig",
    });
  });

  it("publishes every key, in order", () => {
    expect(publicJwks([ec, rsa]).keys.map((k) => k.kid)).toEqual(["ec-2025", "rsa-2025"]);
  });

  it("leaves the private keys untouched", () => {
    const before = structuredClone(rsa);
    publicJwks([rsa]);
    expect(rsa).toEqual(before);
  });

  it("publishes nothing secret even in the serialized document", () => {
    const text = JSON.stringify(publicJwks([rsa, ec]));
    for (const secret of [rsa.d, rsa.p, rsa.q, rsa.dp, rsa.dq, rsa.qi, ec.d]) {
      expect(secret).toBeTruthy();
      expect(text).not.toContain(secret);
    }
  });
});

describe("signHandoffToken", () => {
  it.each([
    ["RS256", () => rsa],
    ["ES256", () => ec],
  ])("signs an %s token that verifies against the published JWKS with every claim", async (alg, key) => {
    const signingKey = key();
    const token = await signHandoffToken([signingKey], claims, NOW);
    const jwks = createLocalJWKSet(publicJwks([signingKey]));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: claims.issuer,
      audience: claims.audience,
      currentDate: NOW,
      algorithms: [alg],
    });
    expect(protectedHeader).toEqual({ alg, kid: signingKey.kid, typ: "JWT" });
    expect(payload).toMatchObject({
      OrgId: claims.orgId,
      RequestId: claims.requestId,
      redirectUrl: claims.redirectUrl,
      iss: claims.issuer,
      aud: claims.audience,
      iat: IAT,
      exp: IAT + 900,
    });
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("signs with the first key and names it in the kid header", async () => {
    const token = await signHandoffToken([ec, rsa], claims, NOW);
    expect(decodeProtectedHeader(token)).toEqual({ alg: "ES256", kid: "ec-2025", typ: "JWT" });
    const { protectedHeader } = await jwtVerify(token, createLocalJWKSet(publicJwks([ec, rsa])), {
      currentDate: NOW,
    });
    expect(protectedHeader.kid).toBe("ec-2025");
  });

  it("does not verify against a JWKS that only holds the other key", async () => {
    const token = await signHandoffToken([ec, rsa], claims, NOW);
    await expect(
      jwtVerify(token, createLocalJWKSet(publicJwks([rsa])), { currentDate: NOW }),
    ).rejects.toMatchObject({
      code: "ERR_JWKS_NO_MATCHING_KEY",
    });
  });

  it("is expired one second after its lifetime", async () => {
    const token = await signHandoffToken([rsa], { ...claims, lifetimeSeconds: 60 }, NOW);
    const jwks = createLocalJWKSet(publicJwks([rsa]));
    await expect(
      jwtVerify(token, jwks, { currentDate: new Date(NOW.getTime() + 59_000) }),
    ).resolves.toBeDefined();
    await expect(
      jwtVerify(token, jwks, { currentDate: new Date(NOW.getTime() + 61_000) }),
    ).rejects.toMatchObject({
      code: "ERR_JWT_EXPIRED",
    });
  });

  it("gives every token its own jti", async () => {
    const [a, b] = await Promise.all([
      signHandoffToken([ec], claims, NOW),
      signHandoffToken([ec], claims, NOW),
    ]);
    const jwks = createLocalJWKSet(publicJwks([ec]));
    const [va, vb] = await Promise.all([
      jwtVerify(a, jwks, { currentDate: NOW }),
      jwtVerify(b, jwks, { currentDate: NOW }),
    ]);
    expect(va.payload.jti).not.toBe(vb.payload.jti);
  });
});

describe("signing key rotation", () => {
  const LIFETIME = 900;
  const SKEW = 300;

  it("signs with the first key that is not retired, and still publishes the retired one", async () => {
    const retired = { ...rsa, retiredAt: NOW.toISOString() };
    const keys = parseSigningKeys(JSON.stringify([retired, ec]));
    const token = await signHandoffToken(keys, claims, NOW);
    expect(decodeProtectedHeader(token).kid).toBe("ec-2025");
    expect(publishedKeys(keys, NOW, LIFETIME).map((k) => k.kid)).toEqual(["rsa-2025", "ec-2025"]);
  });

  it("keeps serving a retired key until every token it signed has expired, then drops it", async () => {
    // A token signed by the old key just before it was retired stays verifiable to its end.
    const oldToken = await signHandoffToken([rsa], claims, NOW);
    const keys = parseSigningKeys(JSON.stringify([ec, { ...rsa, retiredAt: NOW.toISOString() }]));
    const lastUse = new Date(NOW.getTime() + LIFETIME * 1000 - 1000);
    const served = createLocalJWKSet(publicJwks(publishedKeys(keys, lastUse, LIFETIME)));
    await expect(jwtVerify(oldToken, served, { currentDate: lastUse })).resolves.toBeDefined();

    const after = new Date(NOW.getTime() + (LIFETIME + SKEW) * 1000 + 1000);
    const jwks = publicJwks(publishedKeys(keys, after, LIFETIME));
    expect(jwks.keys.map((k) => k.kid)).toEqual(["ec-2025"]);
    expect(JSON.stringify(jwks)).not.toContain("retiredAt");
  });

  it("refuses a secret whose keys are all retired, or with an unreadable retiredAt", () => {
    expect(() => parseSigningKeys(JSON.stringify([{ ...rsa, retiredAt: NOW.toISOString() }]))).toThrow(
      /every key is retired/,
    );
    expect(() => parseSigningKeys(JSON.stringify([ec, { ...rsa, retiredAt: "last tuesday" }]))).toThrow(
      /rsa-2025 has an unreadable retiredAt/,
    );
  });
});
