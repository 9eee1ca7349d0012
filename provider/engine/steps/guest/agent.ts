/**
 * A running VM's IP addresses, as its QEMU guest agent reports them
 * (`GET .../agent/network-get-interfaces`). Asked only after a create or an update, within the
 * program's `agentWaitSeconds` (one try when 0), never on a refresh or a preview: an agent that does
 * not answer ("QEMU guest agent is not running", qemu-server `QemuServer/Agent.pm`) only means
 * "not yet", and waiting on it is what makes peers' plans take minutes.
 */
import type { CollectionDefinition } from "../../../../schema/define";
import { guestPath } from "../../../../schema/guest";
import type { Identity } from "../../../../schema/props";
import type { EngineApi } from "../../api";
import { fillPath } from "../../identity";
import type { LifecycleOptions } from "../../options";
import { guestOf } from "./state";

/** One interface of `guest-network-get-interfaces`. */
interface AgentInterface {
  readonly name?: string;
  readonly "ip-addresses"?: ReadonlyArray<{ readonly "ip-address"?: string; readonly "ip-address-type"?: string }>;
}

/** The addresses the guest has, without loopback and link-local ones, in the agent's order. */
export function addressesOf(interfaces: readonly AgentInterface[]): string[] {
  return interfaces
    .filter((entry) => entry.name !== "lo")
    .flatMap((entry) => entry["ip-addresses"] ?? [])
    .map((address) => address["ip-address"] ?? "")
    .filter((address) => address !== "" && !address.startsWith("127.") && address !== "::1" && !address.toLowerCase().startsWith("fe80:"));
}

/** Asks the agent for the VM's addresses, trying for up to `waitSeconds`; undefined when it did not answer with any. */
export async function agentAddresses(
  def: CollectionDefinition,
  api: EngineApi,
  identity: Identity,
  waitSeconds: number,
  options: LifecycleOptions,
): Promise<string[] | undefined> {
  const path = fillPath(guestPath(guestOf(def), "agent/network-get-interfaces"), identity);
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    try {
      const answer = await api.request<{ result?: AgentInterface[] }>("GET", path);
      const addresses = addressesOf(answer.result ?? []);
      if (addresses.length > 0) return addresses;
    } catch {
      // Not running yet, or not installed: the answer is the same until the deadline.
    }
    if (Date.now() >= deadline) {
      options.onLog?.(`the guest agent reported no IP address${waitSeconds > 0 ? ` within ${waitSeconds} s` : ""}; ipAddresses stays as it was`);
      return undefined;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
