/**
 * What a failed Graph request tells us, as one typed error: Graph's status and error code, the
 * Retry-After it asked for and its request id (for the logs), whether a request or a `$batch`
 * item failed. It is a `directory_error` DependencyError: transient (503, the activity retry
 * runs the step again) when Graph throttled, timed out or was unavailable, or when no answer
 * came at all; otherwise 502.
 */
import { DependencyError } from "../recovery/errors";
import { loadedGraphSdk } from "./graphClient";

/** Graph's answer to one request or `$batch` item (`status` undefined: none came, a network failure). */
export interface GraphAnswer {
  status: number | undefined;
  code?: string | undefined;
  retryAfterSeconds?: number | undefined;
  requestId?: string | undefined;
}

/** Throttled (429), timed out (408), unavailable (5xx) or unanswered: worth running again. */
function isTransient(status: number | undefined): boolean {
  return status === undefined || status === 429 || status >= 500 || status === 408;
}

/** A Retry-After header in seconds (undefined: absent or not a number of seconds). */
export function retryAfterSecondsOf(header: string | null | undefined): number | undefined {
  const seconds = header == null ? Number.NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

export class GraphRequestError extends DependencyError {
  /** Graph's HTTP status; undefined when no answer came (network failure, timeout). */
  readonly graphStatus: number | undefined;
  /** Graph's error code (`error.code` of its answer), e.g. `Authorization_RequestDenied`. */
  readonly graphCode: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly requestId: string | undefined;

  constructor(operation: string, answer: GraphAnswer, options: { cause?: unknown } = {}) {
    const { status, code } = answer;
    super(
      "directory_error",
      `Graph ${operation} failed (${status ?? "network"}${code ? ` ${code}` : ""})`,
      isTransient(status),
      options,
    );
    this.graphStatus = status;
    this.graphCode = code || undefined;
    this.retryAfterSeconds = answer.retryAfterSeconds;
    this.requestId = answer.requestId;
  }
}

/** The SDK's GraphError (only possible once the SDK is loaded). */
export function isSdkGraphError(
  err: unknown,
): err is InstanceType<NonNullable<ReturnType<typeof loadedGraphSdk>>["GraphError"]> {
  const sdk = loadedGraphSdk();
  return sdk !== undefined && err instanceof sdk.GraphError;
}

/** The error for a request sent through the SDK that threw `err` (a GraphError, or anything else: no answer). */
export function graphRequestError(operation: string, err: unknown): GraphRequestError {
  if (!isSdkGraphError(err)) return new GraphRequestError(operation, { status: undefined }, { cause: err });
  return new GraphRequestError(
    operation,
    {
      status: err.statusCode === -1 ? undefined : err.statusCode,
      code: err.code ?? undefined,
      retryAfterSeconds: retryAfterSecondsOf(err.headers?.get("retry-after")),
      requestId: err.requestId ?? undefined,
    },
    { cause: err },
  );
}

/** Runs one SDK request; its failure becomes a GraphRequestError naming `operation`. */
export async function callGraph<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw graphRequestError(operation, err);
  }
}

/** Graph's status behind an error, when it is a Graph answer (undefined otherwise). */
export function graphStatusOf(err: unknown): number | undefined {
  return err instanceof GraphRequestError ? err.graphStatus : undefined;
}
