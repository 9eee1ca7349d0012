/** API tokens (secret shown once) and realms (secrets never returned). */
import { describe, expect, it } from "vitest";
import { raw, TEST_TOKEN } from "../../testkit/raw";
import { useSimulator } from "../../testkit/sim";

const sim = useSimulator();
const auth = { token: TEST_TOKEN };

describe("API tokens", () => {
  it("returns the secret once, on creation", async () => {
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "tok@pve" } });
    const c = await raw(sim(), "POST", "/access/users/tok@pve/token/deploy", { auth, form: { comment: "ci", privsep: 0, expire: 0 } });
    const data = c.json?.data as { "full-tokenid": string; info: Record<string, unknown>; value: string };
    expect(data["full-tokenid"]).toBe("tok@pve!deploy");
    expect(data.info).toEqual({ comment: "ci", privsep: 0, expire: 0 });
    expect(data.value).toMatch(/^[0-9a-f-]{36}$/);
    const read = await raw(sim(), "GET", "/access/users/tok@pve/token/deploy", { auth });
    expect(read.json?.data).toEqual({ comment: "ci", privsep: 0, expire: 0 });
    expect(JSON.stringify((await raw(sim(), "GET", "/access/users/tok@pve/token", { auth })).json)).not.toContain(data.value);
    expect((await raw(sim(), "GET", "/version", { auth: { token: `tok@pve!deploy=${data.value}` } })).status).toBe(200);
  });

  it("uses PVE's messages for duplicates and missing tokens", async () => {
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "tok2@pve" } });
    await raw(sim(), "POST", "/access/users/tok2@pve/token/aa", { auth, form: {} });
    const dup = await raw(sim(), "POST", "/access/users/tok2@pve/token/aa", { auth, form: {} });
    expect(dup.json?.errors).toEqual({ tokenid: "Token already exists." });
    expect((await raw(sim(), "GET", "/access/users/tok2@pve/token/bb", { auth })).reason).toBe("no such token 'bb' for user 'tok2@pve'");
    expect((await raw(sim(), "DELETE", "/access/users/tok2@pve/token/aa", { auth })).status).toBe(200);
  });
});

describe("API token read-back", () => {
  it("answers a create without expire with no expire, and reads it back as 0 whatever the user's expiry", async () => {
    const far = Math.floor(sim().clock.now() / 1000) + 86_400;
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "exp@pve", expire: far } });
    const c = await raw(sim(), "POST", "/access/users/exp@pve/token/tt", { auth, form: { comment: "" } });
    expect((c.json?.data as { info: unknown }).info).toEqual({ privsep: 1 });
    expect((await raw(sim(), "GET", "/access/users/exp@pve/token/tt", { auth })).json?.data).toEqual({ privsep: 1, expire: 0 });
  });

  it("deletes only the comment, refusing the other options inside the config lock", async () => {
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "del@pve" } });
    await raw(sim(), "POST", "/access/users/del@pve/token/tt", { auth, form: { comment: "note", privsep: 0, expire: 4_000_000_000 } });
    const refused = await raw(sim(), "PUT", "/access/users/del@pve/token/tt", { auth, form: { delete: "privsep" } });
    expect([refused.status, refused.reason]).toEqual([500, "updating token info failed: 400 Parameter verification failed."]);
    expect(refused.json?.message).toBe("updating token info failed: 400 Parameter verification failed.\ndelete: unknown option 'privsep'\n");
    const ok = await raw(sim(), "PUT", "/access/users/del@pve/token/tt", { auth, form: { delete: "comment" } });
    expect(ok.json?.data).toEqual({ privsep: 0, expire: 4_000_000_000 });
  });

  it("hands out a new secret once on regenerate, and the old one stops working", async () => {
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "regen@pve" } });
    const first = ((await raw(sim(), "POST", "/access/users/regen@pve/token/tt", { auth, form: { privsep: 0 } })).json?.data as { value: string }).value;
    const again = (await raw(sim(), "PUT", "/access/users/regen@pve/token/tt", { auth, form: { regenerate: 1 } })).json?.data as Record<string, unknown>;
    expect(again).toMatchObject({ privsep: 0, expire: 0, "full-tokenid": "regen@pve!tt" });
    expect(again["value"]).not.toBe(first);
    expect((await raw(sim(), "GET", "/version", { auth: { token: `regen@pve!tt=${first}` } })).status).toBe(401);
    expect((await raw(sim(), "GET", "/version", { auth: { token: `regen@pve!tt=${String(again["value"])}` } })).status).toBe(200);
  });

  it("looks the token up before the lock: a missing one is a plain 'no such token'", async () => {
    await raw(sim(), "POST", "/access/users", { auth, form: { userid: "nt@pve" } });
    for (const method of ["PUT", "DELETE"]) {
      const r = await raw(sim(), method, "/access/users/nt@pve/token/none", { auth, ...(method === "PUT" ? { form: { comment: "x" } } : {}) });
      expect([r.status, r.reason]).toEqual([500, "no such token 'none' for user 'nt@pve'"]);
    }
  });
});

describe("realms", () => {
  it("stores an LDAP realm and never returns its bind password", async () => {
    const c = await raw(sim(), "POST", "/access/domains", {
      auth,
      form: {
        realm: "ldap1",
        type: "ldap",
        base_dn: "dc=example,dc=com",
        user_attr: "uid",
        server1: "ldap.example.com",
        bind_dn: "cn=admin",
        password: "s3cret",
        comment: "corp",
      },
    });
    expect(c.status, c.reason).toBe(200);
    const r = await raw(sim(), "GET", "/access/domains/ldap1", { auth });
    expect(r.json?.data).toMatchObject({ type: "ldap", base_dn: "dc=example,dc=com", server1: "ldap.example.com", comment: "corp" });
    expect((r.json?.data as { digest: string }).digest).toMatch(/^[0-9a-f]{40}$/);
    expect(r.text).not.toContain("s3cret");
    const list = await raw(sim(), "GET", "/access/domains");
    expect(list.json?.data).toContainEqual({ realm: "ldap1", type: "ldap", comment: "corp" });
  });

  it("checks the digest, refuses builtin names and reports missing realms", async () => {
    await raw(sim(), "POST", "/access/domains", { auth, form: { realm: "oidc", type: "openid", "issuer-url": "https://id.example.com", "client-id": "pve" } });
    const stale = await raw(sim(), "PUT", "/access/domains/oidc", { auth, form: { comment: "x", digest: "0".repeat(40) } });
    expect(stale.reason).toBe("update auth server failed: detected modified configuration - file changed by other user? Try again.");
    expect(
      (await raw(sim(), "POST", "/access/domains", { auth, form: { realm: "pam", type: "ldap", base_dn: "x", user_attr: "uid", server1: "h" } })).reason,
    ).toBe("add auth server failed: domain 'pam' already exists");
    expect((await raw(sim(), "POST", "/access/domains", { auth, form: { realm: "p2", type: "pve" } })).reason).toBe(
      "add auth server failed: unable to create builtin type 'pve'",
    );
    expect((await raw(sim(), "GET", "/access/domains/none", { auth })).reason).toBe("domain 'none' does not exist");
    expect((await raw(sim(), "DELETE", "/access/domains/oidc", { auth })).status).toBe(200);
  });
});
