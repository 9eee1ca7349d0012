/** `/cluster/options` through the HTTPS core: who reads what (pve-manager `API2/Cluster.pm::get_options`). */
import { describe, expect, it } from "vitest";
import { clusterModel } from ".";
import { login, raw, TEST_TOKEN } from "../../testkit/raw";
import { useSimulator } from "../../testkit/sim";

const sim = useSimulator({ models: [clusterModel()] });
const root = { token: TEST_TOKEN };

describe("datacenter options", () => {
  it("shows a user without Sys.Audit on / only console and tag-style, plus the tags it may use", async () => {
    await raw(sim(), "PUT", "/cluster/options", {
      auth: root,
      form: {
        console: "xtermjs",
        "tag-style": "shape=circle",
        keyboard: "de",
        "registered-tags": "prod",
        "user-tag-access": "user-allow=list,user-allow-list=web",
      },
    });
    await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "plain@pve", password: "plain-password-1" } });
    const ticket = await login(sim(), "plain@pve", "plain-password-1");
    const r = await raw(sim(), "GET", "/cluster/options", { auth: ticket });
    expect([r.status, r.json?.data]).toEqual([200, { console: "xtermjs", "tag-style": { shape: "circle" }, "allowed-tags": ["web"] }]);
    const full = await raw(sim(), "GET", "/cluster/options", { auth: root });
    expect(full.json?.data).toMatchObject({ keyboard: "de", "allowed-tags": ["prod", "web"], description: "" });
  });
});
