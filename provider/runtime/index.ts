/**
 * The stable runtime entry point (`@naas/pulumi-proxmox/runtime`). Serialized providers in every
 * Pulumi state call these functions by kind name, possibly years after they were written: never
 * rename or remove an export here, and keep accepting every argument shape old shims pass.
 */
import { definitionOf } from "../../schema/definitions";
import type { KindDefinition } from "../../schema/define";
import { cleanServerText } from "../client/sanitize";
import * as engine from "../engine";
import type { Props } from "../engine";
import { CLUSTER_KEY, type ClusterIdentity, assertSameCluster, clusterIdentity, clusterNodes, recordedCluster } from "./cluster";
import type { ConfigSource } from "./credentials";
import { clusterChangeAllowed, connectedClient, setConfig } from "./connection";
import { redactingApi, secretValues } from "./kind-secrets";

/** Runtime contract version, bumped only with a compatible shim for old states. */
export const RUNTIME_VERSION = 1;

/** The resource's own properties: without Pulumi's `__provider` and the recorded cluster. */
function ownProps(props: Props | undefined): Props {
  const { [engine.PROVIDER_KEY]: _provider, [CLUSTER_KEY]: _cluster, ...rest } = props ?? {};
  return rest;
}

function progress(kind: string, id: string): (line: string) => void {
  // Plugin stdout is what the Pulumi CLI shows while a step runs.
  return (line) => console.log(`[${kind} ${id}] ${line}`);
}

function label(def: KindDefinition, id: string): string {
  return `${def.namespace}.${def.name} '${id}'`;
}

/**
 * The client for one operation, as the engine sees it (redacting the kind's secrets found in
 * `props`), and the identity of the cluster it talks to. The identity is asked before anything
 * is written, so that a failure to learn it changes nothing.
 */
async function connect(def: KindDefinition, ...props: Props[]): Promise<{ api: engine.EngineApi; cluster: ClusterIdentity }> {
  const client = await connectedClient();
  const cluster = await clusterIdentity(client);
  return { api: redactingApi(client, secretValues(def, ...props)), cluster };
}

/** Refuses to touch a resource that its state records on another cluster (see `./cluster`). */
function guard(def: KindDefinition, id: string, recorded: Props | undefined, current: ClusterIdentity, what: string): void {
  assertSameCluster(recordedCluster(recorded), current, { what, resource: label(def, id), allowChange: clusterChangeAllowed() });
}

/** Called once per provider by the host with the stack config (`proxmox:*`). */
export function configure(req: { config?: ConfigSource } | undefined): void {
  setConfig(req?.config);
}

/**
 * Resources this provider process has seen with a state (`kind:id`). A replacement is checked a
 * second time without its old inputs (Pulumi re-checks a replacement as a create), and its object
 * still exists then: it is not a taken id.
 */
const managedHere = new Set<string>();

function managedKey(def: KindDefinition, inputs: Props): string {
  return `${def.key}:${engine.formatId(def, engine.identityOf(def, inputs))}`;
}

/** The message of a taken id: how a Pulumi program takes the object over. */
const takeOver = (): string => "adopt it (set `adopt: true`)";

export async function check(kind: string, olds: Props, news: Props): Promise<engine.CheckResult> {
  const def = definitionOf(kind);
  const clean = ownProps(news);
  const previous = ownProps(olds);
  const isNew = Object.keys(previous).length === 0;
  if (!isNew) managedHere.add(managedKey(def, previous));
  const result = engine.check(def, clean);
  if (result.failures.length === 0) result.failures.push(...(await remoteFailures(def, clean, isNew && !managedHere.has(managedKey(def, clean)))));
  return { inputs: { ...news, ...result.inputs }, failures: result.failures };
}

/**
 * Checks against the connected PVE, so that a preview fails where the apply would: the connection
 * itself (a refused token, an untrusted certificate: see `./preflight`), the nodes named, a new
 * resource's id already taken, and the kind's own remote checks.
 */
