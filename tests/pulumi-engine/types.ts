// The engine's public result types.
import type { StateFile } from "./state";

export type Operation = "preview" | "up" | "refresh" | "destroy";

export type StepOp = "create" | "update" | "replace" | "delete" | "same" | "refresh" | "import" | "read";

export interface StepRecord {
  op: StepOp;
  urn: string;
  type: string;
  name: string;
  id?: string;
  /** Input keys that changed (update / replace); after a refresh, the keys the drift changed. */
  diffs?: string[];
  /** Per property path, how it differs (`UPDATE`, `ADD_REPLACE`, ...), when the diff had one. */
  detailedDiff?: Record<string, string>;
  /** Input keys that force the replacement. */
  replaces?: string[];
  /** Output keys that changed outside the program (refresh). */
  drift?: string[];
  /** Refresh found the resource gone: it was dropped from the state. */
  deleted?: boolean;
  error?: string;
  failures?: Array<{ property: string; reason: string }>;
}

export interface EngineOptions {
  programDir: string;
  stateFile: string;
  /** Stack config: "key" (the project's namespace) or "namespace:key". */
  config?: Record<string, string>;
  secretConfig?: Record<string, string>;
  /** Environment of the program and the provider host (over process.env). */
  env?: Record<string, string>;
  parallel?: number;
  stack?: string;
  /** Show unchanged ("same") steps too. */
  verbose?: boolean;
  /**
   * `up` only: apply without the preview that otherwise runs first and stops the run on any error
   * it finds (the CLI's `--skip-preview`). For what only the apply can show, such as PVE refusing a write.
   */
  skipPreview?: boolean;
  onLine?: (line: string) => void;
}

export interface EngineResult {
  ok: boolean;
  steps: StepRecord[];
  summary: Record<string, number>;
  /** The provider host's stdout/stderr lines. */
  hostOutput: string[];
  /** The program's own output (console.log) and errors. */
  programOutput: string[];
  programErrors: string[];
  /** Stack outputs (wire format: secrets are sentinels). */
  outputs: Record<string, unknown>;
  state: StateFile;
  /** Provider calls per method with their total time (ms), e.g. `check`, `diff`, `create`. */
  rpc: Record<string, { calls: number; totalMs: number }>;
  /**
   * `up` without `skipPreview`: the preview it ran first. When that failed, the `up` stopped there
   * and this result is the preview's (its steps, errors and outputs), with nothing written.
   */
  preview?: EngineResult;
}
