/** Data sources leave secret fields out of their result: Terraform can only hide a whole attribute. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProxmoxClient } from "../../provider/client";
import { Connection } from "../../provider/terraform/connection";
import { readData } from "../../provider/terraform/data-sources";
import { dataSourceTypes } from "../../provider/terraform/schema";
import { startSimulator, type Simulator } from "../sim";

const TOKEN = "root@pam!tf=55555555-4444-5555-6666-777777777777";
let sim: Simulator;
let connection: Connection;

beforeAll(async () => {
  sim = await startSimulator({ nodes: 1, apiToken: TOKEN, authFailureDelayMs: 0 });
  const admin = new ProxmoxClient({ endpoint: sim.endpoint, apiToken: TOKEN, fingerprint: sim.fingerprint });
  await admin.post("/access/domains", {
    realm: "sso",
    type: "openid",
    "issuer-url": "https://id.example",
    "client-id": "pve",
    "client-key": "oidc-client-secret-1",
  });
  admin.close();
  connection = new Connection(() => undefined);
  expect(await connection.configure({ endpoint: sim.endpoint, api_token: TOKEN, fingerprint: sim.fingerprint })).toBeUndefined();
});
afterAll(async () => {
  connection?.close();
  await sim?.close();
});

describe("Terraform data sources", () => {
  it("read a realm without its OpenID client key (PVE returns it), keeping the rest", async () => {
    const ds = dataSourceTypes.get("proxmox_access_realm");
    if (!ds) throw new Error("no proxmox_access_realm data source");
    const out = await readData(ds, connection, { realm: "sso", result: null });
    expect(out["result"]).toMatchObject({ issuer_url: "https://id.example", client_id: "pve" });
    expect(JSON.stringify(out)).not.toContain("oidc-client-secret-1");
  });
});
