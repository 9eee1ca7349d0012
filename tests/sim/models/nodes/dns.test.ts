/** `/nodes/{node}/dns` against pve-manager `update_dns` and pve-common `update_etc_resolv_conf`. */
import { describe, expect, it } from "vitest";
import { fakeSim } from "../fake-context";
import { nodeModel } from ".";

const sim = () => fakeSim([nodeModel()]);
const dns = (s: ReturnType<typeof sim>) => s.call("GET", "/nodes/{node}/dns", { node: "pve1" });

describe("node DNS (resolv.conf)", () => {
  it("rewrites the name servers from the request alone: a dnsN left out is gone", async () => {
    const s = sim();
    await s.call("PUT", "/nodes/{node}/dns", { node: "pve1", search: "corp.lan", dns1: "10.0.0.53", dns2: "10.0.0.54", dns3: "10.0.0.55" });
    expect(await dns(s)).toEqual({ search: "corp.lan", dns1: "10.0.0.53", dns2: "10.0.0.54", dns3: "10.0.0.55" });
    await s.call("PUT", "/nodes/{node}/dns", { node: "pve1", search: "corp.lan", dns1: "10.0.0.99" });
    expect(await dns(s)).toEqual({ search: "corp.lan", dns1: "10.0.0.99" });
  });

  it("skips duplicates and 0.0.0.0, and numbers the servers in file order (a gap closes up)", async () => {
    const s = sim();
    await s.call("PUT", "/nodes/{node}/dns", { node: "pve1", search: "corp.lan", dns1: "10.0.0.53", dns2: "10.0.0.53", dns3: "10.0.0.55" });
    expect(await dns(s)).toEqual({ search: "corp.lan", dns1: "10.0.0.53", dns2: "10.0.0.55" });
    await s.call("PUT", "/nodes/{node}/dns", { node: "pve1", search: "corp.lan", dns1: "0.0.0.0", dns3: "10.0.0.55" });
    expect(await dns(s)).toEqual({ search: "corp.lan", dns1: "10.0.0.55" });
    expect(s.locks).toContain("/etc/resolv.conf.lock");
  });
});
