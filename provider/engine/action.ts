/**
 * The action lifecycle: a one-shot operation (restart a service, run apt update, ...). Creating
 * it runs the operation and waits for its task; its outputs record how the task ended. Pulumi
 * runs it again when an input or one of its `triggers` changes (the diff asks for a replacement).
 */
import { type KindDefinition, chosenCall } from "../../schema/define";
import { type EngineApi, errorKind, taskWaitOptions } from "./api";
import { PartialCreateError } from "./partial";
import { callParams } from "./calls";
import { fillPath, identityOf } from "./identity";
import type { LifecycleOptions } from "./lifecycle";
import { type Props, fieldValues } from "./values";

/** The input whose change reruns an action, or the update of a kind with `updateOnTriggers`. */
export const TRIGGERS = "triggers";

export async function runAction(def: KindDefinition, api: EngineApi, inputs: Props, options: LifecycleOptions = {}): Promise<{ id: string; outs: Props }> {
  const identity = identityOf(def, inputs);
  // The path segment an input chooses (a service's `restart`) is filled like the identity; the chosen
  // call names the schema method whose parameters go along.
  const call = chosenCall(def.create, def.pathChoice, identity[def.pathChoice?.param ?? ""] ?? "");
  const params = callParams(call, identity, fieldValues(def, inputs));
  const result = await api.request(call.method, fillPath(def.create.path, identity), params);
  if (typeof result !== "string" || !result.startsWith("UPID:")) {
    throw new Error(`${def.namespace}.${def.name}: PVE did not start a task (answer: ${JSON.stringify(result)})`);
  }
  try {
    const task = await api.waitForTask(result, taskWaitOptions(params, options.onLog));
    return { id: result, outs: { ...inputs, upid: result, exitStatus: task.exitstatus, warnings: task.warnings } };
  } catch (error) {
    // A task that failed did its damage and ended: the error stands. One we stopped watching
    // (timeout, lost connection) may still run: keep its UPID so the next run does not start it again.
    if (errorKind(error) === "task-failed") throw error;
    throw new PartialCreateError(`${def.namespace}.${def.name}: lost track of task ${result}: ${String(error)}`, result, { ...inputs, upid: result }, [String(error)]);
  }
}
