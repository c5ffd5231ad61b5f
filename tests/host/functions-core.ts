/**
 * A stand-in for `@azure/functions-core`, the module the Azure Functions Node.js worker injects
 * into the app's process. `@azure/functions` (node_modules/@azure/functions/src/utils/
 * tryGetCoreApiLazy.ts) `require`s it lazily on the first `app.*` / `app.hook.*` call; when it is
 * missing the library switches to "test mode" and registers nothing. This stand-in records what
 * the library hands the worker (src/app.ts `generic` → `coreApi.registerFunction(
 * toCoreFunctionMetadata(name, options), handler)`; src/hooks/registerHook.ts; src/setup.ts) so a
 * test can play the host. docs/production-path.md lists the shapes and where each comes from.
 */
import Module from 'node:module';

/** The subset of `@azure/functions-core`'s RpcBindingInfo the library fills in. */
export interface CoreBinding {
  readonly type?: string | null;
  readonly direction?: 'in' | 'out' | 'inout' | null;
  readonly dataType?: string | null;
  readonly [key: string]: unknown;
}

export interface CoreFunctionMetadata {
  readonly name: string;
  readonly bindings: Readonly<Record<string, CoreBinding>>;
  readonly retryOptions?: unknown;
}

export type CoreCallback = (...args: unknown[]) => unknown;

/** `coreTypes.InvocationModel` (types of @azure/functions-core, implemented by src/InvocationModel.ts). */
export interface CoreInvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], callback: CoreCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<unknown>;
}

export interface CoreProgrammingModel {
  readonly name: string;
  readonly version: string;
  getInvocationModel(coreContext: unknown): CoreInvocationModel;
  getCapabilities(capabilities: Record<string, string>): Promise<Record<string, string>>;
}

export type HookCallback = (context: { hookData: Record<string, unknown>; appHookData?: Record<string, unknown>; [key: string]: unknown }) => unknown;

export interface RegisteredFunction {
  readonly metadata: CoreFunctionMetadata;
  readonly callback: CoreCallback;
}

export interface CoreLogLine {
  readonly level: string;
  readonly category: string;
  readonly message: string;
}

/** What the app registered with the worker, in registration order. */
export class FunctionsCore {
  readonly functions = new Map<string, RegisteredFunction>();
  readonly hooks = new Map<string, HookCallback[]>();
  readonly logs: CoreLogLine[] = [];
  programmingModel: CoreProgrammingModel | undefined;

  /** The module object `require('@azure/functions-core')` returns. */
  readonly api = {
    setProgrammingModel: (model: CoreProgrammingModel): void => {
      this.programmingModel = model;
    },
    getProgrammingModel: (): CoreProgrammingModel | undefined => this.programmingModel,
    registerFunction: (metadata: CoreFunctionMetadata, callback: CoreCallback): { dispose(): void } => {
      // The worker rejects a second function with the same name (FunctionLoadRequest).
      if (this.functions.has(metadata.name)) throw new Error(`A function with the name "${metadata.name}" has already been registered.`);
      this.functions.set(metadata.name, { metadata, callback });
      return { dispose: () => this.functions.delete(metadata.name) };
    },
    registerHook: (name: string, callback: HookCallback): { dispose(): void } => {
      const list = this.hooks.get(name) ?? [];
      list.push(callback);
      this.hooks.set(name, list);
      return {
        dispose: () => {
          list.splice(list.indexOf(callback), 1);
        },
      };
    },
    // Present since worker 3.7 (host 4.28); setup({ enableHttpStream }) refuses to run without it.
    log: (level: string, category: string, message: string): void => {
      this.logs.push({ level, category, message });
    },
  };
}

interface ModuleLoader {
  _load(request: string, parent: unknown, isMain: boolean): unknown;
}

/**
 * Makes `require('@azure/functions-core')` return `core.api` in this process, as the worker does
 * (it patches the module loader the same way). Returns the undo. Install it before the first
 * `app.*` call: the library caches the lookup, including a miss.
 */
export function installFunctionsCore(core: FunctionsCore): () => void {
  const loader = Module as unknown as ModuleLoader;
  const original = loader._load.bind(Module);
  loader._load = (request, parent, isMain) => (request === '@azure/functions-core' ? core.api : original(request, parent, isMain));
  return () => {
    loader._load = original;
  };
}
