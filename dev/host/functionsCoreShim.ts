/**
 * Stands in for `@azure/functions-core`, the module the Azure Functions Node worker injects.
 * `@azure/functions` v4 registers every function, hook and its programming model through it;
 * without it the library drops registrations ("test mode"). We hook Node's module loader so
 * that `require("@azure/functions-core")` returns our object, which records everything the
 * worker would receive: each function's binding metadata and the exact callback the worker
 * invokes, the hooks, and the library's ProgrammingModel (used to build invocation contexts).
 *
 * Must be installed before `@azure/functions` is first required: the library resolves the
 * module once and caches a miss for the life of the process.
 */
import Module from "node:module";
import path from "node:path";

export type LogLevel = "trace" | "debug" | "information" | "warning" | "error" | "critical" | "none";
export type LogCategory = "user" | "system" | "customMetric";

/** The subset of the worker's RPC TypedData we produce. */
export interface RpcTypedData {
  string?: string;
  json?: string;
  bytes?: Uint8Array;
  http?: RpcHttpData;
}

export interface RpcHttpData {
  method: string;
  url: string;
  headers: Record<string, string>;
  params: Record<string, string>;
  body?: RpcTypedData;
}

export interface RpcParameterBinding {
  name: string;
  data?: RpcTypedData;
}

/** A binding as `@azure/functions` registers it (trigger, extra input/output, `$return`). */
export interface BindingInfo {
  type: string;
  direction: "in" | "out" | "inout";
  name?: string;
  [key: string]: unknown;
}

export interface FunctionMetadata {
  name: string;
  bindings: Record<string, BindingInfo>;
  [key: string]: unknown;
}

export type FunctionCallback = (...args: unknown[]) => unknown;

export interface RegisteredFunction {
  readonly name: string;
  readonly metadata: FunctionMetadata;
  readonly callback: FunctionCallback;
  /** Key of the trigger binding in `metadata.bindings`. */
  readonly triggerName: string;
  readonly trigger: BindingInfo;
}

/** What the worker hands the programming model for each invocation. */
export interface CoreInvocationContext {
  invocationId: string;
  request: {
    invocationId: string;
    functionId: string;
    inputData: RpcParameterBinding[];
    triggerMetadata: Record<string, RpcTypedData>;
  };
  metadata: FunctionMetadata;
  state?: "preInvocationHooks" | "postInvocationHooks" | "invocation";
  log(level: LogLevel, category: LogCategory, message: string): void;
}

export interface InvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], callback: FunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<unknown>;
}

export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreContext: CoreInvocationContext): InvocationModel;
  getCapabilities?(capabilities: Record<string, string>): Promise<Record<string, string>>;
}

export type HookName = "preInvocation" | "postInvocation" | "appStart" | "appTerminate" | "log";
const HOOK_NAMES: readonly HookName[] = [
  "preInvocation",
  "postInvocation",
  "appStart",
  "appTerminate",
  "log",
];
export type HookCallback = (context: Record<string, unknown>) => unknown;

/** The worker's Disposable (VS Code style), which `registerFunction`/`registerHook` return. */
export class Disposable {
  static from(...items: Array<{ dispose(): unknown }>): Disposable {
    return new Disposable(() => {
      for (const item of items) item.dispose();
    });
  }
  #onDispose: (() => unknown) | undefined;
  constructor(onDispose: () => unknown) {
    this.#onDispose = onDispose;
  }
  dispose(): unknown {
    const f = this.#onDispose;
    this.#onDispose = undefined;
    return f?.();
  }
}

export interface LogEntry {
  level: LogLevel;
  category: LogCategory;
  message: string;
  functionName?: string;
  invocationId?: string;
}

/** The state behind our `@azure/functions-core`. One per process, like the worker's. */
export class FunctionsCore {
  readonly functions = new Map<string, RegisteredFunction>();
  readonly hooks = new Map<HookName, Set<HookCallback>>(
    HOOK_NAMES.map((name) => [name, new Set<HookCallback>()]),
  );
  /** Shared by every hook, like the worker's appHookData. */
  readonly appHookData: Record<string, unknown> = {};
  programmingModel: ProgrammingModel | undefined;
  /** Where log lines go; replaced by the host once it knows its logger. */
  sink: (entry: LogEntry) => void = (entry) => process.stdout.write(`${entry.level}: ${entry.message}\n`);

  /** Registered functions, in registration order. */
  list(): RegisteredFunction[] {
    return [...this.functions.values()];
  }

  get(name: string): RegisteredFunction | undefined {
    return this.functions.get(name.toLowerCase());
  }

