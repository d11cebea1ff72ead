/** Unauthenticated endpoints: liveness and the public keys of our hand-off tokens. */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { json, respond } from "../http";
import { HANDOFF_SIGNING_KEY_SECRET, parseSigningKeys, publicJwks, publishedKeys } from "../idv/handoffToken";
import { requireSecret } from "../secrets";
import { services } from "../services";

export async function health(_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return respond(context, async () => json(200, { status: "ok" }));
}

export async function jwks(_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return respond(context, async () => {
    const s = services();
    const keys = parseSigningKeys(await requireSecret(s.secrets, HANDOFF_SIGNING_KEY_SECRET));
    const lifetimeSeconds = s.config.handoffTokenLifetimeMinutes * 60;
    return json(200, publicJwks(publishedKeys(keys, new Date(), lifetimeSeconds)), {
      "Cache-Control": "public, max-age=300",
    });
  });
}
