// The first request of a page load, and the apps list's first rows drawn
// from it, before the app's script has run. vite.config.ts builds this
// file on its own and inlines it in index.html (weft-server's CSP allows
// it by its hash): it runs as the HTML is parsed, while the browser
// fetches, compiles and runs the app's 400 KB script beside it.
//
// For a signed-in tab (the token in session storage) on an apps list's
// page, it sends the list's first request with the very body the app
// would send, and leaves it in window.weftFirst, where the client
// (api/client.ts) takes it as a prefetched request: nothing is asked for
// twice. On /apps, if its answer comes before React has drawn the page,
// it draws the page as the app would draw it first (the shell, the
// heading and the first window of rows); React's first render replaces
// it, from the same answer (AppsList takes it at once, see answered).
// Tried and not kept (BENCHMARKS.md, Portal): loading the app's script
// only once the rows were drawn, or holding the app's first render until
// the answer was in, so that neither shared the CPU with the answer: the
// rows were not surely sooner, and the app came 100-500 ms later.
//
// It runs in the head, before the stylesheet: a script after a stylesheet
// waits until that has loaded, 50-150 ms from the cache on a busy machine.
import { appsListOf, appsPage, byId, headersOf, keyOf, type Session } from './api/request';
import type { AppsQuery } from './api/generated';
import { backing, dnsName, healthLine, ports } from './pages/common';
import { current, nav } from './nav';

// The Apps operation's registered id, set by the build (vite.config.ts).
declare const __APPS_ID__: string;

export type FirstRequest = { key: string; at: number; answer: Promise<unknown> };

declare global {
  interface Window {
    weftFirst?: FirstRequest;
  }
}

const ROW = 44; // px, as AppsList's rows
const SHOWN = 24; // the rows AppsList draws first: its default 600 px of view, and 10 more

// start sends the first request, and on /apps draws the rows from its answer.
function start() {
  const token = sessionStorage.getItem('weft.token');
  const team = sessionStorage.getItem('weft.team') ?? '';
  const env = appsListOf(location.pathname);
  if (!token || !team || env === null) return;
  const session: Session = { token, team };
  const body = byId(__APPS_ID__, appsPage(env || undefined));
  const answer = fetch('/graphql', { method: 'POST', headers: headersOf(session), body }).then((r) => r.json());
  window.weftFirst = { key: keyOf(session, body), at: performance.now(), answer };
  if (env !== '') return;
  answer.then((a: { data?: AppsQuery }) => {
    const data = a.data;
    if (!data) return;
    // This script runs in the head: the body may not be parsed yet (it
    // is once the document is interactive, before the app's script runs).
    if (document.readyState !== 'loading') draw(data, team);
    else document.addEventListener('readystatechange', () => draw(data, team), { once: true });
  }, () => {});
}

type Child = Node | string | false | undefined;

function h(tag: string, attrs: Record<string, string>, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) if (c !== false && c !== undefined) el.append(c);
  return el;
}

// draw puts the team's apps page in #root as the app's first render would,
// unless React has drawn there first.
function draw(data: AppsQuery, team: string) {
  const root = document.getElementById('root');
  const apps = data.apps.edges.map((e) => e.node);
  if (!root || root.firstChild || apps.length === 0) return;
  const total = data.apps.totalCount;
  const shown = apps.slice(0, SHOWN);
  const cols = ['App', 'Environment', 'Service IP', 'DNS name', 'Ports', 'Backends', 'Health check', 'Intercepted'];
  const rows = shown.map((a) =>
    h('tr', { style: `height: ${ROW}px;`, 'data-app': `${a.environment.name}/${a.name}` },
      h('td', {}, h('a', { href: `/apps/${a.id}` }, a.name)),
      h('td', {}, a.environment.name),
      h('td', {}, h('code', {}, a.serviceIp)),
      h('td', {}, h('code', {}, dnsName(a.name, a.environment.name, team))),
      h('td', {}, ports(a.spec)),
      h('td', {}, backing(a), ' ', h('span', { class: 'muted' }, `(${a.spec.lb.toLowerCase().replace('_', ' ')})`)),
      h('td', { class: 'muted' }, healthLine(a.spec)),
      h('td', {}, a.activeIntercepts.length ? a.activeIntercepts.map((i) => `${i.port.port} → ${i.deviceName ?? '?'}`).join(', ') : '—'),
    ),
  );
  const rest = apps.length - shown.length;
  root.append(
    h('a', { href: '#main', class: 'skip' }, 'Skip to content'),
    h('header', { class: 'top' },
      h('a', { href: '/', class: 'brand' }, 'weft'),
      h('label', { class: 'team' }, h('span', { class: 'sr' }, 'Team'), h('select', { 'aria-label': 'Team' }, h('option', { value: team }, team))),
      h('span', { class: 'live off', title: 'Not live: reconnecting' }, '○ reconnecting'),
      h('span', { class: 'spacer' }),
      h('span', { class: 'who' }),
      h('button', { type: 'button', class: 'small' }, 'Sign out'),
      h('button', { type: 'button', class: 'small menu-toggle', 'aria-expanded': 'false', 'aria-controls': 'nav' }, 'Menu'),
    ),
    h('div', { class: 'layout' },
      h('nav', { id: 'nav', class: '', 'aria-label': 'Pages' },
        h('ul', {}, ...nav.map(([href, label]) => h('li', {}, h('a', current(href, '/apps') ? { href, 'aria-current': 'page' } : { href }, label)))),
      ),
      h('main', { id: 'main', tabindex: '-1' },
        h('h1', {}, 'Apps'),
        h('p', { class: 'muted' }, 'Every app of the team, by environment and name. Open an environment to create one.'),
        h('p', { class: 'muted', 'aria-live': 'polite' }, `${total} apps${apps.length < total ? `, ${apps.length} loaded (more load as you scroll)` : ''}`),
        h('div', { class: 'scroll', tabindex: '0', 'aria-label': 'Apps list, scrollable', role: 'region' },
          h('table', { class: 'apps' },
            h('caption', { class: 'sr' }, 'Apps of the team'),
            h('thead', {}, h('tr', {}, ...cols.map((c) => h('th', { scope: 'col' }, c)))),
            h('tbody', {}, ...rows, rest > 0 && h('tr', { 'aria-hidden': 'true', style: `height: ${rest * ROW}px;` }, h('td', { colspan: String(cols.length) }))),
          ),
        ),
      ),
    ),
  );
}

try {
  start();
} catch {
  // No session storage (or no fetch): the app asks for itself.
}
