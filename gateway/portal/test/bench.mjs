// The portal's figures for BENCHMARKS.md, in headless Chromium against a
// weft-server that `weft-bench portal` started and loaded with apps:
//
//   portal_first_load_gzip   scripts and styles of the first load as sent gzipped
//   portal_apps_list         a full page load of /apps to its first rows shown (team
//                            of N apps), beside the list's GraphQL request replayed
//                            by fetch in the same page
//   portal_apps_list_app     the same page load to the app's own shell running (its
//                            live indicator on): the rows may be drawn before it
//   portal_apps_inapp        in the running portal, a click on the Apps link (from
//                            the Environments page) to the first rows shown, beside
//                            the same replayed request
//   portal_env_inapp         the same for a click on an environment (its page shows
//                            the environment's apps, and its services, configs,
//                            secrets and routers)
//   portal_*_inapp_click     the same two from the click (where the navigation
//                            starts) instead of the pointer's arrival
//   portal_apps_scroll_all   scrolling through every app, and the most rows in the DOM
//   portal_mutation_visible  the CLI's mutation answered to the row on an open page
//
// Environment: WEFT_URL, WEFT_TOKEN, WEFT_TEAM, WEFT_CLI, WEFT_CONFIG,
// CHANGES (live changes timed), RUNS (navigations timed), CHROMIUM; TRACE=1
// also prints where each navigation's time went, and each live change's
// time split at its event's arrival on the page's websocket; TIMELINE=file
// writes Chromium's trace of the in-app navigations there.
// Prints lines `name value unit baseline ratio` as weft-bench does.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const base = process.env.WEFT_URL;
const runs = Number(process.env.RUNS || 15);
const changes = Number(process.env.CHANGES || 100);
const here = dirname(fileURLToPath(import.meta.url));
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const pct = (a, p) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor((a.length * p) / 100))];
const line = (name, value, unit, baseline, ratio) => console.log(`${name} ${value} ${unit} ${baseline ?? '-'} ${ratio ?? '-'}`);

// Bytes of one asset as the server sends it to a browser that accepts gzip
// (or not).
function sentSize(path, gzip = true) {
  return new Promise((resolve, reject) => {
    request(base + path, { headers: gzip ? { 'Accept-Encoding': 'gzip' } : {} }, (res) => {
      let n = 0;
      res.on('data', (c) => (n += c.length));
      res.on('end', () => resolve({ n, enc: res.headers['content-encoding'] ?? 'identity' }));
    }).on('error', reject).end();
  });
}

// The portal sends operations by id (the SHA-256 of their registered text),
// so the list's requests are known by the Apps operation's id.
const registered = JSON.parse(readFileSync(join(here, '..', '..', '..', 'schemas', 'operations', 'portal.json'), 'utf8'));
const opName = new Map(registered.operations.map((o) => [createHash('sha256').update(o.query).digest('hex'), o.operationName]));
const appsId = [...opName].find(([, n]) => n === 'Apps')[0];

// The page as this server sends it (weft-bench portal --compare runs
// another tree's server, whose files are not the ones in dist/ here).
const index = await (await fetch(base + '/')).text();
// Every script and style the page names (by a tag, or in an inline
// script), and any inline script as sent (the page is not compressed).
const assets = [...new Set([...index.matchAll(/\/assets\/[\w.-]+\.(?:js|css)/g)].map((m) => m[0]))];
let gz = 0;
let raw = 0;
for (const m of index.matchAll(/<script>(.*?)<\/script>/gs)) {
  gz += Buffer.byteLength(m[1]);
  raw += Buffer.byteLength(m[1]);
}
for (const a of assets) {
  gz += (await sentSize(a)).n;
  raw += (await sentSize(a, false)).n;
}
line('portal_first_load_gzip', (gz / 1024).toFixed(1), 'KiB', (raw / 1024).toFixed(1), (gz / raw).toFixed(2));

