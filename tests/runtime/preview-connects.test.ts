// A preview a pull-request check can trust: `check` connects (one version probe per provider) and
// fails naming the setting to fix; it refuses a node the cluster does not have and a new resource
// whose id PVE already has, before anything is written.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProxmoxClient } from "../../provider/client";
import * as runtime from "../../provider/runtime";
import { startSimulator, type Simulator } from "../sim";

let sim: Simulator;
const TOKEN = "root@pam!ci=aaaaaaaa-0000-4000-8000-000000000001";

/** Points the runtime at `sim` through stack config, as `pulumi config set proxmox:*` does. */
function use(settings: Record<string, string | undefined>): void {
  runtime.configure({ config: { get: (key) => settings[key] } });
}

function good(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { "proxmox:endpoint": sim.endpoint, "proxmox:apiToken": TOKEN, "proxmox:fingerprint": sim.fingerprint, ...extra };
}

/** Answered probes (a refused one of an earlier test may be recorded late: the server logs a request when its response is sent). */
const versionProbes = (): number => sim.requests.filter((r) => r.method === "GET" && r.path === "/version" && r.status === 200).length;
const writes = (): number => sim.requests.filter((r) => r.method !== "GET").length;

beforeAll(async () => {
  sim = await startSimulator({ nodes: 2, apiToken: TOKEN, authFailureDelayMs: 0 });
  const admin = new ProxmoxClient({ endpoint: sim.endpoint, apiToken: TOKEN, fingerprint: sim.fingerprint });
  await admin.post("/access/groups", { groupid: "taken" });
  admin.close();
});
afterAll(async () => {
  runtime.configure(undefined);
  delete process.env["PROXMOX_VE_ENDPOINT"];
  delete process.env["PROXMOX_VE_API_TOKEN"];
  delete process.env["PROXMOX_VE_FINGERPRINT"];
  await sim?.close();
});

describe("check connects to PVE and names the setting to fix", () => {
  it("refuses a wrong API token as proxmox:apiToken, without the secret", async () => {
    const wrong = "root@pam!ci=bbbbbbbb-0000-4000-8000-00000000dead";
    use(good({ "proxmox:apiToken": wrong }));
    const failure = runtime.check("access:Group", {}, { groupId: "ops" });
    await expect(failure).rejects.toThrow(/^proxmox:apiToken was refused by https:\/\/[^ ]+ \(GET \/version: Authentication failed!\): check the credentials/);
    await expect(failure).rejects.not.toThrow(/bbbbbbbb-0000-4000-8000-00000000dead/);
  });

  it("refuses a malformed fingerprint as proxmox:fingerprint", async () => {
    use(good({ "proxmox:fingerprint": "AB:CD" }));
    await expect(runtime.check("access:Group", {}, { groupId: "ops" })).rejects.toThrow(/^proxmox:fingerprint must be a SHA-256 fingerprint/);
  });

  it("refuses a fingerprint the node does not present, saying which one it presents", async () => {
    const other = Array.from({ length: 32 }, () => "AB").join(":");
    use(good({ "proxmox:fingerprint": other }));
    const failure = runtime.check("access:Group", {}, { groupId: "ops" });
    await expect(failure).rejects.toThrow(/^proxmox:fingerprint does not match the certificate/);
    await expect(failure).rejects.toThrow(sim.fingerprint);
  });

  it("on a self-signed node without a fingerprint, says to set proxmox:fingerprint and prints the node's", async () => {
    use(good({ "proxmox:fingerprint": undefined }));
    const failure = runtime.check("access:Group", {}, { groupId: "ops" });
    await expect(failure).rejects.toThrow(`set proxmox:fingerprint to ${sim.fingerprint}`);
    await expect(failure).rejects.not.toThrow(/use-system-ca/);
  });

  it("refuses an endpoint nothing answers on as proxmox:endpoint", async () => {
    use(good({ "proxmox:endpoint": "https://127.0.0.1:1" }));
    await expect(runtime.check("access:Group", {}, { groupId: "ops" })).rejects.toThrow(/^cannot reach proxmox:endpoint https:\/\/127\.0\.0\.1:1/);
  });

  it("names the environment variable when the connection comes from the environment", async () => {
    runtime.configure({ config: { get: () => undefined } });
    process.env["PROXMOX_VE_ENDPOINT"] = sim.endpoint;
    process.env["PROXMOX_VE_FINGERPRINT"] = sim.fingerprint;
    process.env["PROXMOX_VE_API_TOKEN"] = "root@pam!ci=cccccccc-0000-4000-8000-00000000dead";
    await expect(runtime.check("access:Group", {}, { groupId: "ops" })).rejects.toThrow(/^PROXMOX_VE_API_TOKEN was refused/);
    delete process.env["PROXMOX_VE_FINGERPRINT"];
    delete process.env["PROXMOX_VE_ENDPOINT"];
    delete process.env["PROXMOX_VE_API_TOKEN"];
  });

  it("asks /version once per provider however many resources it checks", async () => {
    // A setting of its own, so that this provider's client is new.
    use(good({ "proxmox:endpoint": sim.endpoint.replace("127.0.0.1", "localhost") }));
    const before = versionProbes();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => runtime.check("access:Group", {}, { groupId: `g${i}` })));
    expect(results.flatMap((r) => r.failures)).toEqual([]);
    expect(versionProbes() - before).toBe(1);
  });
});

describe("check refuses what PVE would, before anything is written", () => {
  it("a node the cluster does not have, naming its nodes", async () => {
    use(good());
    const before = writes();
    const result = await runtime.check("node:Dns", {}, { node: "pve9", search: "example.com" });
    expect(result.failures).toEqual([{ property: "node", reason: "'pve9' is not a node of this cluster (its nodes: pve1, pve2)" }]);
    expect((await runtime.check("node:Dns", {}, { node: "pve2", search: "example.com" })).failures).toEqual([]);
    expect(writes()).toBe(before);
  });

  it("a new resource whose id PVE already has, saying how to adopt it", async () => {
    use(good());
    const result = await runtime.check("access:Group", {}, { groupId: "taken" });
    expect(result.failures).toEqual([
      { property: "groupId", reason: "access.Group 'taken' already exists on PVE: adopt it (set `adopt: true`), or choose another identity" },
    ]);
    // Adopting it is what the message asks for.
    expect((await runtime.check("access:Group", {}, { groupId: "taken", adopt: true })).failures).toEqual([]);
  });

  it("but not a resource in the state, nor its replacement's re-check without old inputs", async () => {
    use(good());
    expect((await runtime.check("access:Group", { groupId: "taken" }, { groupId: "taken", comment: "x" })).failures).toEqual([]);
    expect((await runtime.check("access:Group", {}, { groupId: "taken", comment: "x" })).failures).toEqual([]);
  });

  it("nor a built-in object, which declaring adopts", async () => {
    use(good());
    expect((await runtime.check("access:Realm", {}, { realm: "pam", type: "pam", comment: "Linux PAM" })).failures).toEqual([]);
  });
});
