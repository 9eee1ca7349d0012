/**
 * Credentials on the wire. API tokens: one header, no CSRF. Tickets: login, CSRF on every
 * non-GET, renewal before the 2 h expiry, one re-login on a 401, TOTP second factor.
 */
import { z } from "zod";
import { PveApiError, type HttpMethod } from "./errors";
import type { Credentials } from "./options";
import type { PveParams } from "./encode";
import { totp } from "./totp";
import type { Caller } from "../../schema/props";

/** Sends `POST /access/ticket` without credentials and returns its `data`. */
export type LoginCall = (params: PveParams) => Promise<unknown>;

/** Adds credentials to requests. */
export interface Authenticator {
  /** Headers for one request (may log in first). */
  headers(method: HttpMethod): Promise<Record<string, string>>;
  /**
   * Called once after a 401 that used `headers`. Returns true when new credentials were obtained
   * and the request is worth sending once more.
   */
  refresh(usedHeaders: Record<string, string>): Promise<boolean>;
  /** Current secret values, for redaction. */
  secrets(): (string | undefined)[];
  /** A secret-free description ("token ci@pve!deploy", "ticket root@pam"). */
  describe(): string;
  /** Who the requests are made as: PVE grants some settings to `root@pam` itself only, never to a token. */
  caller(): Caller;
}

/** `Authorization: PVEAPIToken=user@realm!id=secret`; PVE does not want CSRF with tokens. */
export class TokenAuth implements Authenticator {
  readonly #tokenId: string;
  readonly #secret: string;

  constructor(tokenId: string, secret: string) {
    this.#tokenId = tokenId;
    this.#secret = secret;
  }

  headers(): Promise<Record<string, string>> {
    return Promise.resolve({ authorization: `PVEAPIToken=${this.#tokenId}=${this.#secret}` });
  }

  refresh(): Promise<boolean> {
    return Promise.resolve(false); // a refused token stays refused
  }

  secrets(): (string | undefined)[] {
    return [this.#secret, `${this.#tokenId}=${this.#secret}`];
  }

  describe(): string {
    return `token ${this.#tokenId}`;
  }

  caller(): Caller {
    return { userid: this.#tokenId.split("!")[0] ?? this.#tokenId, token: true };
  }
}

const TicketData = z.looseObject({
  ticket: z.string().min(1),
  CSRFPreventionToken: z.string().optional(),
  NeedTFA: z.union([z.number(), z.boolean(), z.string()]).optional(),
});

function loginError(problem: string): PveApiError {
  return new PveApiError({ kind: "auth", method: "POST", path: "/access/ticket", message: `POST /access/ticket: ${problem}` });
}

function parseTicket(raw: unknown): z.infer<typeof TicketData> {
  const parsed = TicketData.safeParse(raw);
  if (!parsed.success) throw loginError("response has no ticket");
  return parsed.data;
}

interface Ticket {
  ticket: string;
  csrf: string;
  issuedAt: number;
}

type TicketCredentials = Extract<Credentials, { type: "ticket" }>;

/** Ticket login (`PVEAuthCookie` + `CSRFPreventionToken`), shared by all concurrent requests. */
export class TicketAuth implements Authenticator {
  readonly #creds: TicketCredentials;
  readonly #login: LoginCall;
  readonly #renewAfterMs: number;
  #ticket: Ticket | undefined;
  #pending: Promise<Ticket> | undefined;
  #lastCode: string | undefined;

  constructor(creds: TicketCredentials, login: LoginCall, renewAfterMs: number) {
    this.#creds = creds;
    this.#login = login;
    this.#renewAfterMs = renewAfterMs;
  }

  async headers(method: HttpMethod): Promise<Record<string, string>> {
    const ticket = await this.#current();
    const headers: Record<string, string> = { cookie: `PVEAuthCookie=${encodeURIComponent(ticket.ticket)}` };
    if (method !== "GET") headers["csrfpreventiontoken"] = ticket.csrf;
    return headers;
  }

  async refresh(usedHeaders: Record<string, string>): Promise<boolean> {
    // If another request already replaced the refused ticket, just use the new one.
    if (this.#ticket && usedHeaders["cookie"] === `PVEAuthCookie=${encodeURIComponent(this.#ticket.ticket)}`) {
      this.#ticket = undefined;
    }
    await this.#current();
    return true;
  }

  secrets(): (string | undefined)[] {
    return [this.#creds.password, this.#creds.totpSecret, this.#creds.otp, this.#lastCode, this.#ticket?.ticket, this.#ticket?.csrf];
  }

  describe(): string {
    return `ticket ${this.#creds.username}`;
  }

  caller(): Caller {
    return { userid: this.#creds.username, token: false };
  }

  /** The valid ticket; one login or renewal at a time, awaited by everyone who needs it. */
  #current(): Promise<Ticket> {
    if (this.#pending) return this.#pending;
    const ticket = this.#ticket;
    if (ticket && Date.now() - ticket.issuedAt < this.#renewAfterMs) return Promise.resolve(ticket);
    const task = (ticket ? this.#renew(ticket) : this.#fullLogin()).finally(() => {
      this.#pending = undefined;
    });
    this.#pending = task;
    return task;
  }

  async #renew(old: Ticket): Promise<Ticket> {
    try {
      // PVE accepts a valid ticket as the password and issues a fresh one (what the GUI does).
      return await this.#exchange({ username: this.#creds.username, password: old.ticket });
    } catch {
      return this.#fullLogin();
    }
  }

  #fullLogin(): Promise<Ticket> {
    return this.#exchange({ username: this.#creds.username, password: this.#creds.password });
  }

  async #exchange(params: PveParams): Promise<Ticket> {
    this.#ticket = undefined;
    let data = parseTicket(await this.#login(params));
    if (data.NeedTFA !== undefined && Number(data.NeedTFA) === 1) {
      // The ticket is a half-ticket carrying the TFA challenge (section 2.5 of the API notes).
      data = parseTicket(await this.#login({ username: this.#creds.username, password: `totp:${this.#code()}`, "tfa-challenge": data.ticket }));
    }
    if (data.CSRFPreventionToken === undefined) throw loginError("response has no CSRFPreventionToken");
    this.#ticket = { ticket: data.ticket, csrf: data.CSRFPreventionToken, issuedAt: Date.now() };
    return this.#ticket;
  }

  #code(): string {
    const { totpSecret, otp } = this.#creds;
    const code = totpSecret !== undefined ? totp(totpSecret) : otp;
    if (code === undefined) {
      throw loginError(`user ${this.#creds.username} requires a second factor; set 'totpSecret' (or a current 'otp')`);
    }
    this.#lastCode = code;
    return code;
  }
}
