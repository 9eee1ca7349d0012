/** Read functions of `/access/roles`: the role list and one role (the family of `access.Role`). */
import { defineRead } from "../define";

/** `access.getRoles`: every role, the built-in ones too. */
export const getRoles = defineRead({
  namespace: "access",
  name: "getRoles",
  description: "Lists the roles, built-in ones included (`GET /access/roles`).",
  path: "/access/roles",
  args: [],
});

/** `access.getRole`: one role's privileges. */
export const getRole = defineRead({
  namespace: "access",
  name: "getRole",
  description: "Reads one role's privileges (`GET /access/roles/{roleid}`): a map from privilege name to true.",
  path: "/access/roles/{roleid}",
  args: [{ pveName: "roleid", sdkName: "roleId", doc: "The role id, e.g. `PVEAuditor`." }],
});
