/**
 * The ACL paths Proxmox VE stores (pve-access-control `PVE::AccessControl::normalize_path` and
 * `check_path`). PVE stores a path normalized, so an entry written as `/storage/local/` reads back
 * as `/storage/local`: these facts let `check` ask for the stored spelling in preview, and refuse
 * paths PVE would refuse, before anything is written.
 */

const NAME = "[A-Za-z0-9._-]+";
const ALNUM = "[A-Za-z0-9]+";

/** `check_path` (PVE 9): the objects an ACL can be placed on. */
const VALID_PATH = new RegExp(
  `^(?:${[
    "/",
    "/access",
    "/access/groups",
    `/access/groups/${NAME}`,
    "/access/realm",
    `/access/realm/${NAME}`,
    "/nodes",
    `/nodes/${NAME}`,
    "/pool",
    `/pool/${NAME}(?:/${NAME}){0,2}`,
    "/sdn",
    "/sdn/controllers",
    "/sdn/controllers/[A-Za-z0-9_-]+",
    ...["dns", "fabrics", "ipams", "prefix-lists", "route-maps"].flatMap((kind) => [`/sdn/${kind}`, `/sdn/${kind}/${ALNUM}`]),
    "/sdn/zones",
    `/sdn/zones/${NAME}`,
    `/sdn/zones/${NAME}/${NAME}`,
    `/sdn/zones/${NAME}/${NAME}/[1-9][0-9]{0,3}`,
    "/storage",
    `/storage/${NAME}`,
    "/vms",
    "/vms/[1-9][0-9]{2,}",
    "/mapping",
    `/mapping/${NAME}`,
    `/mapping/${NAME}/${NAME}`,
  ].join("|")})$`,
);

/** `normalize_path`: the path as PVE stores it, or undefined when PVE cannot store it at all. */
export function normalizeAclPath(path: string): string | undefined {
  if (path === "" || path === "0") return undefined;
  let p = path.replace(/\/+/g, "/").replace(/\/$/, "");
  if (p === "") p = "/";
  if (!p.startsWith("/")) p = `/${p}`;
  return /^[A-Za-z0-9._/-]+$/.test(p) ? p : undefined;
}

/** Why PVE would not store an ACL entry on `path` as written, or undefined when it would. */
export function aclPathProblem(path: string): string | undefined {
  const stored = normalizeAclPath(path);
  if (stored === undefined) return "is not an ACL path: PVE takes letters, digits, '.', '-', '_' and '/' only";
  if (!VALID_PATH.test(stored)) return `is not an object PVE puts ACLs on (e.g. /, /vms/100, /storage/local, /pool/dev, /sdn/zones/zone1)`;
  if (stored !== path) return `must be written as PVE stores it: '${stored}'`;
  return undefined;
}
