// What a page asks for first, started before it is drawn (see prefetch in
// api/client.ts): the apps lists, whose first page is the one request
// between a click and the rows. Pages that load this way build their
// variables here, so the request they make is the one prefetched.
import { lastSeq, prefetch } from './api/client';
import { AppsDocument } from './api/generated';

export const APPS_PAGE = 100;

// appsPage is the variables of an apps list's first page (of one
// environment, or of the team when env is undefined).
export function appsPage(env: string | undefined, minSeq = lastSeq()) {
  return { env, first: APPS_PAGE, after: undefined as string | undefined, minSeq };
}

// prefetchPage starts the first request of the page at path, if it has one
// known here.
export function prefetchPage(path: string) {
  const p = path.split(/[?#]/)[0];
  if (p === '/apps') prefetch(AppsDocument, appsPage(undefined));
  const env = /^\/environments\/([^/]+)$/.exec(p);
  if (env) prefetch(AppsDocument, appsPage(decodeURIComponent(env[1])));
}
