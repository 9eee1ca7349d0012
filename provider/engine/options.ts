/** What one lifecycle call is given besides the kind, the API and the properties. */
import type { CommitCoordinator } from "./commit";

/** Options for one lifecycle call. */
export interface LifecycleOptions {
  /** Progress lines of worker tasks. */
  onLog?: (line: string) => void;
  /** How long a delete waits for a deferred removal (`awaitGone`); default 5 minutes. */
  removalTimeoutMs?: number;
  /** The coordinator of staged writes (default: the process's own). */
  commits?: CommitCoordinator;
}

/** `namespace.Name 'id'`, the way every lifecycle error names the object. */
export function label(def: { namespace: string; name: string }, id: string): string {
  return `${def.namespace}.${def.name} '${id}'`;
}

/** An error's message, for a sentence that explains it. */
export function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
