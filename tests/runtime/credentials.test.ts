import { describe, expect, it } from "vitest";
import { CONNECTION_SETTINGS, resolveConnection } from "../../provider/runtime/credentials";

const config = (values: Record<string, string>) => ({ get: (key: string) => values[key] });

describe("resolveConnection", () => {
  it("prefers stack config over the environment", () => {
    const options = resolveConnection(config({ "proxmox:endpoint": "https://a:8006", "proxmox:apiToken": "a@pve!t=1" }), {
      PROXMOX_VE_ENDPOINT: "https://b:8006",
      PROXMOX_VE_API_TOKEN: "b@pve!t=2",
    });
    expect(options).toEqual({ endpoint: "https://a:8006", apiToken: "a@pve!t=1" });
  });

  it("falls back to PROXMOX_VE_* and reads ticket credentials, pinning and insecure", () => {
    const options = resolveConnection(undefined, {
      PROXMOX_VE_ENDPOINT: "https://b:8006",
      PROXMOX_VE_USERNAME: "root@pam",
      PROXMOX_VE_PASSWORD: "pw",
      PROXMOX_VE_FINGERPRINT: "AA:BB",
      PROXMOX_VE_INSECURE: "true",
      PROXMOX_VE_TOTP_SECRET: "JBSWY3DPEHPK3PXP",
    });
    expect(options).toEqual({
      endpoint: "https://b:8006",
      username: "root@pam",
      password: "pw",
      fingerprint: "AA:BB",
      insecure: true,
      totpSecret: "JBSWY3DPEHPK3PXP",
    });
  });

  it("says how to set a missing endpoint or credential", () => {
    expect(() => resolveConnection(undefined, {})).toThrow(/proxmox:endpoint.*PROXMOX_VE_ENDPOINT/);
    expect(() => resolveConnection(undefined, { PROXMOX_VE_ENDPOINT: "https://b:8006" })).toThrow(/proxmox:apiToken.*PROXMOX_VE_API_TOKEN/);
  });

  it("documents every setting as a config key and an environment variable", () => {
    expect(CONNECTION_SETTINGS.map((s) => s.config)).toContain("proxmox:apiToken");
    for (const setting of CONNECTION_SETTINGS) expect(setting.env).toMatch(/^PROXMOX_VE_[A-Z_]+$/);
  });
});
