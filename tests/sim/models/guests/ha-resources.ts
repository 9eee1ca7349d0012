/**
 * `/cluster/ha/resources` (pve-ha-manager `src/PVE/API2/HA/Resources.pm` `index`, `create`,
 * `read`, `delete`; `HA/Config.pm` `parse_sid`; `HA/Resources/PVEVM.pm` `exists`): as far as
 * guests need it. A bare VMID is resolved through the vmlist; a new resource must exist in the
 * cluster; resources.cfg is written under `lock_ha_domain`. The manager then drives the guest
 * (`./ha.ts`).
 */
import type { SimContext } from "../../types";
import { pveDie } from "../config-text";
import type { Register } from "../generic-store";
import { sha1 } from "../config-text";
import { addHaResource, deleteHaResource, haStateOf, type HaResource } from "./ha";
import { vmlistOf } from "./vmlist";

/** `parse_sid`: `[sid, type, name]`. */
function parseSid(ctx: SimContext, sid: string): [string, "vm" | "ct", string] {
  const numeric = /^(\d+)$/.exec(sid);
  if (numeric?.[1]) {
    const entry = vmlistOf(ctx).get(Number(numeric[1]));
    if (!entry) throw pveDie(`unable to detect SID from VMID - VM/CT ${numeric[1]} does not exist`);
    const type = entry.type === "qemu" ? "vm" : "ct";
    return [`${type}:${numeric[1]}`, type, numeric[1]];
  }
  const m = /^(\S+):(\S+)$/.exec(sid);
  if (!m?.[1] || !m[2] || (m[1] !== "vm" && m[1] !== "ct")) throw pveDie(`unable to parse service id '${sid}'`);
  return [sid, m[1], m[2]];
}

/** resources.cfg's digest. */
function digestOf(ctx: SimContext): string {
  return sha1(JSON.stringify([...haStateOf(ctx).resources].sort(([a], [b]) => (a < b ? -1 : 1))));
}

function view(ctx: SimContext, sid: string, resource: HaResource): Record<string, unknown> {
  return { sid, ...resource, digest: digestOf(ctx) };
}

/** Registers the HA resource endpoints. */
export function installHaResources(register: Register, ctx: SimContext): void {
  const ha = haStateOf(ctx);
  register("GET", "/cluster/ha/resources", (req) =>
    [...ha.resources].filter(([, r]) => req.params.type === undefined || r.type === req.params.type).map(([sid, r]) => view(ctx, sid, r)),
  );

  register("POST", "/cluster/ha/resources", async (req) => {
    const [sid, type, name] = parseSid(ctx, String(req.params.sid));
    if (req.params.type !== undefined && req.params.type !== type) throw pveDie("types does not match");
    if (req.params.group !== undefined) throw pveDie("invalid parameter 'group': ha groups have been migrated to rules");
    const entry = vmlistOf(ctx).get(Number(name));
    if (!entry || (entry.type === "qemu") !== (type === "vm")) throw pveDie(`resource '${sid}' does not exist in cluster`);
    const state = String(req.params.state ?? "started");
    const resource: HaResource = {
      type,
      state: state === "enabled" ? "started" : state,
      ...(req.params.comment !== undefined ? { comment: String(req.params.comment) } : {}),
      ...(req.params.max_restart !== undefined ? { max_restart: Number(req.params.max_restart) } : {}),
      ...(req.params.max_relocate !== undefined ? { max_relocate: Number(req.params.max_relocate) } : {}),
      ...(req.params.failback !== undefined ? { failback: Number(req.params.failback) } : {}),
    };
    try {
      await addHaResource(ctx, sid, resource, ctx.taskDurationMs({ node: entry.node, type: "hastart", id: name }));
    } catch (err) {
      throw pveDie(`create resource failed: ${err instanceof Error ? err.message.replace(/\n$/, "") : String(err)}`);
    }
    return null;
  });

  register("GET", "/cluster/ha/resources/{sid}", (req) => {
    const [sid] = parseSid(ctx, String(req.params.sid));
    const resource = ha.resources.get(sid);
    if (!resource) throw pveDie(`no such resource '${sid}'`);
    return view(ctx, sid, resource);
  });

  register("DELETE", "/cluster/ha/resources/{sid}", async (req) => {
    const [sid] = parseSid(ctx, String(req.params.sid));
    if (!ha.resources.has(sid)) throw pveDie(`cannot delete service '${sid}', not HA managed!`);
    await deleteHaResource(ctx, sid);
    return null;
  });
}
