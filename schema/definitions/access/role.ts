import { defineKind, restCalls } from "../../define";

/** `access.Role`: a named set of privileges (`/access/roles`). */
export const role = defineKind({
  namespace: "access",
  name: "Role",
  description:
    "A Proxmox VE role (`/access/roles`): a named set of privileges. PVE rejects unknown privileges when " +
    "the role is written; built-in roles cannot be managed.",
  lifecycle: "collection",
  identity: ["roleid"],
  ...restCalls("/access/roles", "/access/roles/{roleid}"),
  hooks: "role-privileges",
  fields: {
    roleid: { sdkName: "roleId", doc: "The role id. Built-in roles (`PVEAdmin`, ...) cannot be managed." },
    privs: { sdkName: "privileges", doc: "The privileges of the role, e.g. `VM.Audit`, `Sys.Audit`." },
  },
});
