/**
 * Pulumi's partial create: once PVE has taken a create's first write, every later failure keeps the
 * object in state with its id, so that the next `up` converges it instead of failing with "already
 * exists". A lost create answer is read again, and one-time secrets it carried are issued again.
 */
import type { CollectionDefinition, ReadableDefinition } from "../../../schema/define";
import { type Identity, type Props, type WireParams, isSet } from "../../../schema/props";
import { type EngineApi, errorKind } from "../api";
import { callParams } from "../calls";
import { StagedApplyError } from "../commit";
import { hooksOf } from "../hook-kit";
import { formatId, identityOf } from "../identity";
import { type LifecycleOptions, label, reason } from "../options";
import { PartialCreateError } from "../partial";
import { outputsFrom, readRaw } from "./read-back";
import { confirmValues } from "./removal";
import { write } from "./write";

/** The outputs only a create's answer carries (a token's value). */
export function createOutputs(def: ReadableDefinition, response: unknown): Props {
  const outs: Props = {};
  if (typeof response !== "object" || response === null) return outs;
  for (const [sdkName, output] of Object.entries(def.outputs ?? {})) {
    const value = (response as Record<string, unknown>)[output.pveName];
    if (output.fromCreate && isSet(value)) outs[sdkName] = value;
  }
  return outs;
}

/**
 * The rest of a create whose first write PVE took: `followUp` (the fields only the update call
 * carries), then the read-back. From here on the object exists, so a failure keeps it (see
 * {@link keepCreated}).
 */
export async function completeCreate(
  def: ReadableDefinition,
  api: EngineApi,
  managed: Props,
  followUp: (identity: Identity) => Promise<void>,
): Promise<{ id: string; outs: Props }> {
  // Parts of the identity PVE assigns (a TFA entry's id) come with the create response.
  const identity = identityOf(def, managed);
  const id = formatId(def, identity);
  let raw: Record<string, unknown> | undefined;
  try {
    await followUp(identity);
    raw = await readRaw(def, api, identity);
  } catch (error) {
    throw await keepCreated(def, api, identity, managed, error);
  }
  if (!raw) throw new Error(`${label(def, id)} was created, but PVE does not return it`);
  return { id, outs: outputsFrom(def, identity, raw, managed) };
}

/**
 * A create failed after PVE had taken its first write (a follow-up write, an apply, the read-back):
 * the object is read again. There: a partial create, so that Pulumi keeps it with its id and the
 * next `up` converges it. Gone (a staged edit rolled back): the error stands. Unreadable: PVE took
 * the create, so the object is kept; a refresh will tell.
 */
async function keepCreated(def: ReadableDefinition, api: EngineApi, identity: Identity, managed: Props, error: unknown): Promise<unknown> {
  const id = formatId(def, identity);
  let raw: Record<string, unknown> | undefined;
  try {
    raw = await readRaw(def, api, identity);
  } catch (readError) {
    return new PartialCreateError(`${label(def, id)} was created, but ${reason(error)}; reading it back failed: ${reason(readError)}`, id, managed, [
      String(error),
    ]);
  }
  if (!raw) return error;
  return new PartialCreateError(`${label(def, id)} was created, but ${reason(error)}`, id, outputsFrom(def, identity, raw, managed), [String(error)]);
}

/** The create's answer was lost (596, a reset connection, a timeout): pveproxy often carries on without the client. */
function answerLost(error: unknown): boolean {
  const kind = errorKind(error);
  return kind === "unreachable" || kind === "timeout";
}

/** Outputs PVE shows only in the create's answer and that are secret (a token's value, recovery keys). */
function oneTimeSecrets(def: ReadableDefinition): string[] {
  return Object.entries(def.outputs ?? {})
    .filter(([, output]) => output.fromCreate && output.secret)
    .map(([sdkName]) => sdkName);
}

/**
 * The first write of a create failed. If PVE may have taken it anyway (its answer was lost, or
 * the apply that covers a staged write failed after PVE accepted it), the object is read again:
 * there, it is kept (a partial create) and its lost one-time secrets are issued again; gone, the
 * error stands.
 */
export async function afterFailedWrite(
  def: CollectionDefinition,
  api: EngineApi,
  inputs: Props,
  params: WireParams,
  error: unknown,
  options: LifecycleOptions,
): Promise<unknown> {
  const lost = answerLost(error);
  if (!(lost || error instanceof StagedApplyError)) return error;
  const identity = { ...identityOf(def, inputs), ...hooksOf(def).assignedIdentity?.(inputs) };
  const raw = await readRaw(def, api, identity).catch(() => undefined);
  if (!raw) return error;
  const id = formatId(def, identity);
  const why = lost ? `PVE's answer was lost (${reason(error)})` : reason(error);
  const secrets = oneTimeSecrets(def);
  if (!lost || secrets.length === 0) return keepCreated(def, api, identity, inputs, new Error(why));
  try {
    const issued = await reissueSecrets(def, api, identity, inputs, params, options);
    return keepCreated(def, api, identity, { ...inputs, ...issued }, new Error(why));
  } catch (reissueError) {
    // Null marks a secret that is known to be lost (an import never had it): the next diff replaces the object.
    const lostSecrets = Object.fromEntries(secrets.map((name) => [name, null]));
    return new PartialCreateError(
      `${label(def, id)} was created, but ${why}, and its one-time ${secrets.join(", ")} could not be issued again (${reason(reissueError)}): the next update replaces it`,
      id,
      { ...outputsFrom(def, identity, raw, inputs), ...lostSecrets },
      [why],
    );
  }
}

/**
 * Issues again the one-time secrets a lost create answer carried: with the kind's `reissue` call
 * (a token's `regenerate`), or by deleting the object and creating it again. Says so in the log:
 * whoever held the lost secret (nobody, normally) can no longer use it.
 */
async function reissueSecrets(
  def: CollectionDefinition,
  api: EngineApi,
  identity: Identity,
  inputs: Props,
  params: WireParams,
  options: LifecycleOptions,
): Promise<Props> {
  const secrets = oneTimeSecrets(def).join(", ");
  if (def.reissue) {
    const response = await write(def, api, def.reissue, identity, callParams(def, def.reissue, identity, []), options);
    options.onLog?.(`PVE's answer to the create was lost, and with it the ${secrets} it shows only once: issued a new one (the lost one no longer works)`);
    return createOutputs(def, response);
  }
  if (!def.remove) throw new Error(`${def.key} cannot be deleted to create it again`);
  await write(def, api, def.remove, identity, callParams(def, def.remove, identity, confirmValues(def, inputs)), options);
  const response = await write(def, api, def.create, identity, params, options);
  options.onLog?.(`PVE's answer to the create was lost, and with it the ${secrets} it shows only once: deleted the new object and created it again`);
  return createOutputs(def, response);
}
