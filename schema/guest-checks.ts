/**
 * The preview checks VMs and containers share, each asking the connected PVE what the apply would
 * meet: keys only `root@pam` may set (refused for an API token or another user, but only where the
 * write would change PVE's value, so that a guest root set up keeps working under a deploy token),
 * volumes on a storage the node lacks or one without the guest type's content, and clone sources
 * that do not exist or a linked clone's target storage.
 */
import type { SdkObject } from "./codecs";
import type { CheckFailure, HookApi } from "./hooks";
import { type Props, isSet } from "./props";

/** A guest type's path segment and the words PVE uses for it. */
export interface GuestKindFacts {
  readonly type: "qemu" | "lxc";
  /** `VM` or `CT`, as PVE names the guest in its messages. */
  readonly label: string;
  /** The storage content a guest's volumes need: `images` for VMs, `rootdir` for containers. */
  readonly content: "images" | "rootdir";
}

/** A setting only root@pam may make: where it is, which config key it writes, and PVE's reason. */
export interface RootOnlyKey {
  readonly property: string;
  readonly key: string;
  readonly why: string;
}

/** The entries of a map-valued input (a family's slots), as the program gives them. */
export function entriesOf(news: Props, sdkName: string): Array<[string, unknown]> {
  const value = news[sdkName];
  return typeof value === "object" && value !== null && !Array.isArray(value) ? Object.entries(value) : [];
}

/** The slots of a family whose entries are property-string objects. */
export function objectSlots(news: Props, sdkName: string): Array<[string, SdkObject]> {
  return entriesOf(news, sdkName).filter((entry): entry is [string, SdkObject] => typeof entry[1] === "object" && entry[1] !== null);
}

/** The guest's config as PVE has it, when it exists (a new guest has none). */
export async function currentConfig(api: HookApi, facts: GuestKindFacts, news: Props): Promise<Readonly<Record<string, unknown>> | undefined> {
  const { node, vmid } = news;
  if (typeof node !== "string" || typeof vmid !== "number") return undefined;
  try {
    return await api.request<Record<string, unknown>>("GET", `/nodes/${node}/${facts.type}/${vmid}/config`);
  } catch {
    return undefined;
  }
}

/** True when the requests are made as root@pam with a password login (never a token). */
export function callsAsRoot(api: HookApi): boolean {
  const caller = api.caller();
  return caller === undefined || (caller.userid === "root@pam" && !caller.token);
}

/** Root-only settings a non-root caller would write, refused with PVE's reason and who the caller is. */
export function rootOnlyFailures(api: HookApi, keys: readonly RootOnlyKey[], config: Readonly<Record<string, unknown>> | undefined): CheckFailure[] {
  const caller = api.caller();
  if (!caller || callsAsRoot(api)) return [];
  const who = caller.token ? `an API token (${caller.userid}'s)` : caller.userid;
  return keys
    .filter(({ key }) => config?.[key] === undefined)
    .map(({ property, why }) => ({
      property,
      reason: `PVE refuses it: ${why}, and these requests are made as ${who}; set it as root@pam with a password login, or leave it out`,
    }));
}

/** One storage of `GET /nodes/{node}/storage`. */
interface NodeStorage {
  readonly storage: string;
  readonly content?: string;
  readonly enabled?: number;
}

/** Volumes (property path, storage) on a storage the node lacks, or one without the guest type's content. */
export async function storageFailures(
  api: HookApi,
  facts: GuestKindFacts,
  node: unknown,
  wanted: ReadonlyArray<{ property: string; storage: string }>,
): Promise<CheckFailure[]> {
  if (typeof node !== "string" || wanted.length === 0) return [];
  const storages = await api.request<NodeStorage[]>("GET", `/nodes/${node}/storage`);
  const what = facts.content === "images" ? "VM disks" : "container volumes";
  return wanted.flatMap(({ property, storage }) => {
    const found = storages.find((entry) => entry.storage === storage);
    if (!found) return [{ property, reason: `storage '${storage}' does not exist on node '${node}'` }];
    if (found.enabled === 0) return [{ property, reason: `storage '${storage}' is disabled` }];
    if (!(found.content ?? "").split(",").includes(facts.content))
      return [{ property, reason: `storage '${storage}' does not hold ${what} (its content is '${found.content ?? ""}', without '${facts.content}')` }];
    return [];
  });
}

/** One guest of `/cluster/resources?type=vm`. */
interface GuestEntry {
  readonly vmid: number;
  readonly node: string;
  readonly type: string;
  readonly template?: number;
}

/** A clone source that does not exist (or is on another node), and the target storage or format of a linked clone. */
export async function cloneFailures(api: HookApi, facts: GuestKindFacts, news: Props): Promise<CheckFailure[]> {
  const clone = news["clone"] as SdkObject | undefined;
  if (!clone || typeof clone["vmid"] !== "number") return [];
  const guests = await api.request<GuestEntry[]>("GET", "/cluster/resources", { type: "vm" });
  const source = guests.find((entry) => entry.vmid === clone["vmid"] && entry.type === facts.type);
  if (!source) return [{ property: "clone.vmid", reason: `there is no ${facts.label} ${String(clone["vmid"])} in the cluster to clone` }];
  if (typeof clone["node"] === "string" && clone["node"] !== source.node)
    return [{ property: "clone.node", reason: `${facts.label} ${source.vmid} is on node '${source.node}', not '${clone["node"]}'` }];
  // PVE's default: a template is cloned linked, anything else in full (`clone_vm`).
  const full = typeof clone["full"] === "boolean" ? clone["full"] : source.template !== 1;
  if (full) return [];
  return linkedCloneFailures(clone);
}

/** A linked clone stays on its template's storage: `storage` and `format` need a full clone. */
export function linkedCloneFailures(clone: SdkObject): CheckFailure[] {
  return ["storage", "format"]
    .filter((key) => isSet(clone[key]))
    .map((key) => ({
      property: `clone.${key}`,
      reason: `a linked clone stays on its template's storage: '${key}' needs \`full: true\` (PVE refuses it otherwise)`,
    }));
}

/** The local checks every guest shares: one source, and a template that does not run. */
export function guestSourceFailures(news: Props, restoreInput: string): CheckFailure[] {
  const failures: CheckFailure[] = [];
  if (isSet(news["clone"]) && isSet(news[restoreInput]))
    failures.push({ property: "clone", reason: "a guest is cloned or restored from an archive, not both" });
  if (news["template"] === true && news["started"] === true)
    failures.push({ property: "started", reason: "a template cannot run: leave `started` out or false" });
  const clone = news["clone"] as SdkObject | undefined;
  if (clone?.["full"] === false) failures.push(...linkedCloneFailures(clone));
  return failures;
}
