// The portal's one way to the API: the public GraphQL endpoint, as the CLI
// uses it. Queries and mutations go by POST with the session's token and
// team; subscriptions over one graphql-transport-ws connection (graphql-ws).
import { createClient, type Client } from 'graphql-ws';
import type { TypedDocumentString } from './generated';
import { hex, sha256 } from '../audit/sha256';

export type Session = { token: string; team: string };

// An error the API returned, with its stable code (extensions.code) and,
// for bad input, the field at fault (extensions.field).
export class ApiError extends Error {
  code: string;
  field?: string;
  constructor(message: string, code: string, field?: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

type GqlError = { message: string; extensions?: { code?: string; field?: string; persisted?: string } };

// Every operation is sent by its id: the SHA-256 of its text, registered
// at build time in schemas/operations/portal.json (scripts/operations.mjs),
// in extensions.persistedQuery as Apollo's and Hive's clients send it. A
// weft-server run with --persisted-only runs registered operations only;
// one of another version that does not know an id gets the text once more.
const ids = new Map<string, string>();
function persisted(text: string) {
  let id = ids.get(text);
  if (!id) {
    id = hex(sha256(new TextEncoder().encode(text)));
    ids.set(text, id);
  }
  return { persistedQuery: { version: 1, sha256Hash: id } };
}

// The session's token is kept in session storage: it lives as long as the
// tab, is never sent anywhere but the API, and sign-out clears it.
const TOKEN = 'weft.token';
const TEAM = 'weft.team';

export function loadSession(): Session | null {
  const token = sessionStorage.getItem(TOKEN);
  return token ? { token, team: sessionStorage.getItem(TEAM) ?? '' } : null;
}

export function saveSession(s: Session | null) {
  if (!s) {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(TEAM);
    return;
  }
  sessionStorage.setItem(TOKEN, s.token);
  sessionStorage.setItem(TEAM, s.team);
}

// Called when the API refuses the token (expired, revoked, unknown): the
// app signs out and says why.
let onUnauthenticated: (msg: string) => void = () => {};
export function setUnauthenticatedHandler(f: (msg: string) => void) {
  onUnauthenticated = f;
}

let current: Session | null = loadSession();
export function useSessionForRequests(s: Session | null) {
  if (s?.token !== current?.token || s?.team !== current?.team) {
    closeSubscriptions();
  }
  current = s;
}

// The highest EVENTS sequence this tab wrote or saw: queries pass it as
// minSeq so a page shown after a mutation includes it.
let seen = 0;
export function noteSeq(seq: number | null | undefined) {
  if (seq && seq > seen) seen = seq;
}
export function lastSeq(): number | undefined {
  return seen || undefined;
}

// Requests in flight, and what waits for none to be (see whenQuiet).
// Requests made by what waited (background) are not counted, so those
// run side by side rather than each waiting for the one before.
let inflight = 0;
let quietWaiters: (() => void)[] = [];
let background = false;

// whenQuiet runs f once no request is in flight, so what a page asks for
// first is not slowed by what can wait (the account, members' names). It
// returns a cancel.
export function whenQuiet(f: () => void): () => void {
  let cancelled = false;
  const run = () => {
    if (cancelled) return;
    background = true;
    try {
      f();
    } finally {
      background = false;
    }
  };
  const t = setTimeout(() => {
    if (inflight === 0) run();
    else quietWaiters.push(run);
  }, 30);
  return () => {
    cancelled = true;
    clearTimeout(t);
  };
}

export async function gql<R, V>(doc: TypedDocumentString<R, V>, variables?: V, session = current): Promise<R> {
  const counted = !background;
  if (counted) inflight++;
  try {
    return await send(doc, variables, session);
  } finally {
    if (counted) done();
  }
}

function done() {
  if (--inflight === 0 && quietWaiters.length) {
    const w = quietWaiters;
    quietWaiters = [];
    w.forEach((f) => f());
  }
}

type Answer<R> = { data?: R; errors?: GqlError[] };

// post sends one request and reads its answer; a failure to reach the
// server or an answer that is not GraphQL's is an ApiError.
async function post<R>(headers: Record<string, string>, body: string): Promise<Answer<R>> {
  let resp: Response;
  try {
    resp = await fetch('/graphql', { method: 'POST', headers, body });
  } catch {
    throw new ApiError('The weft server cannot be reached. Check that it is running, then try again.', 'UNAVAILABLE');
  }
  try {
    return await resp.json();
  } catch {
    throw new ApiError(`The server answered ${resp.status} without a GraphQL response.`, 'INTERNAL');
  }
}

function headersOf(session: Session | null): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (session?.token) headers['Authorization'] = 'Bearer ' + session.token;
  if (session?.team) headers['Weft-Team'] = session.team;
  return headers;
}

function bodyOf<V>(text: string, variables: V | undefined, withText: boolean): string {
  return JSON.stringify(withText ? { query: text, variables: variables ?? {} } : { variables: variables ?? {}, extensions: persisted(text) });
}

// Requests started before the page that reads them asks (prefetch): on a
// link's hover, focus or press, and at a navigation before the page is
// drawn, so a list's request does not wait for the click to end or for
// React to render. They are keyed by their exact body and session: a page
// takes one only if it asks for the same thing, with the same minSeq (a
// change seen live since moves minSeq, so a page never shows an answer
// older than what the tab has seen), within FRESH ms of its start.
const FRESH = 10_000;
type Parked = { at: number; answer: Promise<Answer<unknown>>; settled?: Answer<unknown> };
const parked = new Map<string, Parked>();

export function prefetch<R, V>(doc: TypedDocumentString<R, V>, variables: V, session = current) {
  if (!session?.token) return;
  const headers = headersOf(session);
  const body = bodyOf(doc.toString(), variables, false);
  const key = keyOf(session, body);
  const had = parked.get(key);
  if (had && performance.now() - had.at < FRESH) return;
  inflight++;
  const answer = post<unknown>(headers, body);
  answer.then(done, done);
  // An unread answer is dropped once stale; the page's own load sends again.
  const entry: Parked = { at: performance.now(), answer };
  answer.then((a) => (entry.settled = a), () => {});
  parked.set(key, entry);
  setTimeout(() => parked.get(key) === entry && parked.delete(key), FRESH);
}

function keyOf(session: Session | null, body: string): string {
  return `${session?.token ?? ''}\u0000${session?.team ?? ''}\u0000${body}`;
}

// answered is the data of a prefetched request for exactly this if its
// answer is already in and holds no error, taken (as gql would take it): a
// page that reads it as it is first drawn shows the data in that render,
// not a loading note and a second render once a promise has resolved.
// Otherwise undefined, and the request is left for gql to take or send.
export function answered<R, V>(doc: TypedDocumentString<R, V>, variables: V, session = current): R | undefined {
  const key = keyOf(session, bodyOf(doc.toString(), variables, false));
  const p = parked.get(key);
  const a = p?.settled as Answer<R> | undefined;
  if (!p || !a?.data || a.errors?.length || performance.now() - p.at >= FRESH) return undefined;
  parked.delete(key);
  return a.data;
}

function takeParked<R>(key: string): Promise<Answer<R>> | undefined {
  const p = parked.get(key);
  if (!p) return undefined;
  parked.delete(key);
  return performance.now() - p.at < FRESH ? (p.answer as Promise<Answer<R>>) : undefined;
}

async function send<R, V>(doc: TypedDocumentString<R, V>, variables: V | undefined, session: Session | null): Promise<R> {
  const headers = headersOf(session);
  const text = doc.toString();
  const byId = bodyOf(text, variables, false);
  let body = await (takeParked<R>(keyOf(session, byId)) ?? post<R>(headers, byId));
  if (body.errors?.[0]?.extensions?.persisted === 'not-found') body = await post<R>(headers, bodyOf(text, variables, true));
  const err = body.errors?.[0];
  if (err) {
    const code = err.extensions?.code ?? 'INTERNAL';
    if (code === 'UNAUTHENTICATED') onUnauthenticated(err.message);
    throw new ApiError(err.message, code, err.extensions?.field);
  }
  if (!body.data) throw new ApiError('The server answered without data.', 'INTERNAL');
  return body.data;
}

let ws: Client | null = null;

function wsClient(): Client {
  if (ws) return ws;
  const s = current;
  const url = new URL('/graphql', location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  ws = createClient({
    url: url.href,
    lazy: true,
    connectionParams: () => ({ Authorization: 'Bearer ' + (s?.token ?? ''), 'Weft-Team': s?.team ?? '' }),
    retryAttempts: Infinity,
    shouldRetry: (e) => !(e instanceof CloseEvent && e.code === 4403),
    retryWait: async (n) => new Promise((r) => setTimeout(r, Math.min(500 * 2 ** n, 8000))),
    on: {
      closed: (e) => {
        if (e instanceof CloseEvent && e.code === 4403) onUnauthenticated(e.reason || 'the token was refused');
      },
    },
  });
  return ws;
}

export function closeSubscriptions() {
  ws?.dispose();
  ws = null;
}

// subscribe runs a subscription until the returned function is called.
export function subscribe<R, V>(doc: TypedDocumentString<R, V>, variables: V, next: (r: R) => void, error?: (e: ApiError) => void): () => void {
  let stop = start(false);
  function start(withText: boolean): () => void {
    const text = doc.toString();
    // By id, as over HTTP (the gateway fills in the text).
    const payload = withText ? { query: text, variables: variables as Record<string, unknown> } : { query: '', variables: variables as Record<string, unknown>, extensions: persisted(text) };
    return wsClient().subscribe<R>(payload, {
      next: (v) => {
        if (v.errors?.length) {
          const e = v.errors[0] as GqlError;
          error?.(new ApiError(e.message, e.extensions?.code ?? 'INTERNAL'));
        } else if (v.data) next(v.data as R);
      },
      error: (e) => {
        const first = (Array.isArray(e) ? e[0] : undefined) as GqlError | undefined;
        if (!withText && first?.extensions?.persisted === 'not-found') {
          stop = start(true);
          return;
        }
        error?.(new ApiError(first?.message ?? (e instanceof Error ? e.message : 'the live connection ended'), first?.extensions?.code ?? 'UNAVAILABLE'));
      },
      complete: () => {},
    });
  }
  return () => stop();
}

// pageAll follows a Relay connection to its end (for the small lists a
// form picks from: clusters, devices, environments).
export async function pageAll<T>(fetchPage: (after?: string) => Promise<{ nodes: T[]; hasNext: boolean; end?: string | null }>, limit = 2000): Promise<T[]> {
  const out: T[] = [];
  let after: string | undefined;
  for (;;) {
    const p = await fetchPage(after);
    out.push(...p.nodes);
    if (!p.hasNext || !p.end || out.length >= limit) return out;
    after = p.end;
  }
}
