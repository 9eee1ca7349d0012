/** The slice of the REST client that the lifecycle engine needs (so tests can drive it with anything). */
import { secretParamValues } from "../client/redact";

import type { PveMethod, WireParams } from "../../schema/props";

export type { PveMethod, WireParams } from "../../schema/props";

export interface EngineApi {
  request<T = unknown>(method: PveMethod, path: string, params?: WireParams): Promise<T>;
  waitForTask(upid: string, options?: TaskWaitOptions): Promise<{ exitstatus: string; warnings: number }>;
}

/** What the engine tells a wait: where log lines go, and which values they must not show. */
export interface TaskWaitOptions {
  onLog?: (line: string) => void;
  secrets?: readonly string[];
}

/** Wait options for the task a call with `params` started: its secret parameters stay out of the log. */
export function taskWaitOptions(params: WireParams, onLog?: (line: string) => void): TaskWaitOptions {
  const secrets = secretParamValues(params);
  return { ...(onLog ? { onLog } : {}), ...(secrets.length > 0 ? { secrets } : {}) };
}

/** PVE errors the engine branches on; anything with a `kind` (the client's PveApiError) qualifies. */
export function errorKind(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "kind" in error) {
    const kind = (error as { kind: unknown }).kind;
    return typeof kind === "string" ? kind : undefined;
  }
  return undefined;
}

/** Whether the client sent the failed call more than once (the client's PveApiError `retried`). */
export function wasRetried(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { retried?: unknown }).retried === true;
}

/** Runs a write and, when PVE answers with a worker task, waits for it to end. */
export async function writeAndWait(
  api: EngineApi,
  method: PveMethod,
  path: string,
  params: WireParams,
  onLog?: (line: string) => void,
): Promise<unknown> {
  const result = await api.request(method, path, params);
  if (typeof result === "string" && result.startsWith("UPID:")) {
    await api.waitForTask(result, taskWaitOptions(params, onLog));
  }
  return result;
}

/** True when PVE says the object does not exist (the client's classification decides: `provider/client/classify.ts`). */
export function isMissing(error: unknown): boolean {
  return errorKind(error) === "not-found";
}
