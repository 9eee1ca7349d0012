/**
 * The provider at the protocol level, through a go-plugin client written in TypeScript: the
 * handshake, AutoMTLS (a wrong client certificate is refused), health and Shutdown, unknown values
 * in plans (plain and refined), JSON DynamicValues, state upgrades, and one resource's lifecycle
 * against the simulator.
 */
import { X509Certificate } from "node:crypto";
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { ExtData, encode } from "@msgpack/msgpack";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProxmoxClient } from "../../provider/client";
import { type CtyObject, UNKNOWN, fromMsgpack, toMsgpack } from "../../provider/terraform/cty";
import { MAGIC_COOKIE_KEY } from "../../provider/terraform/handshake";
import { SCHEMA_VERSION, resourceTypes } from "../../provider/terraform/schema";
import { type Simulator, startSimulator } from "../sim";
import { type ClientIdentity, type PluginConnection, clientIdentity, connectPlugin, startPlugin } from "./plugin-client";

const TOKEN = "root@pam!proto=7d1f0c2e-5b3a-4e8f-9a6b-0c1d2e3f4a5b";

function rt(name: string): NonNullable<ReturnType<typeof resourceTypes.get>> {
  const found = resourceTypes.get(name);
  if (!found) throw new Error(`no resource type ${name}`);
  return found;
}

/** A full object of `name`'s type: the given attributes, null elsewhere. */
function object(name: string, values: CtyObject): CtyObject {
  return Object.fromEntries(rt(name).schema.attributes.map((a) => [a.name, values[a.name] ?? null]));
}

function dv(name: string, values: CtyObject | null): { msgpack: Buffer } {
  return { msgpack: Buffer.from(toMsgpack(values === null ? null : object(name, values), rt(name).type)) };
}

function decodeState(name: string, value: unknown): CtyObject | null {
  const bytes = (value as { msgpack?: Uint8Array } | undefined)?.msgpack;
  return bytes && bytes.length > 0 ? (fromMsgpack(bytes, rt(name).type) as CtyObject | null) : null;
}

function diagnostics(
  response: Record<string, unknown>,
): Array<{ severity: string; summary: string; detail: string; attribute?: { steps: Array<Record<string, unknown>> } }> {
  return (response["diagnostics"] ?? []) as never;
}

