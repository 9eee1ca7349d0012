import { defineKind } from "../../define";

/** `access.Role`: a named set of privileges (`/access/roles`). */
export const role = defineKind({
  namespace: "access",
  name: "Role",
  description:
    "A Proxmox VE role (`/access/roles`): a named set of privileges. Privileges are checked against the " +
    "privilege list of the connected PVE version before anything is written.",
  lifecycle: "collection",
  identity: ["roleid"],
  create: { method: "POST", path: "/access/roles" },
  read: { path: "/access/roles/{roleid}" },
  update: { method: "PUT", path: "/access/roles/{roleid}" },
  remove: { method: "DELETE", path: "/access/roles/{roleid}" },
  hooks: "role-privileges",
  fields: {
    roleid: { sdkName: "roleId", doc: "The role id. Built-in roles (`PVEAdmin`, ...) cannot be managed." },
    privs: { sdkName: "privileges", doc: "The privileges of the role, e.g. `VM.Audit`, `Sys.Audit`." },
  },
});
