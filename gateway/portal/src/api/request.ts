// What a request to the API is made of, without the client around it:
// shared by the client (client.ts) and the first request a page load
// sends before the app's script has run (first.ts), which must send the
// very bytes the app would, so the app takes its answer.
export type Session = { token: string; team: string };

export function headersOf(session: Session | null): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (session?.token) headers['Authorization'] = 'Bearer ' + session.token;
  if (session?.team) headers['Weft-Team'] = session.team;
  return headers;
}

// byId is the body of an operation sent by its registered id (see
// persisted in client.ts).
export function byId(id: string, variables: unknown): string {
  return JSON.stringify({ variables: variables ?? {}, extensions: { persistedQuery: { version: 1, sha256Hash: id } } });
}

// keyOf names a request by its session and body: an answer is taken only
// by a request for the same thing.
export function keyOf(session: Session | null, body: string): string {
  return `${session?.token ?? ''}\u0000${session?.team ?? ''}\u0000${body}`;
}

export const APPS_PAGE = 100;

// appsPage is the variables of an apps list's first page (of one
// environment, or of the team when env is undefined).
export function appsPage(env: string | undefined, minSeq?: number) {
  return { env, first: APPS_PAGE, after: undefined as string | undefined, minSeq };
}

// appsListOf says which apps list the page at path opens with: '' for the
// team's (/apps), an environment's name, or null for a page without one.
export function appsListOf(path: string): string | null {
  const p = path.split(/[?#]/)[0];
  if (p === '/apps') return '';
  const env = /^\/environments\/([^/]+)$/.exec(p);
  return env ? decodeURIComponent(env[1]) : null;
}
