/**
 * The checks of a plan against the objects already on the connected PVE, so that a preview fails
 * where the apply would, before a sibling is written: a node that is not in the cluster, and a new
 * resource whose identity an object on PVE already has. Both are cheap reads (the node listing once
 * per deployment, one read per new resource).
 */
import { type CollectionDefinition, type KindDefinition, takesAdopt } from "../../schema/define";
import type { CheckFailure } from "../../schema/hooks";
import { wantsAdopt } from "./adopt";
import type { EngineApi } from "./api";
import { formatId, identityOf, isBuiltin } from "./identity";
import { label } from "./options";
import { findRaw } from "./steps/read-back";
import { type Props, containsUnknown } from "./values";

/** What the front end knows about the plan of one resource. */
export interface ExistenceContext {
  /** The cluster's node names (the front end reads them once per deployment). */
  nodes(): Promise<readonly string[]>;
  /** True when the plan creates the resource (it has no state, and it is not a replacement of one with the same identity). */
  readonly isNew: boolean;
  /** How this front end takes over the object with this id (Pulumi: `adopt`; Terraform: an import), for the message. */
  takeOver(id: string): string;
}

/** The identity fields that name a node (PVE's `pve-node` format): they address `/nodes/{node}/...`. */
function nodeFields(def: KindDefinition): Array<{ pveName: string; sdkName: string }> {
  return def.identity.flatMap((pveName) => {
    const field = def.fieldsByPveName.get(pveName);
    return field && field.param.format === "pve-node" ? [{ pveName, sdkName: field.sdkName }] : [];
  });
}

/** Checks `inputs` (already valid locally) against what exists on PVE; unknown values are left to the apply. */
export async function checkExistence(def: KindDefinition, api: EngineApi, inputs: Props, context: ExistenceContext): Promise<CheckFailure[]> {
  const failures: CheckFailure[] = [];
  for (const { sdkName } of nodeFields(def)) {
    const value = inputs[sdkName];
    if (typeof value !== "string") continue;
    const nodes = await context.nodes();
    // PVE's proxy answers a request for an unknown node only with "hostname lookup failed" (595).
    if (nodes.length > 0 && !nodes.includes(value))
      failures.push({ property: sdkName, reason: `'${value}' is not a node of this cluster (its nodes: ${nodes.join(", ")})` });
  }
  if (failures.length > 0 || !context.isNew || def.lifecycle !== "collection" || !takenIdsMatter(def, inputs)) return failures;
  const identity = identityOf(def, inputs);
  let existing: Record<string, unknown> | undefined;
  try {
    existing = await findRaw(def, api, identity);
  } catch {
    // A read this token may not make (or a flaky one) proves nothing: the apply reports what PVE says.
    return failures;
  }
  if (existing) {
    const property = def.fieldsByPveName.get(def.identity[def.identity.length - 1] ?? "")?.sdkName ?? "id";
    const id = formatId(def, identity);
    failures.push({ property, reason: `${label(def, id)} already exists on PVE: ${context.takeOver(id)}, or choose another identity` });
  }
  return failures;
}

/** Whether a create of these inputs would be refused because the identity is taken. */
function takenIdsMatter(def: CollectionDefinition, inputs: Props): boolean {
  if (!takesAdopt(def)) return false;
  const takesExisting = def.createTakesExisting;
  if (takesExisting === true || (typeof takesExisting === "function" && takesExisting(inputs))) return false;
  if (wantsAdopt(def, inputs)) return false;
  const identityUnknown = def.identity.some((pveName) => containsUnknown(inputs[def.fieldsByPveName.get(pveName)?.sdkName ?? ""]));
  // A built-in object (the `pam` realm) is always there: declaring it adopts it.
  return !identityUnknown && !isBuiltin(def, identityOf(def, inputs));
}
