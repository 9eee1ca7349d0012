/**
 * `/access/users/{userid}/token[/{tokenid}]` as pve-access-control `src/PVE/API2/User.pm` serves
 * them (`token_index`, `read_token`, `generate_token`, `update_token_info`, `remove_token`), with
 * `PVE::AccessControl::check_token_exist` and user.cfg's read-back of tokens (`parse_user_config`:
 * privsep 0/1, expire an integer, 0 when unset). The secret is shown once.
 */
import { randomUUID } from "node:crypto";
import type { AccessInstaller } from "./common";
import { die, lockUserConfig, paramError, str, storedText } from "./common";
import { splitList } from "../../../../schema/pve-formats";
import type { AccessStore, TokenEntry, UserEntry } from "./store";
import { tokenView } from "./users";

/** The user, or PVE's `no such user` 500. */
function userOf(store: AccessStore, userid: string): UserEntry {
  const user = store.users.get(userid);
  if (!user) throw die(`no such user ('${userid}')`);
  return user;
}

/** `check_token_exist`: the token, or PVE's `no such token` 500. */
function tokenOf(store: AccessStore, userid: string, tokenid: string): TokenEntry {
  const token = userOf(store, userid).tokens.get(tokenid);
  if (!token) throw die(`no such token '${tokenid}' for user '${userid}'`);
  return token;
}

/** Registers the token endpoints. */
export const installTokens: AccessInstaller = (register, ctx, { store }) => {
  const ids = (params: Readonly<Record<string, unknown>>): [string, string] => [String(params["userid"]), String(params["tokenid"])];

  // PVE lists the tokens in hash order; any order is PVE's, the simulator keeps creation order.
  register("GET", "/access/users/{userid}/token", (req) =>
    [...userOf(store, String(req.params["userid"])).tokens].map(([tokenid, t]) => ({ ...tokenView(t), tokenid })),
  );

  register("GET", "/access/users/{userid}/token/{tokenid}", (req) => tokenView(tokenOf(store, ...ids(req.params))));

  register("POST", "/access/users/{userid}/token/{tokenid}", (req) => {
    const [userid, tokenid] = ids(req.params);
    const user = userOf(store, userid);
    if (user.tokens.has(tokenid)) throw paramError({ tokenid: "Token already exists." });
    return lockUserConfig(ctx, "generating token failed", () => {
      userOf(store, userid);
      if (user.tokens.has(tokenid)) throw die("Token already exists.");
      const secret = randomUUID();
      const privsep: 0 | 1 = req.params["privsep"] === 0 ? 0 : 1;
      const expire = req.params["expire"] === undefined ? undefined : Number(req.params["expire"]);
      const comment = str(req.params, "comment");
      store.addToken(userid, tokenid, { privsep, secret, ...(expire !== undefined ? { expire } : {}), ...(comment !== undefined ? { comment } : {}) });
      // `info` is the hash the handler built, not the stored token: no `expire` unless one was given.
      const info: Record<string, unknown> = { privsep, ...(expire !== undefined ? { expire } : {}), ...(comment ? { comment } : {}) };
      return { info, value: secret, "full-tokenid": `${userid}!${tokenid}` };
    });
  });

  register("PUT", "/access/users/{userid}/token/{tokenid}", (req) => {
    const [userid, tokenid] = ids(req.params);
    tokenOf(store, userid, tokenid);
    const deletes = splitList(String(req.params["delete"] ?? ""));
    return lockUserConfig(ctx, "updating token info failed", () => {
      const token = tokenOf(store, userid, tokenid);
      // Only the comment can be deleted; PVE checks that after applying the other options, but dies
      // before writing user.cfg, so a refused delete changes nothing.
      for (const key of deletes) if (key !== "comment") throw paramError({ delete: `unknown option '${key}'` });
      if (req.params["privsep"] !== undefined) token.privsep = req.params["privsep"] === 1 ? 1 : 0;
      if (req.params["expire"] !== undefined) token.expire = Number(req.params["expire"]);
      const comment = str(req.params, "comment");
      if (comment !== undefined) token.comment = comment;
      if (deletes.includes("comment") || !token.comment) delete token.comment;
      if (req.params["regenerate"] === 1) token.secret = randomUUID();
      const stored = storedText(token.comment);
      if (stored === undefined) delete token.comment;
      else token.comment = stored;
      const res = tokenView(token);
      return req.params["regenerate"] === 1 ? { ...res, value: token.secret, "full-tokenid": `${userid}!${tokenid}` } : res;
    });
  });

  register("DELETE", "/access/users/{userid}/token/{tokenid}", (req) => {
    const [userid, tokenid] = ids(req.params);
    tokenOf(store, userid, tokenid);
    return lockUserConfig(ctx, "deleting token failed", () => {
      tokenOf(store, userid, tokenid);
      store.users.get(userid)?.tokens.delete(tokenid);
      // ACL entries of a token that no longer exists are dropped when user.cfg is parsed again.
      for (const node of store.acl.values()) node.tokens.delete(`${userid}!${tokenid}`);
      store.settleAcl();
      return null;
    });
  });
};
