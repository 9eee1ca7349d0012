/** `node.CustomCertificate` and `node.getCertificates` through the local engine and the simulator. */
import { describe, expect, it } from "vitest";
import type { ProxmoxClient } from "../../provider/client";
import { certFixture } from "../sim/models/certificates";
import { newStack } from "./harness";
import { runScenario } from "./run-scenario";
import type { KindScenario } from "./scenarios";

type Info = { filename: string; pem: string; fingerprint: string };

const cert = (name: string): string => certFixture(`${name}.pem`);
const key = (name: string): string => certFixture(`${name}.key`);
/** A line from the middle of a key: it must never be in the state in plain text. */
const keyLine = (name: string): string => key(name).split("\n")[2] ?? "";

async function custom(admin: ProxmoxClient, node: string): Promise<Info | undefined> {
  const infos = await admin.get<Info[]>(`/nodes/${node}/certificates/info`);
  return infos.find((i) => i.filename === "pveproxy-ssl.pem");
}

const sameLeaf = (pem: string | undefined, chain: unknown): boolean =>
  pem !== undefined && pem.replace(/\s+/g, "") === String(chain).replace(/\s+/g, "");

const scenario: KindScenario = {
  namespace: "node",
  kind: "CustomCertificate",
  initial: { node: "pve1", certificates: cert("custom-a"), key: { $secret: key("custom-a") }, restart: true },
  updated: {
    args: { node: "pve1", certificates: cert("custom-b"), key: { $secret: key("custom-b") }, restart: true },
    diffs: ["certificates", "key"],
  },
  invalid: { args: { node: "pve1", certificates: 5, key: { $secret: key("custom-a") } }, property: "certificates" },
  exists: async (admin, a) => sameLeaf((await custom(admin, String(a["node"])))?.pem, a["certificates"]),
  drift: {
    edit: (admin) => admin.post("/nodes/pve1/certificates/custom", { certificates: cert("custom-c"), key: key("custom-c"), force: 1 }),
    keys: ["certificates", "fingerprint", "issuer", "san", "subject"],
  },
  existing: async (admin) => {
    await admin.post("/nodes/pve2/certificates/custom", { certificates: cert("custom-c"), key: key("custom-c") });
    return { importId: "pve2", args: { node: "pve2", certificates: cert("custom-c"), key: { $secret: key("custom-c") } } };
  },
  secrets: [keyLine("custom-a"), keyLine("custom-b"), keyLine("custom-c")],
};

describe("node.CustomCertificate through the local engine", () => {
  it("creates, previews no change, updates, refreshes drift, adopts and destroys; the key stays secret", async () => {
    await runScenario("certificates", scenario);
  }, 240_000);
});

describe("the simulator's certificate model", () => {
  it("refuses a key that does not match, and an upload over an existing one without force", async () => {
    const stack = await newStack("certificates");
    try {
      const { admin } = stack;
      await expect(admin.post("/nodes/pve1/certificates/custom", { certificates: cert("custom-a"), key: key("custom-b") })).rejects.toThrow(
        /key does not match the certificate/,
      );
      await expect(admin.post("/nodes/pve1/certificates/custom", { certificates: cert("custom-a") })).rejects.toThrow(/without \(existing\) key/);
      const info = await admin.post<Info>("/nodes/pve1/certificates/custom", { certificates: cert("custom-a"), key: key("custom-a") });
      expect(info.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      expect(JSON.stringify(await admin.get("/nodes/pve1/certificates/info"))).not.toContain(keyLine("custom-a"));
      await expect(admin.post("/nodes/pve1/certificates/custom", { certificates: cert("custom-b"), key: key("custom-b") })).rejects.toThrow(
        /force flag is not set/,
      );
    } finally {
      await stack.close();
    }
  }, 120_000);
});