describe("the provider plugin at the protocol level", () => {
  let trusted: ClientIdentity;
  let plugin: PluginConnection;

  beforeAll(async () => {
    trusted = await clientIdentity();
    plugin = await connectPlugin({ trusted });
  });
  afterAll(() => plugin?.close());

  it("prints go-plugin's handshake line with its certificate for localhost, and serves health", async () => {
    const h = plugin.handshake;
    expect([h.core, h.protocol, h.network, h.transport]).toEqual(["1", "6", "unix", "grpc"]);
    expect(h.line.split("|")[5]).not.toMatch(/=$/);
    expect(existsSync(h.address)).toBe(true);
    const cert = new X509Certificate(h.serverCert ?? "");
    expect(cert.subjectAltName).toBe("DNS:localhost");
    expect(cert.ca).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(await plugin.health()).toEqual({ status: "SERVING" });
  });

  it("serves a schema with every kind and read function, and refuses unknown RPCs as UNIMPLEMENTED", async () => {
    const schema = await plugin.call("GetProviderSchema");
    const resources = schema["resource_schemas"] as Record<string, { version: number; block: { attributes: Array<Record<string, unknown>> } }>;
    expect(Object.keys(resources).sort()).toEqual([...resourceTypes.keys()].sort());
    expect(Object.keys(schema["data_source_schemas"] as object)).toContain("proxmox_access_users");
    const user = resources["proxmox_access_user"];
    expect(user?.version).toBe(SCHEMA_VERSION);
    const password = user?.block.attributes.find((a) => a["name"] === "password");
    expect(password).toMatchObject({ write_only: true, sensitive: true, optional: true, computed: false });
    expect(JSON.parse(Buffer.from(password?.["type"] as Uint8Array).toString())).toBe("string");
    const channel = new grpc.Client(
      `unix://${plugin.handshake.address}`,
      grpc.credentials.createSsl(Buffer.from(plugin.handshake.serverCert ?? ""), Buffer.from(trusted.key), Buffer.from(trusted.cert)),
      {
        "grpc.ssl_target_name_override": "localhost",
      },
    );
    const code = await new Promise<number>((resolve) =>
      channel.makeUnaryRequest(
        "/tfplugin6.Provider/GetMetadata",
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.alloc(0),
        (error) => resolve(error?.code ?? 0),
      ),
    );
    channel.close();
    expect(code).toBe(grpc.status.UNIMPLEMENTED);
  });

  it("keeps unknown values (extension 0, and refined extension 12) unknown in a create plan", async () => {
    const name = "proxmox_access_user";
    const refined = new ExtData(12, encode(new Map([[2, "alice"]])));
    const wire = Object.fromEntries(rt(name).schema.attributes.map((a) => [a.name, null])) as Record<string, unknown>;
    Object.assign(wire, { user_id: "alice@pve", groups: new ExtData(0, new Uint8Array(0)), comment: refined });
    const config = { msgpack: Buffer.from(encode(wire)) };
    const validated = await plugin.call("ValidateResourceConfig", { type_name: name, config, client_capabilities: { write_only_attributes_allowed: true } });
    expect(diagnostics(validated)).toEqual([]);
    const planned = await plugin.call("PlanResourceChange", { type_name: name, prior_state: dv(name, null), proposed_new_state: config, config });
    expect(diagnostics(planned)).toEqual([]);
    const state = decodeState(name, planned["planned_state"]);
    expect(state?.["user_id"]).toBe("alice@pve");
    expect(state?.["groups"]).toBe(UNKNOWN);
    expect(state?.["comment"]).toBe(UNKNOWN);
    expect(state?.["id"]).toBe(UNKNOWN);
    expect(state?.["email"]).toBeNull();
  });

  it("plans a replacement when an attribute that forces one is unknown", async () => {
    const name = "proxmox_access_group";
    const prior = dv(name, { id: "ops", group_id: "ops", comment: "c" });
    const config = dv(name, { group_id: UNKNOWN, comment: "c" });
    const planned = await plugin.call("PlanResourceChange", {
      type_name: name,
      prior_state: prior,
      proposed_new_state: config,
      config,
      prior_private: Buffer.from('{"managed":["group_id","comment"]}'),
    });
    expect(diagnostics(planned)).toEqual([]);
    expect(planned["requires_replace"]).toEqual([{ steps: [{ attribute_name: "group_id", selector: "attribute_name" }] }]);
    expect(decodeState(name, planned["planned_state"])?.["group_id"]).toBe(UNKNOWN);
  });

  it("reads a JSON DynamicValue and names the attribute of an invalid value", async () => {
    const name = "proxmox_cluster_backup_job";
    const config = { json: Buffer.from(JSON.stringify(object(name, { job_id: "nightly", schedule: "someday at noon", all: true }))) };
    const validated = await plugin.call("ValidateResourceConfig", { type_name: name, config });
    const [first, ...rest] = diagnostics(validated);
    expect(rest).toEqual([]);
    expect(first?.severity).toBe("ERROR");
    expect(first?.attribute?.steps).toEqual([{ attribute_name: "schedule", selector: "attribute_name" }]);
    expect(first?.detail).toMatch(/schedule.*calendar event/);
  });

  it("upgrades a state of an older schema version: write-only secrets dropped, attributes and types brought up to date", async () => {
    const name = "proxmox_access_user";
    const old = { id: "bob@pve", user_id: "bob@pve", password: "plain-old-secret", expire: "0", enable: 1, groups: ["ops"], retired_attribute: "x" };
    const upgraded = await plugin.call("UpgradeResourceState", { type_name: name, version: 0, raw_state: { json: Buffer.from(JSON.stringify(old)) } });
    expect(diagnostics(upgraded)).toEqual([]);
    const state = decodeState(name, upgraded["upgraded_state"]);
    expect(state).toEqual(object(name, { id: "bob@pve", user_id: "bob@pve", expire: 0, enable: true, groups: ["ops"] }));
    expect(JSON.stringify(state)).not.toContain("plain-old-secret");
    const newer = await plugin.call("UpgradeResourceState", { type_name: name, version: SCHEMA_VERSION + 1, raw_state: { json: Buffer.from("{}") } });
    expect(diagnostics(newer)[0]?.summary).toMatch(/newer than this provider/);
  });

  describe("against the simulator", () => {
    let sim: Simulator;
    beforeAll(async () => {
      sim = await startSimulator({ nodes: 1, apiToken: TOKEN, authFailureDelayMs: 0, taskDurationMs: 20 });
    });
    afterAll(async () => sim?.close());

    it("configures, creates, refreshes drift, imports and deletes a group through the engine", async () => {
      const configured = await plugin.call("ConfigureProvider", {
        config: {
          msgpack: Buffer.from(
            encode({
              endpoint: sim.endpoint,
              api_token: TOKEN,
              username: null,
              password: null,
              otp: null,
              totp_secret: null,
              fingerprint: sim.fingerprint,
              ca_cert: null,
              insecure: null,
            }),
          ),
        },
      });
      expect(diagnostics(configured)).toEqual([]);
      const name = "proxmox_access_group";
      const config = dv(name, { group_id: "proto", comment: "one" });
      const plan = await plugin.call("PlanResourceChange", { type_name: name, prior_state: dv(name, null), proposed_new_state: config, config });
      const applied = await plugin.call("ApplyResourceChange", {
        type_name: name,
        prior_state: dv(name, null),
        planned_state: plan["planned_state"],
        config,
        planned_private: plan["planned_private"],
      });
      expect(diagnostics(applied)).toEqual([]);
      const created = decodeState(name, applied["new_state"]);
      expect(created).toEqual(object(name, { id: "proto", group_id: "proto", comment: "one" }));

      const client = new ProxmoxClient({ endpoint: sim.endpoint, apiToken: TOKEN, fingerprint: sim.fingerprint });
      await client.put("/access/groups/proto", { comment: "by hand" });
      const refreshed = await plugin.call("ReadResource", { type_name: name, current_state: applied["new_state"], private: applied["private"] });
      expect(decodeState(name, refreshed["new_state"])?.["comment"]).toBe("by hand");

      const imported = await plugin.call("ImportResourceState", { type_name: name, id: "proto" });
      const resources = imported["imported_resources"] as Array<{ state: unknown }>;
      expect(decodeState(name, resources[0]?.state)).toEqual(object(name, { id: "proto", group_id: "proto", comment: "by hand" }));
      const missing = await plugin.call("ImportResourceState", { type_name: name, id: "nope" });
      expect(diagnostics(missing)[0]?.detail).toMatch(/no object with id 'nope'/);

      const deleted = await plugin.call("ApplyResourceChange", {
        type_name: name,
        prior_state: refreshed["new_state"],
        planned_state: dv(name, null),
        config: dv(name, null),
      });
      expect(diagnostics(deleted)).toEqual([]);
      expect(decodeState(name, deleted["new_state"])).toBeNull();
      await expect(client.get("/access/groups/proto")).rejects.toMatchObject({ kind: "not-found" });
      client.close();
    });

    /** The provider block with the given token and fingerprint. */
    function block(token: string, fingerprint: string | null): { msgpack: Buffer } {
      const settings = {
        endpoint: sim.endpoint,
        api_token: token,
        username: null,
        password: null,
        otp: null,
        totp_secret: null,
        ca_cert: null,
        insecure: null,
      };
      return { msgpack: Buffer.from(encode({ ...settings, fingerprint })) };
    }

    it("fails ConfigureProvider on a refused token or an untrusted certificate, naming the block's attribute", async () => {
      const refused = diagnostics(await plugin.call("ConfigureProvider", { config: block(TOKEN.replace(/.{4}$/, "dead"), sim.fingerprint) }));
      expect(refused[0]?.detail).toMatch(/^the provider block's `api_token` was refused by https:\/\/\S+ \(GET \/version: Authentication failed!\)/);
      expect(JSON.stringify(refused)).not.toContain(TOKEN.slice(-12));
      // The settings are all there: no advice to set them.
      expect(refused[0]?.detail).not.toContain("set the provider block's `endpoint`");
      const untrusted = diagnostics(await plugin.call("ConfigureProvider", { config: block(TOKEN, null) }));
      expect(untrusted[0]?.detail).toContain(`set the provider block's \`fingerprint\` to ${sim.fingerprint}`);
    });

    it("plans a taken id as an error that says how to import it, but not a replacement's create, and refuses an unknown node", async () => {
      expect(diagnostics(await plugin.call("ConfigureProvider", { config: block(TOKEN, sim.fingerprint) }))).toEqual([]);
      const client = new ProxmoxClient({ endpoint: sim.endpoint, apiToken: TOKEN, fingerprint: sim.fingerprint });
      await client.post("/access/groups", { groupid: "taken" });
      client.close();
      const name = "proxmox_access_group";
      const config = dv(name, { group_id: "taken", comment: "new" });
      const fresh = await plugin.call("PlanResourceChange", { type_name: name, prior_state: dv(name, null), proposed_new_state: config, config });
      expect(diagnostics(fresh).map((d) => d.detail)).toEqual([
        "proxmox_access_group: attribute \"group_id\" access.Group 'taken' already exists on PVE: import it with id `taken` " +
          "(an `import` block, or `tofu import proxmox_access_group.<name> taken`), or choose another identity.",
      ]);
      // Terraform plans a replacement twice: with the prior state, then its create without one.
      const prior = dv(name, { id: "taken", group_id: "taken", comment: "old" });
      await plugin.call("PlanResourceChange", { type_name: name, prior_state: prior, proposed_new_state: config, config });
      const replacement = await plugin.call("PlanResourceChange", { type_name: name, prior_state: dv(name, null), proposed_new_state: config, config });
      expect(diagnostics(replacement)).toEqual([]);
      const dns = "proxmox_node_dns";
      const elsewhere = dv(dns, { node: "pve9", search: "example.com" });
      const onPve9 = await plugin.call("PlanResourceChange", { type_name: dns, prior_state: dv(dns, null), proposed_new_state: elsewhere, config: elsewhere });
      expect(diagnostics(onPve9).map((d) => d.detail)).toEqual([
        "proxmox_node_dns: attribute \"node\" 'pve9' is not a node of this cluster (its nodes: pve1).",
      ]);
    });
  });

  it("shuts down on the controller's Shutdown and removes its socket", async () => {
    const own = await connectPlugin({ trusted });
    const socketDir = dirname(own.handshake.address);
    await own.shutdown();
    expect(await own.exited).toBe(0);
    expect(existsSync(socketDir)).toBe(false);
    own.close();
  });
});

describe("the plugin's handshake guards", () => {
  it("refuses a client certificate other than the one PLUGIN_CLIENT_CERT named", async () => {
    const trusted = await clientIdentity();
    const stranger = await clientIdentity();
    const plugin = await connectPlugin({ trusted, presented: stranger });
    try {
      await expect(plugin.call("GetProviderSchema")).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    } finally {
      plugin.close();
    }
  });

  it("exits with a message, and prints no handshake, without the magic cookie", async () => {
    const started = await startPlugin({ [MAGIC_COOKIE_KEY]: "" });
    await expect(started.line).rejects.toThrow(/exited \(1\) before its handshake/);
    expect(started.stderr()).toMatch(/OpenTofu and Terraform; they start it themselves/);
  });

  it("refuses a client that offers no protocol 6", async () => {
    const started = await startPlugin({
      [MAGIC_COOKIE_KEY]: "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
      PLUGIN_PROTOCOL_VERSIONS: "5",
    });
    await expect(started.line).rejects.toThrow(/before its handshake/);
    expect(started.stderr()).toMatch(/speaks plugin protocol 6; the client offers 5/);
  });
});
