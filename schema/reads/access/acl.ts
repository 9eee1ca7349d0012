/** The read function of `/access/acl` (the family of `access.Acl`). */
import { defineRead } from "../define";

/** `access.getAcl`: the whole access control list. */
export const getAcl = defineRead({
  namespace: "access",
  name: "getAcl",
  description: "Lists the access control list (`GET /access/acl`).",
  path: "/access/acl",
  args: [],
});
