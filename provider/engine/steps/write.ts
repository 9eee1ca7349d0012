/** One write of a lifecycle: straight to PVE, or, for a kind whose writes PVE stages, through the commit batch. */
import type { KindDefinition } from "../../../schema/define";
import type { Identity, WireParams } from "../../../schema/props";
import type { ApiCall } from "../../../schema/spec";
import { type EngineApi, writeAndWait } from "../api";
import { commits } from "../commit";
import { fillPath } from "../identity";
import type { LifecycleOptions } from "../options";

/** One write; a kind with staged changes joins the process's commit batch and waits for its apply. */
export async function write(
  def: KindDefinition,
  api: EngineApi,
  call: ApiCall,
  identity: Identity,
  params: WireParams,
  options: LifecycleOptions,
): Promise<unknown> {
  const path = fillPath(call.path, identity);
  const commit = def.lifecycle === "collection" ? def.commit : undefined;
  if (!commit) return writeAndWait(api, call.method, path, params, options.onLog);
  const accepted = def.accepts(call);
  return (options.commits ?? commits).staged(
    api,
    commit,
    identity,
    (extra) => {
      const carried = Object.fromEntries(Object.entries(extra).filter(([name]) => name in accepted));
      return writeAndWait(api, call.method, path, { ...params, ...carried }, options.onLog);
    },
    options.onLog,
  );
}