  /** Runs log hooks (they may rewrite level and message), then writes the line. */
  log(entry: LogEntry, invocationContext?: unknown): void {
    const hooks = this.hooks.get("log");
    if (hooks && hooks.size > 0) {
      const hookContext: Record<string, unknown> = {
        level: entry.level,
        message: entry.message,
        category: entry.category,
        invocationContext,
        hookData: {},
        appHookData: this.appHookData,
      };
      for (const hook of hooks) {
        try {
          hook(hookContext);
        } catch (err) {
          this.sink({ level: "error", category: "system", message: `log hook threw: ${String(err)}` });
        }
      }
      if (typeof hookContext.message === "string") entry.message = hookContext.message;
      if (typeof hookContext.level === "string") entry.level = hookContext.level as LogLevel;
    }
    this.sink(entry);
  }

  /** Runs every hook registered under `name`, in order; a throwing hook throws (as in the worker). */
  async runHooks(name: HookName, context: Record<string, unknown>): Promise<void> {
    for (const hook of [...(this.hooks.get(name) ?? [])]) await hook(context);
  }

  /** The object `require("@azure/functions-core")` returns. */
  createModule(): Record<string, unknown> {
    return {
      version: "4.0.0-local-host",
      hostVersion: "4.0.0-local-host",
      Disposable,
      registerFunction: (metadata: unknown, callback: unknown): Disposable =>
        this.#register(metadata, callback),
      registerHook: (name: unknown, callback: unknown): Disposable => {
        if (typeof name !== "string" || !HOOK_NAMES.includes(name as HookName)) {
          throw new RangeError(`Unrecognized hook "${String(name)}"`);
        }
        if (typeof callback !== "function") throw new TypeError("hook callback must be a function");
        const set = this.hooks.get(name as HookName)!;
        const hook = callback as HookCallback;
        set.add(hook);
        return new Disposable(() => set.delete(hook));
      },
      setProgrammingModel: (model: ProgrammingModel): void => {
        this.programmingModel = model;
      },
      getProgrammingModel: (): ProgrammingModel | undefined => this.programmingModel,
      log: (level: LogLevel, category: LogCategory, message: string): void => {
        this.log({ level, category, message: String(message) });
      },
    };
  }

  #register(metadata: unknown, callback: unknown): Disposable {
    if (!isFunctionMetadata(metadata))
      throw new TypeError("registerFunction: metadata needs a name and bindings");
    if (typeof callback !== "function")
      throw new TypeError(`registerFunction: "${metadata.name}" has no callback`);
    const key = metadata.name.toLowerCase();
    if (this.functions.has(key)) {
      throw new Error(`A function with name "${metadata.name}" has already been registered.`);
    }
    const entry = Object.entries(metadata.bindings).find(([, b]) => /trigger$/i.test(b.type));
    if (!entry) throw new Error(`Function "${metadata.name}" has no trigger binding.`);
    const [triggerName, trigger] = entry;
    this.functions.set(key, {
      name: metadata.name,
      metadata,
      callback: callback as FunctionCallback,
      triggerName,
      trigger,
    });
    return new Disposable(() => this.functions.delete(key));
  }
}

function isFunctionMetadata(value: unknown): value is FunctionMetadata {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { name?: unknown; bindings?: unknown };
  if (typeof v.name !== "string" || typeof v.bindings !== "object" || v.bindings === null) return false;
  return Object.values(v.bindings).every(
    (b) => typeof b === "object" && b !== null && typeof (b as { type?: unknown }).type === "string",
  );
}

type LoadFunction = (request: string, parent: unknown, isMain: boolean) => unknown;
const moduleInternals = Module as unknown as { _load: LoadFunction };

let installed: { core: FunctionsCore; functionsLoadedBefore: boolean } | undefined;

/** True when some copy of `@azure/functions` is already in the CommonJS cache. */
export function isAzureFunctionsLoaded(): boolean {
  const marker = `${path.sep}@azure${path.sep}functions${path.sep}`;
  return Object.keys(require.cache).some((file) => file.includes(marker));
}

/**
 * Makes `require("@azure/functions-core")` return our module, once per process; later calls
 * return the same core. `functionsLoadedBefore` tells whether `@azure/functions` had been
 * loaded earlier (then it already gave up on the core and registrations would be lost).
 */
export function installFunctionsCoreShim(): { core: FunctionsCore; functionsLoadedBefore: boolean } {
  if (installed) return installed;
  const core = new FunctionsCore();
  const exported = core.createModule();
  const original = moduleInternals._load;
  moduleInternals._load = function load(
    this: unknown,
    request: string,
    parent: unknown,
    isMain: boolean,
  ): unknown {
    if (request === "@azure/functions-core") return exported;
    return original.call(this, request, parent, isMain);
  };
  installed = { core, functionsLoadedBefore: isAzureFunctionsLoaded() };
  return installed;
}
