/** The read function of `/access/tfa/{userid}` (the family of `access.Tfa`). */
import { defineRead } from "../define";

/** `access.getTfa`: one user's second factors. */
export const getTfa = defineRead({
  namespace: "access",
  name: "getTfa",
  description: "Lists a user's second factors (`GET /access/tfa/{userid}`; reading them works with an API token, changing them needs a ticket).",
  path: "/access/tfa/{userid}",
  args: [{ pveName: "userid", sdkName: "userId", doc: "The user id `name@realm`." }],
});
