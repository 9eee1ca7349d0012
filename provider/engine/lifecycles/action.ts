/**
 * The action lifecycle: a one-shot operation (restart a service, run apt update, ...). Creating
 * it runs the operation and waits for its task; its outputs record how the task ended. Pulumi
 * runs it again when an input or one of its `triggers` changes (the diff asks for a replacement).
 */
import { type ActionDefinition, chosenCall } from "../../../schema/define";
import type { ApiCall } from "../../../schema/spec";
import { type EngineApi, type WireParams, errorKind, taskWaitOptions } from "../api";
import { callParams } from "../calls";
import { fillPath, identityOf } from "../identity";
import type { LifecycleOptions } from "../options";
import { PartialCreateError } from "../partial";
import { type Props, fieldValues, isSet } from "../values";
import { type Lifecycle, inputsOf } from "./contract";

/** The call an action's inputs choose, with its path and parameters. */
function actionCall(def: ActionDefinition, inputs: Props): { call: ApiCall; path: string; params: WireParams } {
  const identity = identityOf(def, inputs);
  // The path segment an input chooses (a service's `restart`) is filled like the identity; the chosen
  // call names the schema method whose parameters go along.
  const call = chosenCall(def.create, def.pathChoice, identity[def.pathChoice?.param ?? ""] ?? "");
  return { call, path: fillPath(def.create.path, identity), params: callParams(def, call, identity, fieldValues(def, inputs)) };
}

async function runAction(def: ActionDefinition, api: EngineApi, inputs: Props, options: LifecycleOptions): Promise<{ id: string; outs: Props }> {
  const { call, path, params } = actionCall(def, inputs);
  const result = await api.request(call.method, path, params);
  if (typeof result !== "string" || !result.startsWith("UPID:")) {
    throw new Error(`${def.namespace}.${def.name}: PVE did not start a task (answer: ${JSON.stringify(result)})`);
  }
  return { id: result, outs: await awaitRun(def, api, inputs, result, params, options) };
}

/** Waits for the run's task; its outcome is the action's outputs. */
async function awaitRun(def: ActionDefinition, api: EngineApi, inputs: Props, upid: string, params: WireParams, options: LifecycleOptions): Promise<Props> {
  try {
    const task = await api.waitForTask(upid, taskWaitOptions(params, options.onLog));
    return { ...inputs, upid, exitStatus: task.exitstatus, warnings: task.warnings };
  } catch (error) {
    // A task that failed did its damage and ended: the error stands. One we stopped watching
    // (timeout, lost connection) may still run: keep its UPID so the next run does not start it again.
    if (errorKind(error) === "task-failed") throw error;
    throw new PartialCreateError(`${def.namespace}.${def.name}: lost track of task ${upid}: ${String(error)}`, upid, { ...inputs, upid }, [String(error)]);
  }
}

/**
 * An action's update. Pulumi asks for it while the recorded run is unfinished (a partial create
 * whose task was not watched to its end), never to change what ran (a change reruns it). There is
 * nothing to read back: a finished run is kept as recorded, an unfinished one is awaited on its
 * recorded task, and one whose task failed runs again, as a failed create would on the next `up`.
 */
async function updateAction(def: ActionDefinition, api: EngineApi, olds: Props, news: Props, options: LifecycleOptions): Promise<{ outs: Props }> {
  const upid = olds["upid"];
  if (isSet(olds["exitStatus"])) return { outs: { ...news, upid, exitStatus: olds["exitStatus"], warnings: olds["warnings"] } };
  if (typeof upid !== "string") return { outs: (await runAction(def, api, news, options)).outs };
  const { params } = actionCall(def, news);
  try {
    return { outs: await awaitRun(def, api, news, upid, params, options) };
  } catch (error) {
    if (errorKind(error) !== "task-failed") throw error;
    options.onLog?.(`the recorded run (task ${upid}) failed: ${String(error)}; running it again`);
    return { outs: (await runAction(def, api, news, options)).outs };
  }
}

export const action: Lifecycle<ActionDefinition> = {
  create: runAction,
  // An action happened once; there is nothing on PVE to compare it with.
  read: async (def, _api, id, props) => ({ id, props, inputs: inputsOf(def, props) }),
  update: updateAction,
  // Deleting an action forgets it: what it did is not undone.
  remove: async () => {},
};
