/** A scripted PVE for engine tests: an EngineApi over a handler, recording its calls and task waits. */
import type { EngineApi, PveMethod } from "../../provider/engine";

export type Handler = (method: PveMethod, path: string, params: Record<string, string | number>) => unknown;

/** Tasks end as `tasks` says (default: OK). */
export function fakeApi(
  handler: Handler,
  tasks: (upid: string) => Promise<{ exitstatus: string; warnings: number }> = async () => ({ exitstatus: "OK", warnings: 0 }),
): EngineApi & { calls: string[]; waits: string[] } {
  const calls: string[] = [];
  const waits: string[] = [];
  return {
    calls,
    waits,
    async request<T>(method: PveMethod, path: string, params: Record<string, string | number> = {}): Promise<T> {
      calls.push(`${method} ${path}`);
      return handler(method, path, params) as T;
    },
    waitForTask: (upid) => {
      waits.push(upid);
      return tasks(upid);
    },
  };
}