const profile = mkdtempSync(join(tmpdir(), 'weft-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 900 },
});
context.setDefaultTimeout(60000);
// Each page records when a row first appears, by the epoch clock node shares.
await context.addInitScript(() => {
  window.__seen = {};
  new MutationObserver(() => {
    for (const tr of document.querySelectorAll('tr[data-app]')) {
      const k = tr.getAttribute('data-app');
      if (!(k in window.__seen)) window.__seen[k] = performance.timeOrigin + performance.now();
    }
    if (window.__firstRow === undefined && document.querySelector('tr[data-app]')) {
      window.__firstRow = performance.now();
      performance.mark('weft-row');
    }
    // The app's own shell, running (its live indicator turned on), for
    // a change that draws a page load's rows before the app has run.
    if (window.__app === undefined && document.querySelector('header .live:not(.off)')) window.__app = performance.now();
  }).observe(document, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['class'] });
});
// TRACE=1: in the page, when each fetch answered and its JSON was read, and
// the long tasks, to show where the time between them goes.
if (process.env.TRACE) {
  await context.addInitScript(() => {
    window.__log = [];
    const f = window.fetch;
    window.fetch = async (...a) => {
      const r = await f(...a);
      window.__log.push(`hdr ${Math.round(performance.now())}`);
      const j = r.json.bind(r);
      r.json = async () => {
        const v = await j();
        window.__log.push(`json ${Math.round(performance.now())}`);
        return v;
      };
      return r;
    };
    new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__log.push(`long ${Math.round(e.startTime)}+${Math.round(e.duration)}`))).observe({ type: 'longtask', buffered: true });
  });
}
// TRACE=1, live changes: when each app's event reached the page over the
// websocket (app.created's message), to split its time there.
if (process.env.TRACE) {
  await context.addInitScript(() => {
    window.__ev = {};
    const W = window.WebSocket;
    window.WebSocket = class extends W {
      constructor(...a) {
        super(...a);
        this.addEventListener('message', (m) => {
          const n = typeof m.data === 'string' && /app\.created/.test(m.data) && /\\?"name\\?":\\?"(l\d{4})/.exec(m.data);
          if (n && !(n[1] in window.__ev)) window.__ev[n[1]] = performance.timeOrigin + performance.now();
        });
      }
    };
  });
}
const page = context.pages()[0] ?? (await context.newPage());
try {
  await page.goto(base + '/');
  await page.evaluate(([t, team]) => {
    sessionStorage.setItem('weft.token', t);
    sessionStorage.setItem('weft.team', team);
  }, [process.env.WEFT_TOKEN, process.env.WEFT_TEAM]);

  // The apps list. Every request the page sends is counted (to wait for a
  // quiet page before a click) and the list's own is kept, by its
  // environment, to be replayed by fetch in the same page: the baseline.
  const bodies = {};
  let inflight = 0;
  const order = [];
  page.on('request', (r) => {
    if (!r.url().endsWith('/graphql') || r.method() !== 'POST') return;
    inflight++;
    const d = r.postData() ?? '';
    try {
      const v = JSON.parse(d).variables ?? {};
      // The list's requests: Apps' variables (persisted, so no text to match).
      if ('first' in v && !('after' in v && v.after) && d.includes(appsId)) bodies[v.env ?? ''] = d;
    } catch {}
    order.push(d.includes(appsId) ? 'Apps' : 'other');
  });
  const done = (r) => {
    if (r.url().endsWith('/graphql') && r.method() === 'POST') inflight--;
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  const quiet = async () => {
    for (let still = 0; still < 4; ) {
      await page.waitForTimeout(50);
      still = inflight === 0 ? still + 1 : 0;
    }
  };
  const replay = (env) =>
    page.evaluate(async ([b, t, team]) => {
      const t0 = performance.now();
      const r = await fetch('/graphql', { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + t, 'Weft-Team': team }, body: b });
      const j = await r.json();
      const ms = performance.now() - t0;
      // The baseline is the list's answer, not an error's.
      if (!j.data?.apps?.edges?.length) throw new Error('the replayed list request answered ' + JSON.stringify(j).slice(0, 300));
      return ms;
    }, [bodies[env], process.env.WEFT_TOKEN, process.env.WEFT_TEAM]);
  // inApp clicks a link of the running portal and returns the time from the
  // pointer's arrival on it (so a prefetch on hover gains nothing here) to
  // the first row of the apps list in the DOM.
  const inApp = async (selector) => {
    await page.evaluate((sel) => {
      window.__firstRow = undefined;
      window.__t0 = undefined;
      window.__tclick = undefined;
      const a = document.querySelector(sel);
      for (const ev of ['pointerover', 'pointerdown', 'click']) a.addEventListener(ev, () => (window.__t0 ??= performance.now()), { capture: true, once: true });
      a.addEventListener('click', () => (window.__tclick = performance.now()), { capture: true, once: true });
      // TIMELINE: the pointer's arrival and the first row, marked in the trace.
      a.addEventListener('pointerover', () => performance.mark('weft-t0'), { capture: true, once: true });
      // TRACE=1: when the press and the click reached the page.
      if (window.__log) {
        for (const ev of ['pointerdown', 'click']) a.addEventListener(ev, () => window.__log.push(`${ev === 'click' ? 'click' : 'down'} ${Math.round(performance.now())}`), { capture: true, once: true });
        // And when the next page's heading was drawn (before its rows).
        const h1 = document.querySelector('main h1')?.textContent;
        const o = new MutationObserver(() => {
          if (document.querySelector('main h1')?.textContent === h1) return;
          window.__log.push(`page ${Math.round(performance.now())}`);
          o.disconnect();
        });
        o.observe(document.querySelector('main'), { childList: true, subtree: true, characterData: true });
      }
    }, selector);
    // The mouse's own events (moved onto the link, pressed, released), not
    // page.click, whose checks run script in the page during the time.
    const box = await page.locator(selector).boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.up();
    await page.waitForFunction(() => window.__firstRow !== undefined);
    return page.evaluate(() => ({ pointer: window.__firstRow - window.__t0, click: window.__firstRow - window.__tclick }));
  };
  // TRACE=1: each timed step's requests, by operation, from the step's
  // start (the navigation's, or the pointer's arrival on the link).
  const traced = [];
  page.on('requestfinished', (r) => {
    if (!process.env.TRACE || !r.url().endsWith('/graphql')) return;
    const id = /"sha256Hash":"([0-9a-f]+)"/.exec(r.postData() ?? '')?.[1];
    const t = r.timing();
    traced.push({ op: opName.get(id) ?? 'text', start: t.startTime, end: t.startTime + t.responseEnd });
  });
  const trace = async (what, inApp) => {
    if (!process.env.TRACE) return;
    const p = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0];
      const log = window.__log.splice(0);
      for (const e of performance.getEntriesByType('resource')) if (/\.(js|css)$/.test(e.name)) log.unshift(`${e.name.split('/').pop()} ${Math.round(e.startTime)}-${Math.round(e.responseEnd)}`);
      return { log, origin: performance.timeOrigin, t0: window.__t0 ?? 0, row: window.__firstRow, resp: n.responseEnd, dcl: n.domContentLoadedEventEnd };
    });
    const at = p.origin + (inApp ? p.t0 : 0);
    // In the running portal, the page's marks from the pointer's arrival
    // (those before it belong to the step before).
    if (inApp) p.log = p.log.filter((e) => !/\.(js|css) /.test(e)).map((e) => e.replace(/(\w+) (-?\d+)/, (_, w, n) => `${w} ${Number(n) - Math.round(p.t0)}`)).filter((e) => !/ -/.test(e));
    const reqs = traced.filter((x) => x.end >= at).map((x) => `${x.op} ${Math.round(x.start - at)}-${Math.round(x.end - at)}`);
    traced.length = 0;
    console.error(`${what}: ${inApp ? '' : `html ${Math.round(p.resp)} dcl ${Math.round(p.dcl)} `}first row ${Math.round(p.row - (inApp ? p.t0 : 0))} | ${reqs.join(', ')} | t0 ${Math.round(p.t0)} ${p.log.join(', ')}`);
  };

  // A full load of /apps: navigation start to the first row in the DOM.
  const nav = [];
  const navQ = [];
  const navApp = [];
  for (let i = 0; i <= runs; i++) {
    await page.goto(base + '/apps');
    await page.waitForFunction(() => window.__firstRow !== undefined);
    await trace('full load');
    await quiet();
    await page.waitForFunction(() => window.__app !== undefined);
    if (i > 0) {
      nav.push(await page.evaluate(() => window.__firstRow));
      navApp.push(await page.evaluate(() => window.__app));
      navQ.push(await replay(''));
    }
  }
  const total = await page.evaluate(() => document.querySelector('p.muted[aria-live]')?.textContent ?? '');
  console.error(`apps list: ${total}; full load ms ${nav.map(Math.round).join(' ')}; query ms ${navQ.map(Math.round).join(' ')}; the app's shell live ms ${navApp.map(Math.round).join(' ')}`);
  line('portal_apps_list_p50', median(nav).toFixed(1), 'ms', median(navQ).toFixed(1), (median(nav) / median(navQ)).toFixed(2));
  line('portal_apps_list_app_p50', median(navApp).toFixed(1), 'ms', '-', '-');

  // In the running portal: from the Environments page, quiet, a click on
  // the Apps link; then back, and a click on the first environment. Each
  // beside the list's request replayed right after it.
  // TIMELINE=file: Chromium's own trace of the in-app navigations (the
  // renderer's tasks, layout, GC, the network's messages), for DevTools'
  // Performance panel or a script; each pointer arrival is the user
  // timing mark weft-t0.
  const timeline = process.env.TIMELINE && (await context.newCDPSession(page));
  if (timeline) {
    await timeline.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,blink.user_timing,v8.execute,toplevel,loading,netlog', transferMode: 'ReturnAsStream' });
  }
  const apps = [];
  const appsClick = [];
  const appsQ = [];
  const env = [];
  const envClick = [];
  const envQ = [];
  const envName = 'e0';
  const before = order.length;
  for (let i = 0; i <= runs; i++) {
    await page.click('nav a[href="/environments"]');
    await page.locator(`main a[href="/environments/${envName}"]`).waitFor();
    await quiet();
    const mark = order.length;
    const a = await inApp('nav a[href="/apps"]');
    const sent = order.slice(mark);
    // The list's request is the first the click sends, and only once.
    if (sent[0] !== 'Apps' || sent.filter((x) => x === 'Apps').length !== 1) throw new Error(`the Apps link sent ${sent.join(', ')}`);
    await trace('in-app apps', true);
    await quiet();
    await page.click('nav a[href="/environments"]');
    await page.locator(`main a[href="/environments/${envName}"]`).waitFor();
    await quiet();
    const e = await inApp(`main a[href="/environments/${envName}"]`);
    await trace('in-app env', true);
    await quiet();
    if (i > 0) {
      apps.push(a.pointer);
      appsClick.push(a.click);
      appsQ.push(await replay(''));
      env.push(e.pointer);
      envClick.push(e.click);
      envQ.push(await replay(envName));
    }
  }
  if (timeline) {
    const ended = new Promise((r) => timeline.once('Tracing.tracingComplete', r));
    await timeline.send('Tracing.end');
    const { stream } = await ended;
    const parts = [];
    for (;;) {
      const c = await timeline.send('IO.read', { handle: stream, size: 1 << 20 });
      parts.push(c.base64Encoded ? Buffer.from(c.data, 'base64') : Buffer.from(c.data));
      if (c.eof) break;
    }
    await timeline.send('IO.close', { handle: stream });
    writeFileSync(process.env.TIMELINE, Buffer.concat(parts));
    console.error(`timeline of the in-app navigations in ${process.env.TIMELINE}`);
  }
  console.error(`in-app, Apps link: ms ${apps.map(Math.round).join(' ')}; from the click ms ${appsClick.map(Math.round).join(' ')}; query ms ${appsQ.map(Math.round).join(' ')}`);
  console.error(`in-app, environment ${envName}: ms ${env.map(Math.round).join(' ')}; from the click ms ${envClick.map(Math.round).join(' ')}; query ms ${envQ.map(Math.round).join(' ')}`);
  line('portal_apps_inapp_p50', median(apps).toFixed(1), 'ms', median(appsQ).toFixed(1), (median(apps) / median(appsQ)).toFixed(2));
  line('portal_env_inapp_p50', median(env).toFixed(1), 'ms', median(envQ).toFixed(1), (median(env) / median(envQ)).toFixed(2));
  // From the click, where a single-page app's navigation starts: the
  // pointer's arrival above also counts the 10-30 ms this bench's press
  // and release take to reach the page (each a round trip to the browser),
  // which the list's request, sent on the pointer's arrival, overlaps.
  line('portal_apps_inapp_click_p50', median(appsClick).toFixed(1), 'ms', median(appsQ).toFixed(1), (median(appsClick) / median(appsQ)).toFixed(2));
  line('portal_env_inapp_click_p50', median(envClick).toFixed(1), 'ms', median(envQ).toFixed(1), (median(envClick) / median(envQ)).toFixed(2));
  if (order.length === before) throw new Error('no request seen');
  await page.click('nav a[href="/apps"]');
  await page.locator('tr[data-app]').first().waitFor();

  // Scroll through every app: rows load a page at a time; the DOM keeps
  // only those in view.
  const scroll = await page.evaluate(async () => {
    const box = document.querySelector('.scroll');
    const t0 = performance.now();
    let maxRows = 0;
    for (let i = 0; i < 100000; i++) {
      box.scrollTop = box.scrollHeight;
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      maxRows = Math.max(maxRows, box.querySelectorAll('tbody tr[data-app]').length);
      const m = document.querySelector('p.muted[aria-live]')?.textContent ?? '';
      if (!m.includes('loaded')) break;
    }
    box.scrollTop = box.scrollHeight;
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return { ms: performance.now() - t0, maxRows, last: [...box.querySelectorAll('tbody tr[data-app]')].pop()?.getAttribute('data-app') };
  });
  console.error(`scrolled to ${scroll.last}`);
  line('portal_apps_scroll_all', scroll.ms.toFixed(0), 'ms', '-', '-');
  line('portal_apps_max_dom_rows', scroll.maxRows, 'rows', '-', '-');

  // Live: the CLI creates apps while the environment's page is open
  // (none with CHANGES=0: weft-bench portal --compare's runs share a team).
  if (changes > 0) {
    await page.goto(base + '/environments/live');
    await page.getByRole('heading', { level: 1, name: 'live' }).waitFor();
    await page.getByText('● live').waitFor();
    const lat = [];
    const parts = [];
    for (let i = 0; i < changes; i++) {
      const name = `l${String(i).padStart(4, '0')}`;
      // New apps sort last: keep the end of the list in view (rows out of
      // view are not in the DOM).
      await page.evaluate(() => {
        const box = document.querySelector('.scroll');
        if (box) box.scrollTop = box.scrollHeight;
      });
      // The answer's time is when the CLI prints it, not when its process
      // has exited (on a busy machine the row is often shown before that).
      const answered = await new Promise((resolve, reject) => {
        const cli = spawn(process.env.WEFT_CLI, ['app', 'create', name, '--env', 'live', '--port', '80', '--backend', '10.0.0.1:80'], { env: process.env, stdio: ['ignore', 'pipe', 'ignore'] });
        let at;
        cli.stdout.on('data', () => (at ??= Date.now()));
        cli.on('error', reject);
        cli.on('exit', (code) => (code === 0 && at ? resolve(at) : reject(new Error(`weft app create ${name}: exit ${code}${at ? '' : ', printed nothing'}`))));
      });
      try {
        await page.waitForFunction((n) => n in window.__seen, name);
      } catch (e) {
        const state = await page.evaluate(() => ({
          live: document.querySelector('.live')?.textContent,
          list: document.querySelector('p.muted[aria-live]')?.textContent,
          errors: [...document.querySelectorAll('.error')].map((x) => x.textContent),
          seen: Object.keys(window.__seen).slice(-5),
        }));
        throw new Error(`${name} never appeared: ${JSON.stringify(state)}`, { cause: e });
      }
      const shown = await page.evaluate((n) => window.__seen[n], name);
      lat.push(shown - answered);
      if (process.env.TRACE) {
        const ev = await page.evaluate((n) => window.__ev[n], name);
        parts.push([ev - answered, shown - ev]);
      }
    }
    if (process.env.TRACE) {
      const p = (i, q) => pct(parts.map((x) => x[i]), q).toFixed(0);
      console.error(`live: answer to event on the page p50 ${p(0, 50)} p90 ${p(0, 90)} p99 ${p(0, 99)} ms; event to row shown p50 ${p(1, 50)} p90 ${p(1, 90)} p99 ${p(1, 99)} ms`);
      console.error(`live, each (answer→event, event→row): ${parts.map((x) => x.map(Math.round).join('/')).join(' ')}`);
    }
    line('portal_mutation_visible_p50', median(lat).toFixed(1), 'ms', '-', '-');
    line('portal_mutation_visible_p99', pct(lat, 99).toFixed(1), 'ms', '-', '-');
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
