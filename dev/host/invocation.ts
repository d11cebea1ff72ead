/**
 * Invokes a registered function the way the Node worker does: the library's ProgrammingModel
 * builds the InvocationContext and the handler arguments from RPC-shaped input data, then
 * preInvocation hooks, the callback, postInvocation hooks. Reusing the library's own
 * InvocationModel is what makes `HttpRequest`, `InvocationContext.extraInputs`,
 * `context.options` and therefore `df.getClient(context)` behave as they do in Azure.
 * Every `context.log/info/warn/error` call becomes one log entry tagged with the function
 * name and invocation id.
 */
import { randomUUID } from "node:crypto";
import type { ClientBindingData } from "./durable/rpc";
import type {
  CoreInvocationContext,
  FunctionsCore,
  RegisteredFunction,
  RpcParameterBinding,
  RpcTypedData,
} from "./functionsCoreShim";

/**
 * The input bindings the host fills besides the trigger: a durable client gets the host's
 * client data (what `df.getClient(context)` reads). Other input bindings are not supported.
 */
export function clientInputBindings(
  fn: RegisteredFunction,
  clientData: ClientBindingData,
): RpcParameterBinding[] {
  const inputs: RpcParameterBinding[] = [];
  for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
    if (binding.direction !== "in" || name === fn.triggerName) continue;
    const type = binding.type.toLowerCase();
    if (type === "durableclient" || type === "orchestrationclient") {
      inputs.push({ name, data: { string: JSON.stringify(clientData) } });
    }
  }
  return inputs;
}

export interface InvocationResult {
  invocationId: string;
  /** The library's InvocationContext (read `extraOutputs` from it). */
  context: unknown;
  result: unknown;
}

export interface InvocationInput {
  inputData: RpcParameterBinding[];
  triggerMetadata?: Record<string, RpcTypedData>;
  invocationId?: string;
}

export class Invoker {
  constructor(private readonly core: FunctionsCore) {}

  /** Throws what the function (or a hook) threw. */
  async invoke(fn: RegisteredFunction, input: InvocationInput): Promise<InvocationResult> {
    const model = this.core.programmingModel;
    if (!model) throw new Error("@azure/functions never set its programming model (no function registered?)");
    const invocationId = input.invocationId ?? randomUUID();
    let invocationContext: unknown;
    const coreContext: CoreInvocationContext = {
      invocationId,
      request: {
        invocationId,
        functionId: fn.name,
        inputData: input.inputData,
        triggerMetadata: input.triggerMetadata ?? {},
      },
      metadata: fn.metadata,
      log: (level, category, message) =>
        this.core.log({ level, category, message, functionName: fn.name, invocationId }, invocationContext),
    };
    const invocationModel = model.getInvocationModel(coreContext);
    const { context, inputs } = await invocationModel.getArguments();
    invocationContext = context;

    const hookData: Record<string, unknown> = {};
    const pre: Record<string, unknown> = {
      hookData,
      appHookData: this.core.appHookData,
      invocationContext: context,
      inputs,
      functionCallback: fn.callback,
    };
    coreContext.state = "preInvocationHooks";
    await this.core.runHooks("preInvocation", pre);
    const finalInputs = Array.isArray(pre.inputs) ? (pre.inputs as unknown[]) : inputs;
    const callback =
      typeof pre.functionCallback === "function" ? (pre.functionCallback as typeof fn.callback) : fn.callback;

    coreContext.state = "invocation";
    let result: unknown;
    let error: unknown = null;
    try {
      result = await invocationModel.invokeFunction(context, finalInputs, callback);
    } catch (err) {
      error = err ?? new Error(`${fn.name} threw ${String(err)}`);
    }

    const post: Record<string, unknown> = {
      hookData,
      appHookData: this.core.appHookData,
      invocationContext: context,
      inputs: finalInputs,
      result,
      error,
    };
    coreContext.state = "postInvocationHooks";
    try {
      await this.core.runHooks("postInvocation", post);
    } finally {
      coreContext.state = undefined;
    }
    // A postInvocation hook may swallow the error (error = null) or replace the result.
    if (post.error !== undefined && post.error !== null) throw post.error;
    return { invocationId, context, result: post.result };
  }
}
