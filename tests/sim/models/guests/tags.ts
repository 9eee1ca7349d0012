/**
 * Guest tags (pve-guest-common `PVE/GuestHelpers.pm`): `get_unique_tags` (lowercased unless
 * `tag-style` is case-sensitive, deduplicated, sorted unless `ordering=config`, joined by `;`)
 * and `assert_tag_permissions` / `get_allowed_tags` (datacenter `user-tag-access` and
 * `registered-tags`; `Sys.Modify` on `/` may set any tag).
 */
import type { SimAuth, SimContext } from "../../types";
import { permissionDenied } from "../../core/permissions";
import { splitList } from "../config-text";
import { tagAccess, tagStyle } from "./datacenter";
import { guestDirectoryOf } from "./directory";
import { checkVmPerm, hasPriv } from "./permissions";
import { vmlistOf } from "./vmlist";

/** `get_unique_tags`. */
export function uniqueTags(ctx: SimContext, tags: string): string {
  const list = splitList(tags);
  const { ordering, caseSensitive } = tagStyle(ctx);
  const ordered = ordering === "config" ? list : [...list].sort((a, b) => cmp(caseSensitive ? a : a.toLowerCase(), caseSensitive ? b : b.toLowerCase()));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of ordered) {
    const tag = caseSensitive ? raw : raw.toLowerCase();
    if (seen.has(tag)) continue;
    seen.add(tag);
    out.push(tag);
  }
  return out.join(";");
}

/** Perl's `cmp`: code-point order. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `get_allowed_tags` for an unprivileged user: the allow list plus, unless restricted, every tag of a guest the user may audit. */
function allowedTags(ctx: SimContext, auth: SimAuth): { allowed: Set<string>; registered: Set<string>; freeform: boolean } {
  const { userAllow, allowList, registered } = tagAccess(ctx);
  const allowed = new Set<string>(userAllow !== "none" ? allowList : []);
  if (userAllow === "free" || userAllow === "existing") {
    const vmlist = vmlistOf(ctx);
    for (const vmid of vmlist.vmids()) {
      const entry = vmlist.get(vmid);
      if (!entry || !hasPriv(ctx, auth, `/vms/${vmid}`, "VM.Audit")) continue;
      for (const tag of splitList(guestDirectoryOf(ctx).stats(entry.type, vmid)?.tags)) allowed.add(tag);
    }
  }
  for (const tag of registered) allowed.delete(tag);
  return { allowed, registered: new Set(registered), freeform: userAllow === "free" };
}

/** `assert_tag_permissions`: `VM.Config.Options`, and `Sys.Modify` on `/` for tags the user may not set. */
export function assertTagPermissions(ctx: SimContext, auth: SimAuth, vmid: number, oldTags: string | undefined, newTags: string | undefined): void {
  checkVmPerm(ctx, auth, vmid, undefined, ["VM.Config.Options"]);
  if (hasPriv(ctx, auth, "/", "Sys.Modify")) return;
  const count = (tags: string | undefined): Map<string, number> => {
    const m = new Map<string, number>();
    for (const t of splitList(tags)) m.set(t, (m.get(t) ?? 0) + 1);
    return m;
  };
  const before = count(oldTags);
  const after = count(newTags);
  let rules: ReturnType<typeof allowedTags> | undefined;
  for (const tag of new Set([...before.keys(), ...after.keys()])) {
    if ((before.get(tag) ?? 0) === (after.get(tag) ?? 0)) continue;
    rules ??= allowedTags(ctx, auth);
    if ((!rules.allowed.has(tag) && !rules.freeform) || rules.registered.has(tag)) {
      throw permissionDenied(`/, Sys.Modify for modifying tag '${tag}'`);
    }
  }
}
