/** The scenario of `node.CustomCertificate`, and the fixtures its suites share. */
import type { ProxmoxClient } from "../../provider/client";
import { certFixture } from "../sim/models/certificates";
import type { KindScenario } from "./scenarios";

export type Info = { filename: string; pem: string; fingerprint: string };

export const cert = (name: string): string => certFixture(`${name}.pem`);
export const key = (name: string): string => certFixture(`${name}.key`);
/** A line from the middle of a key: it must never be in the state in plain text. */
export const keyLine = (name: string): string => key(name).split("\n")[2] ?? "";

async function custom(admin: ProxmoxClient, node: string): Promise<Info | undefined> {
  const infos = await admin.get<Info[]>(`/nodes/${node}/certificates/info`);
  return infos.find((i) => i.filename === "pveproxy-ssl.pem");
}

const sameLeaf = (pem: string | undefined, chain: unknown): boolean =>
  pem !== undefined && pem.replace(/\s+/g, "") === String(chain).replace(/\s+/g, "");

export const customCertificateScenario: KindScenario = {
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

