/** `GET /api/openapi.json`: the OpenAPI 3.1 document, built once per process from the schemas. */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { getConfig } from "../config";
import { json, respond } from "../http";
import { buildOpenApiDocument } from "../openapi/document";

let built: Record<string, unknown> | undefined;

export async function openApiDocument(
  _request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return respond(context, async () => {
    const config = getConfig();
    built ??= buildOpenApiDocument({
      serverUrl: config.publicBaseUrl,
      tenantId: config.tenantId,
      authorityHost: config.adminApi.authorityHost,
    });
    return json(200, built, { "Cache-Control": "public, max-age=300" });
  });
}
