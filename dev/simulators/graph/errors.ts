/**
 * Graph-shaped failures. Handlers throw GraphFailure; the dispatcher turns it into Graph's
 * error body `{error: {code, message, innerError: {date, request-id, client-request-id}}}`,
 * so the client SDK's GraphError parsing sees exactly what production would send.
 */

export class GraphFailure extends Error {
  override readonly name = "GraphFailure";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

// A type alias (not an interface) so it is assignable to the JSON value type of responses.
export type GraphErrorBody = {
  error: {
    code: string;
    message: string;
    innerError: { date: string; "request-id": string; "client-request-id": string };
  };
};

/** Graph writes innerError.date without fraction or zone: "2024-05-01T10:20:30". */
export function graphErrorBody(
  code: string,
  message: string,
  now: Date,
  requestId: string,
  clientRequestId: string,
): GraphErrorBody {
  return {
    error: {
      code,
      message,
      innerError: {
        date: now.toISOString().slice(0, 19),
        "request-id": requestId,
        "client-request-id": clientRequestId,
      },
    },
  };
}

// The failures below reuse Graph's own codes and wording, so error handling written
// against the simulator keys on the strings production returns.

export const segmentNotFound = (segment: string): GraphFailure =>
  new GraphFailure(400, "BadRequest", `Resource not found for the segment '${segment}'.`);

export const methodNotAllowed = (): GraphFailure =>
  new GraphFailure(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");

export const userNotFound = (id: string): GraphFailure =>
  new GraphFailure(
    404,
    "Request_ResourceNotFound",
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );

export const invalidJson = (): GraphFailure =>
  new GraphFailure(
    400,
    "BadRequest",
    "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
  );

export const unsupportedQuery = (detail?: string): GraphFailure =>
  new GraphFailure(400, "Request_UnsupportedQuery", detail ?? "Unsupported Query.");

export const badRequest = (message: string, code = "BadRequest"): GraphFailure =>
  new GraphFailure(400, code, message);
