/**
 * `adopt: true`: the way to bring an object that already exists on PVE under a stack. Pulumi's
 * `import` (the resource option and `pulumi import`) cannot reach a dynamic provider: the engine's
 * import Read carries only the id, without the serialized provider the Node.js host needs to load
 * any code (tests/cli/import.test.ts shows the real CLI's answer). With `adopt`, a create first
 * looks for its object: when it is there, the create takes it over and converges it to the program
 * (the fields the program sets are written where they differ) instead of failing on "already
 * exists". Without the object, it is an ordinary create. Once in the state, `adopt` changes nothing.
 */
import { takesAdopt, type KindDefinition } from "../../schema/define";
import type { Props } from "./values";

/** The input that asks a create to adopt an existing object. */
export const ADOPT = "adopt";

/** Whether these inputs ask to adopt (the kind must take `adopt`). */
export function wantsAdopt(def: KindDefinition, inputs: Props): boolean {
  return takesAdopt(def) && inputs[ADOPT] === true;
}
