/** `node.CustomCertificate` and `node.getCertificates` through the local engine and the simulator. */
import { describe, expect, it } from "vitest";
import { type Info, cert, customCertificateScenario, key, keyLine } from "./certificate-scenarios";
import { newStack } from "./harness";
import { runScenario } from "./run-scenario";

describe("node.CustomCertificate through the local engine", () => {
  it("creates, previews no change, updates, refreshes drift, adopts and destroys; the key stays secret", async () => {
    await runScenario("certificates", customCertificateScenario);
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
