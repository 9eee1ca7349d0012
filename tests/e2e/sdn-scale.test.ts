/**
 * One deployment of 10 zones, 20 vnets and 40 subnets: everything is applied (nothing pending on
 * the simulator) with a small number of reloads, bounded by the dependency depth, not by the
 * number of resources. Counts, never time.
 */
import { describe, expect, it } from "vitest";
import type { ProxmoxClient } from "../../provider/client";
import { type Declared, newStack, stepsOf } from "./harness";
import { nothingPending } from "./sdn-scenarios";

async function reloads(admin: ProxmoxClient): Promise<number> {
  const tasks = await admin.get<unknown[]>("/nodes/pve1/tasks", { typefilter: "reloadnetworkall", limit: 1000 });
  return tasks.length;
}

function topology(): Declared[] {
  const resources: Declared[] = [];
  for (let z = 0; z < 10; z++) resources.push({ namespace: "sdn", kind: "Zone", name: `z${z}`, args: { zone: `zone${z}`, type: "simple" } });
  for (let v = 0; v < 20; v++) {
    const z = v % 10;
    resources.push({ namespace: "sdn", kind: "Vnet", name: `v${v}`, args: { vnet: `vnet${v}`, zone: `zone${z}` }, dependsOn: [`z${z}`] });
  }
  for (let s = 0; s < 40; s++) {
    const v = s % 20;
    const cidr = `10.${v}.${Math.floor(s / 20)}.0/24`;
    resources.push({ namespace: "sdn", kind: "Subnet", name: `s${s}`, args: { vnet: `vnet${v}`, cidr }, dependsOn: [`v${v}`] });
  }
  return resources;
}

describe("SDN at scale", () => {
  it("10 zones, 20 vnets and 40 subnets: applied, nothing pending, one reload per dependency level", async () => {
    const stack = await newStack("sdn-scale");
    try {
      const resources = topology();
      const created = await stack.up(resources);
      expect(created.ok, created.steps.map((s) => s.error ?? "").join("\n")).toBe(true);
      expect(stepsOf(created).filter((s) => s.startsWith("create"))).toHaveLength(70);
      await nothingPending(stack.admin);
      const running = await stack.admin.get<unknown[]>("/cluster/sdn/vnets/vnet7/subnets", { running: 1 });
      expect(running).toHaveLength(2);
      const afterCreate = await reloads(stack.admin);
      // Three dependency levels (zones → vnets → subnets): one apply each; a noisy machine may split a wave once.
      console.log(`SDN scale: ${afterCreate} reload tasks for 70 resources`);
      expect(afterCreate).toBeGreaterThanOrEqual(3);
      expect(afterCreate).toBeLessThanOrEqual(6);

      expect(stepsOf(await stack.preview(resources)).every((s) => s.startsWith("same"))).toBe(true);
      expect(await reloads(stack.admin), "a no-op preview applies nothing").toBe(afterCreate);

      const destroyed = await stack.destroy(resources);
      expect(destroyed.ok).toBe(true);
      await nothingPending(stack.admin);
      expect(await stack.admin.get<unknown[]>("/cluster/sdn/zones", { running: 1 })).toEqual([]);
      const forDestroy = (await reloads(stack.admin)) - afterCreate;
      console.log(`SDN scale: ${forDestroy} reload tasks to destroy 70 resources`);
      expect(forDestroy).toBeGreaterThanOrEqual(3);
      expect(forDestroy).toBeLessThanOrEqual(6);
    } finally {
      await stack.close();
    }
  }, 300_000);
});
