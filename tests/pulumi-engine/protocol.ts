// Messages between the engine and the program process (runner.ts), over the Node IPC channel.
// Property values are in wire format (secret sentinels, unknown sentinel), as the SDK sends them.
import type { PropertyMap } from "./values";

/** Start-up parameters of the program process (argv[2], JSON). */
export interface RunnerParams {
  main: string;
  dir: string;
  project: string;
  stack: string;
  dryRun: boolean;
}

export interface RegisterMessage {
  kind: "register";
  seq: number;
  type: string;
  name: string;
  custom: boolean;
  parent?: string;
  inputs: PropertyMap;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  importId?: string;
  additionalSecretOutputs: string[];
  ignoreChanges: string[];
  deleteBeforeReplace?: boolean;
  /** Resource options the engine enforces: no delete or replace; drop instead of delete; replace on these paths. */
  protect?: boolean;
  retainOnDelete?: boolean;
  replaceOnChanges: string[];
}

/** A `Resource.get`-style read of an existing resource (ReadResource RPC). */
export interface ReadMessage {
  kind: "read";
  seq: number;
  type: string;
  name: string;
  id: string;
  parent?: string;
  inputs: PropertyMap;
  dependencies: string[];
  additionalSecretOutputs: string[];
}

export interface OutputsMessage {
  kind: "outputs";
  urn: string;
  outputs: PropertyMap;
}

export interface DoneMessage {
  kind: "done";
  errors: string[];
}

export type RunnerMessage = RegisterMessage | ReadMessage | OutputsMessage | DoneMessage;

export interface EngineReply {
  kind: "reply";
  seq: number;
  urn?: string;
  id?: string;
  outputs?: PropertyMap;
  error?: string;
}

export function isRunnerMessage(v: unknown): v is RunnerMessage {
  return typeof v === "object" && v !== null && "kind" in v;
}
