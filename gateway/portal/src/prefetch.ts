// What a page asks for first, started before it is drawn (see prefetch in
// api/client.ts): the apps lists, whose first page is the one request
// between a click and the rows. Pages that load this way build their
// variables here, so the request they make is the one prefetched.
import { lastSeq, prefetch } from './api/client';
import { AppsDocument } from './api/generated';
import { APPS_PAGE, appsListOf, appsPage as page } from './api/request';

export { APPS_PAGE };

// appsPage is the variables of an apps list's first page (of one
// environment, or of the team when env is undefined), at the highest
// sequence the tab has seen.
export function appsPage(env: string | undefined, minSeq = lastSeq()) {
  return page(env, minSeq);
}

// prefetchPage starts the first request of the page at path, if it has one
// known here.
export function prefetchPage(path: string) {
  const env = appsListOf(path);
  if (env !== null) prefetch(AppsDocument, appsPage(env || undefined));
}
