/**
 * VMIDs without races. `/cluster/nextid` reserves nothing (pve-manager `API2/Cluster.pm`), so two
 * creates asking at once get the same id. This process never hands one id to two of its creates
 * at a time, and a create that meets "already exists" (another client took the id) tries the next
 * free one: a VM create is refused synchronously (`create_and_lock_config`), a clone synchronously
 * when the id is taken on the same node and in its task when it is taken on another node.
 */
import type { EngineApi } from "../../api";

/** Ids this process's creates are trying right now. */
const inFlight = new Set<number>();

/** How often a create tries another id before it gives up (each try means another client took one). */
const MAX_TRIES = 25;

/** PVE's words for a VMID that is taken: create, clone (same node), and `check_vmid_unused` (another node). */
export function isVmidTaken(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /(?:VM|CT) \d+ already exists|config file already exists/.test(message);
}

/** The lowest id from `start` that this process is not trying and has not seen taken. */
function firstFree(start: number, taken: ReadonlySet<number>): number {
  let id = start;
  while (inFlight.has(id) || taken.has(id)) id += 1;
  return id;
}

/**
 * Runs `attempt` with the given VMID, or with one allocated from the cluster's next free id; an
 * allocated id that turns out taken is replaced by the next free one (logged), a given one is not.
 */
export async function withVmid<T>(
  api: EngineApi,
  given: number | undefined,
  attempt: (vmid: number) => Promise<T>,
  onLog?: (line: string) => void,
): Promise<T> {
  if (given !== undefined) return attempt(given);
  const taken = new Set<number>();
  for (let tries = 1; ; tries += 1) {
    const next = Number(await api.request<string | number>("GET", "/cluster/nextid"));
    const vmid = firstFree(next, taken);
    inFlight.add(vmid);
    try {
      return await attempt(vmid);
    } catch (error) {
      if (!isVmidTaken(error) || tries >= MAX_TRIES) throw error;
      taken.add(vmid);
      onLog?.(`VMID ${vmid} was taken by someone else meanwhile; trying the next free one`);
    } finally {
      inFlight.delete(vmid);
    }
  }
}
