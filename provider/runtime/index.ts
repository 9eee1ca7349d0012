/**
 * The stable runtime entry point (`@naas/pulumi-proxmox/runtime`). Serialized providers in every
 * Pulumi state call these functions by kind name, possibly years after they were written: never
 * rename or remove an export here, and keep accepting every argument shape old shims pass.
 */
import { definitionOf } from "../../schema/definitions";
import * as engine from "../engine";
import type { Props } from "../engine";
import type { ConfigSource } from "./credentials";
import { currentClient, setConfig } from "./connection";

/** Runtime contract version, bumped only with a compatible shim for old states. */
export const RUNTIME_VERSION = 1;

function withoutProvider(props: Props | undefined): Props {
  const { [engine.PROVIDER_KEY]: _provider, ...rest } = props ?? {};
  return rest;
}

function progress(kind: string, id: string): (line: string) => void {
  // Plugin stdout is what the Pulumi CLI shows while a step runs.
  return (line) => console.log(`[${kind} ${id}] ${line}`);
}

/** Called once per provider by the host with the stack config (`proxmox:*`). */
export function configure(req: { config?: ConfigSource } | undefined): void {
  setConfig(req?.config);
}

export async function check(kind: string, _olds: Props, news: Props): Promise<engine.CheckResult> {
  const def = definitionOf(kind);
  const clean = withoutProvider(news);
  const result = engine.check(def, clean);
  if (result.failures.length === 0 && engine.hasRemoteCheck(def)) result.failures.push(...(await remoteFailures(def, clean)));
  return { inputs: { ...news, ...result.inputs }, failures: result.failures };
}

/**
 * Checks against the connected PVE. Without a connection (no credentials in a preview, PVE
 * unreachable) they cannot conclude and are skipped: the apply reports what PVE says.
 */
async function remoteFailures(def: ReturnType<typeof definitionOf>, inputs: Props): Promise<engine.CheckFailure[]> {
  let client: ReturnType<typeof currentClient>;
  try {
    client = currentClient();
  } catch {
    return [];
  }
  try {
    return await engine.checkRemote(def, client, inputs);
  } catch (error) {
    if (engine.errorKind(error) === "unreachable") return [];
    throw error;
  }
}

/** What `diff` answers Pulumi's dynamic-provider host. */
export interface DiffAnswer {
  /** true: changes; false: none; undefined: changes the engine should find by diffing the inputs. */
  changes: boolean | undefined;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** The changed properties and how each differs (for hosts that forward them). */
  diffs: string[];
  detailedDiff: Record<string, engine.PropertyDiff>;
}

/**
 * The host forwards only `changes`, `replaces` and `deleteBeforeReplace` (cmd/dynamic-provider
 * `diff`); it drops the per-property diffs, so with `changes: true` the engine would know no
 * changed key: `replaceOnChanges` would be ignored and refresh and preview would list no fields.
 * So when the inputs show every change, `changes` is left unknown and the engine diffs the old and
 * new inputs itself, per property, as it does for a provider without a diff (step_generator.go
 * `diffResource`); our replaces still count. Only a change the inputs cannot show (a one-time
 * secret known to be lost) answers `true`.
 */
export async function diff(kind: string, _id: string, olds: Props, news: Props): Promise<DiffAnswer> {
  const result = engine.diff(definitionOf(kind), withoutProvider(olds), withoutProvider(news));
  const changes = !result.changes ? false : result.outputsOnly.length > 0 ? true : undefined;
  return { changes, replaces: result.replaces, deleteBeforeReplace: result.deleteBeforeReplace, diffs: result.changed, detailedDiff: result.detailedDiff };
}

export async function create(kind: string, inputs: Props): Promise<{ id: string; outs: Props }> {
  const def = definitionOf(kind);
  const clean = withoutProvider(inputs);
  const id = engine.formatId(def, engine.identityOf(def, clean));
  try {
    return await engine.create(def, currentClient(), clean, { onLog: progress(kind, id) });
  } catch (error) {
    throw withProvider(error, inputs);
  }
}

/**
 * The host stores a partial failure's properties as they are: without `__provider`, the recorded
 * resource could never be refreshed or deleted.
 */
function withProvider(error: unknown, inputs: Props): unknown {
  if (!(error instanceof engine.PartialCreateError)) return error;
  return new engine.PartialCreateError(error.message, error.id, { ...error.properties, [engine.PROVIDER_KEY]: inputs[engine.PROVIDER_KEY] }, error.reasons);
}

export async function read(kind: string, id: string, props: Props): Promise<engine.ReadResult> {
  return engine.read(definitionOf(kind), currentClient(), id, withoutProvider(props));
}

export async function update(kind: string, id: string, olds: Props, news: Props): Promise<{ outs: Props }> {
  try {
    return await engine.update(definitionOf(kind), currentClient(), withoutProvider(olds), withoutProvider(news), { onLog: progress(kind, id) });
  } catch (error) {
    throw withProvider(error, news);
  }
}

/** `delete` in the provider contract; named `remove` because `delete` is a keyword. */
export async function remove(kind: string, id: string, props: Props): Promise<void> {
  await engine.remove(definitionOf(kind), currentClient(), id, withoutProvider(props), { onLog: progress(kind, id) });
}
