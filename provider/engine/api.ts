/** The slice of the REST client that the lifecycle engine needs (so tests can drive it with anything). */
import { errorKindOf, isNotFound, secretParamValues, wasRetried } from "../client";

import type { Caller, PveMethod, WireParams } from "../../schema/props";

export type { PveMethod, WireParams } from "../../schema/props";

export interface EngineApi {
  request<T = unknown>(method: PveMethod, path: string, params?: WireParams): Promise<T>;
  waitForTask(upid: string, options?: TaskWaitOptions): Promise<{ exitstatus: string; warnings: number }>;
  /** Who the requests are made as (a client knows; a test double may not). */
  caller?(): Caller;
  /**
   * Runs `fn` holding the client's keyed lock `key`, for an operation PVE locks longer than one
   * request (a clone's task holds its source and its storage): others of this client wait instead
   * of meeting PVE's lock timeouts.
   */
  withLock?<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/** {@link EngineApi.withLock} where the API has it; otherwise `fn` runs as it is. */
export function underLock<T>(api: EngineApi, key: string, fn: () => Promise<T>): Promise<T> {
  return api.withLock ? api.withLock(key, fn) : fn();
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

/*
 * The errors the engine branches on are classified by the client, never here: `errorKind` is the
 * client's `errorKindOf` (the kind the client's `classify.ts` gave a PveApiError, or the one a test
 * double carries), `isMissing` its `isNotFound`, `wasRetried` its own.
 */
export { errorKindOf as errorKind, isNotFound as isMissing, wasRetried };

/** Runs a write and, when PVE answers with a worker task, waits for it to end. */
export async function writeAndWait(api: EngineApi, method: PveMethod, path: string, params: WireParams, onLog?: (line: string) => void): Promise<unknown> {
  const result = await api.request(method, path, params);
  if (typeof result === "string" && result.startsWith("UPID:")) {
    await api.waitForTask(result, taskWaitOptions(params, onLog));
  }
  return result;
}
