// The portal's figures for BENCHMARKS.md, in headless Chromium against a
// weft-server that `weft-bench portal` started and loaded with apps:
//
//   portal_first_load_gzip   scripts and styles of the first load as sent gzipped
//   portal_apps_list         navigation to the apps list shown (team of N apps),
//                            beside the same GraphQL request's own time in the page
//   portal_apps_scroll_all   scrolling through every app, and the most rows in the DOM
//   portal_mutation_visible  the CLI's mutation answered to the row on an open page
//
// Environment: WEFT_URL, WEFT_TOKEN, WEFT_TEAM, WEFT_CLI, WEFT_CONFIG,
// CHANGES (live changes timed), RUNS (navigations timed), CHROMIUM.
// Prints lines `name value unit baseline ratio` as weft-bench does.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

// Bytes of one asset as the server sends it to a browser that accepts gzip.
function sentSize(path) {
  return new Promise((resolve, reject) => {
    request(base + path, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
      let n = 0;
      res.on('data', (c) => (n += c.length));
      res.on('end', () => resolve({ n, enc: res.headers['content-encoding'] ?? 'identity' }));
    }).on('error', reject).end();
  });
}

const index = readFileSync(join(here, '..', 'dist', 'index.html'), 'utf8');
const assets = [...index.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
let gz = 0;
let raw = 0;
for (const a of assets) {
  gz += (await sentSize(a)).n;
  raw += readFileSync(join(here, '..', 'dist', a)).length;
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
    if (window.__firstRow === undefined && document.querySelector('tr[data-app]')) window.__firstRow = performance.now();
  }).observe(document, { childList: true, subtree: true });
});
const page = context.pages()[0] ?? (await context.newPage());
try {
  await page.goto(base + '/');
  await page.evaluate(([t, team]) => {
    sessionStorage.setItem('weft.token', t);
    sessionStorage.setItem('weft.team', team);
  }, [process.env.WEFT_TOKEN, process.env.WEFT_TEAM]);

  // The apps list: navigation start to the first row in the DOM; the
  // request the page sent, replayed by fetch in the same page.
  let body = '';
  page.on('request', (r) => {
    if (r.url().endsWith('/graphql') && r.method() === 'POST' && (r.postData() ?? '').includes('query Apps')) body = r.postData();
  });
  const nav = [];
  for (let i = 0; i <= runs; i++) {
    await page.goto(base + '/apps');
    await page.waitForFunction(() => window.__firstRow !== undefined);
    if (i > 0) nav.push(await page.evaluate(() => window.__firstRow));
    if (process.env.TRACE && i > 0) {
      console.error(await page.evaluate(() => {
        const n = performance.getEntriesByType('navigation')[0];
        const r = performance.getEntriesByType('resource').map((e) => `${e.name.split('/').pop()}@${Math.round(e.startTime)}-${Math.round(e.responseEnd)}`);
        return `nav resp ${Math.round(n.responseEnd)} dcl ${Math.round(n.domContentLoadedEventEnd)} first row ${Math.round(window.__firstRow)} | ${r.join(' ')}`;
      }));
    }
  }
  const total = await page.evaluate(() => document.querySelector('p.muted[aria-live]')?.textContent ?? '');
  const q = [];
  for (let i = 0; i <= runs; i++) {
    const t = await page.evaluate(async ([b, t, team]) => {
      const t0 = performance.now();
      const r = await fetch('/graphql', { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + t, 'Weft-Team': team }, body: b });
      await r.json();
      return performance.now() - t0;
    }, [body, process.env.WEFT_TOKEN, process.env.WEFT_TEAM]);
    if (i > 0) q.push(t);
  }
  console.error(`apps list: ${total}; navigation ms ${nav.map(Math.round).join(' ')}; query ms ${q.map(Math.round).join(' ')}`);
  line('portal_apps_list_p50', median(nav).toFixed(1), 'ms', median(q).toFixed(1), (median(nav) / median(q)).toFixed(2));

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

  // Live: the CLI creates apps while the environment's page is open.
  await page.goto(base + '/environments/live');
  await page.getByRole('heading', { level: 1, name: 'live' }).waitFor();
  await page.getByText('● live').waitFor();
  const lat = [];
  for (let i = 0; i < changes; i++) {
    const name = `l${String(i).padStart(4, '0')}`;
    // New apps sort last: keep the end of the list in view (rows out of
    // view are not in the DOM).
    await page.evaluate(() => {
      const box = document.querySelector('.scroll');
      if (box) box.scrollTop = box.scrollHeight;
    });
    execFileSync(process.env.WEFT_CLI, ['app', 'create', name, '--env', 'live', '--port', '80', '--backend', '10.0.0.1:80'], { env: process.env, stdio: 'ignore' });
    const answered = Date.now();
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
    lat.push((await page.evaluate((n) => window.__seen[n], name)) - answered);
  }
  line('portal_mutation_visible_p50', median(lat).toFixed(1), 'ms', '-', '-');
  line('portal_mutation_visible_p99', pct(lat, 99).toFixed(1), 'ms', '-', '-');
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
