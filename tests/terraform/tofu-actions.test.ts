/**
 * Action kinds and data sources through the real `tofu`: an action runs its task when created, shows
 * no change until an input or a trigger changes, then runs again as a replacement; it cannot be
 * imported; a data source reads PVE at plan time.
 */
import { describe, expect, it } from "vitest";
import { ProxmoxClient } from "../../provider/client";
import { startSimulator } from "../sim";
import { REQUIRED_PROVIDERS, actionsOf, workspace } from "./tofu";

const TOKEN = "root@pam!actions=9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b";

async function withTofu(run: (ws: Awaited<ReturnType<typeof workspace>>, admin: ProxmoxClient) => Promise<void>): Promise<void> {
  const sim = await startSimulator({ nodes: 2, apiToken: TOKEN, authFailureDelayMs: 0, taskDurationMs: 20 });
  const admin = new ProxmoxClient({ endpoint: sim.endpoint, apiToken: TOKEN, fingerprint: sim.fingerprint });
  const ws = await workspace({ PROXMOX_VE_ENDPOINT: sim.endpoint, PROXMOX_VE_API_TOKEN: TOKEN, PROXMOX_VE_FINGERPRINT: sim.fingerprint });
  try {
    await run(ws, admin);
  } finally {
    ws.close();
    admin.close();
    await sim.close();
  }
}

const service = (action: string, trigger: string): unknown => ({
  terraform: REQUIRED_PROVIDERS,
  provider: { proxmox: {} },
  resource: { proxmox_node_service_action: { svc: { node: "pve1", service: "postfix", action, triggers: { config: trigger } } } },
  output: { upid: { value: "${proxmox_node_service_action.svc.upid}" }, exit: { value: "${proxmox_node_service_action.svc.exit_status}" } },
});

describe("actions and data sources through the real tofu", () => {
  it("node.ServiceAction runs once, reruns as a replacement on an action or trigger change, and cannot be imported", async () => {
    await withTofu(async (ws, admin) => {
      const state = async (): Promise<string> => (await admin.get<{ state: string }>("/nodes/pve1/services/postfix/state")).state;
      ws.write(service("explode", "1"));
      await ws.tofu(["init", "-input=false"]);
      const rejected = await ws.tofu(["plan", "-input=false"], { allowFailure: true });
      expect(rejected.code).not.toBe(0);
      expect(rejected.output).toContain('attribute "action"');

      ws.write(service("stop", "1"));
      const applied = await ws.tofu(["apply", "-auto-approve", "-input=false"]);
      expect(applied.output).toMatch(/upid = "UPID:pve1:/);
      expect(applied.output).toContain('exit = "OK"');
      expect(await state()).toBe("dead");
      expect((await ws.tofu(["plan", "-input=false", "-detailed-exitcode"], { allowFailure: true })).code).toBe(0);

      ws.write(service("start", "1"));
      const restart = await ws.plan();
      expect(actionsOf(restart.json, "proxmox_node_service_action.svc")).toEqual(["delete", "create"]);
      await ws.applyPlan();
      expect(await state()).toBe("running");
      ws.write(service("restart", "2"));
      const retrigger = await ws.plan();
      expect(restart.json.resource_changes?.[0]?.change.replace_paths).toEqual([["action"]]);
      expect(retrigger.json.resource_changes?.[0]?.change.replace_paths?.map((p) => p.join(".")).sort()).toEqual(["action", "triggers"]);
      await ws.applyPlan();
      const tasks = await admin.get<Array<{ type: string; id: string }>>("/nodes/pve1/tasks", { limit: 1000 });
      expect(
        tasks
          .filter((t) => t.id === "postfix")
          .map((t) => t.type)
          .sort(),
      ).toEqual(["srvrestart", "srvstart", "srvstop"]);

      const imported = await ws.tofu(["import", "-input=false", "proxmox_node_service_action.svc", "whatever"], { allowFailure: true });
      expect(imported.code).not.toBe(0);
      await ws.tofu(["destroy", "-auto-approve", "-input=false"]);
      expect(await state()).toBe("running");
    });
  }, 300_000);

  it("a data source reads PVE: the users and the version", async () => {
    await withTofu(async (ws, admin) => {
      await admin.post("/access/users", { userid: "carol@pve", comment: "reader" });
      ws.write({
        terraform: REQUIRED_PROVIDERS,
        provider: { proxmox: {} },
        data: { proxmox_access_users: { all: {} }, proxmox_access_user: { carol: { user_id: "carol@pve" } }, proxmox_version: { pve: {} } },
        output: {
          ids: { value: "${[for u in data.proxmox_access_users.all.result : u.userid]}" },
          carol: { value: "${data.proxmox_access_user.carol.result.comment}" },
          version: { value: "${data.proxmox_version.pve.result.version}" },
        },
      });
      await ws.tofu(["init", "-input=false"]);
      await ws.tofu(["apply", "-auto-approve", "-input=false"]);
      const outputs = JSON.parse((await ws.tofu(["output", "-json"])).stdout) as Record<string, { value: unknown }>;
      expect(outputs["ids"]?.value).toEqual(expect.arrayContaining(["root@pam", "carol@pve"]));
      expect(outputs["carol"]?.value).toBe("reader");
      expect(outputs["version"]?.value).toMatch(/^9\.2\.\d+$/);
    });
  }, 300_000);
});