async function remoteFailures(def: KindDefinition, inputs: Props, isNew: boolean): Promise<engine.CheckFailure[]> {
  const client = await connectedClient();
  const api = redactingApi(client, secretValues(def, inputs));
  const failures = await engine.checkExistence(def, api, inputs, { nodes: () => clusterNodes(client), isNew, takeOver });
  if (failures.length === 0 && engine.hasRemoteCheck(def)) failures.push(...(await engine.checkRemote(def, api, inputs)));
  // Their reasons quote what PVE answered (a CA's terms URL, a node's repositories).
  return failures.map((failure) => ({ ...failure, reason: cleanServerText(failure.reason) }));
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
  const result = engine.diff(definitionOf(kind), ownProps(olds), ownProps(news));
  const changes = !result.changes ? false : result.outputsOnly.length > 0 ? true : undefined;
  return { changes, replaces: result.replaces, deleteBeforeReplace: result.deleteBeforeReplace, diffs: result.changed, detailedDiff: result.detailedDiff };
}

export async function create(kind: string, inputs: Props): Promise<{ id: string; outs: Props }> {
  const def = definitionOf(kind);
  const clean = ownProps(inputs);
  const id = engine.formatId(def, engine.identityOf(def, clean));
  const { api, cluster } = await connect(def, clean);
  try {
    const created = await engine.create(def, api, clean, { onLog: progress(kind, id) });
    return { id: created.id, outs: { ...created.outs, [CLUSTER_KEY]: cluster } };
  } catch (error) {
    throw withProvider(error, inputs, cluster);
  }
}

/**
 * The host stores a partial failure's properties as they are: without `__provider`, the recorded
 * resource could never be refreshed or deleted; without the cluster, never guarded.
 */
function withProvider(error: unknown, inputs: Props, cluster: ClusterIdentity): unknown {
  if (!(error instanceof engine.PartialCreateError)) return error;
  return new engine.PartialCreateError(
    error.message,
    error.id,
    { ...error.properties, [CLUSTER_KEY]: cluster, [engine.PROVIDER_KEY]: inputs[engine.PROVIDER_KEY] },
    error.reasons,
  );
}

/** Refresh (`props` are the recorded outputs) or import (`props` are the program's inputs). */
export async function read(kind: string, id: string, props: Props): Promise<engine.ReadResult> {
  const def = definitionOf(kind);
  const clean = ownProps(props);
  const { api, cluster } = await connect(def, clean);
  guard(def, id, props, cluster, "refresh");
  managedHere.add(`${def.key}:${id}`);
  const found = await engine.read(def, api, id, clean);
  // A state without a recorded cluster (written by an older version) adopts the connected one.
  return found.id === "" ? found : { ...found, props: { ...found.props, [CLUSTER_KEY]: cluster } };
}

export async function update(kind: string, id: string, olds: Props, news: Props): Promise<{ outs: Props }> {
  const def = definitionOf(kind);
  const [oldProps, newProps] = [ownProps(olds), ownProps(news)];
  const { api, cluster } = await connect(def, oldProps, newProps);
  guard(def, id, olds, cluster, "update");
  try {
    const updated = await engine.update(def, api, oldProps, newProps, { onLog: progress(kind, id) });
    return { outs: { ...updated.outs, [CLUSTER_KEY]: cluster } };
  } catch (error) {
    throw withProvider(error, news, cluster);
  }
}

/** `delete` in the provider contract; named `remove` because `delete` is a keyword. */
export async function remove(kind: string, id: string, props: Props): Promise<void> {
  const def = definitionOf(kind);
  const clean = ownProps(props);
  const { api, cluster } = await connect(def, clean);
  guard(def, id, props, cluster, "delete");
  await engine.remove(def, api, id, clean, { onLog: progress(kind, id) });
}
