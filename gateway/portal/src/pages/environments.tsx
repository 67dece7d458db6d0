import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { flushSync } from 'react-dom';
import { ApiError, answered, gql, lastSeq, noteSeq, pageAll, loadSession } from '../api/client';
import {
  AppRowDocument, AppsDocument, ClustersDocument, CreateAppDocument, CreateEnvironmentDocument, CreateServiceDocument, DeleteEnvironmentDocument,
  EnvironmentDocument, EnvironmentsDocument, type AppFieldsFragment, type EventFieldsFragment, type LbMode, type Protocol, type ServiceKind,
} from '../api/generated';
import { useLoad } from '../hooks';
import { APPS_PAGE as PAGE, appsPage } from '../prefetch';
import { useLive } from '../live';
import { envOf, fromEvent } from '../liveapps';
import { Link, navigate } from '../router';
import { Empty, ErrorNote, Field, Loading, When, fieldError, formError } from '../ui';
import { backing, dnsName, healthLine, ports } from './common';
import { EnvHistory } from './envhistory';
import { ConfigsSection, RoutersSection, SecretsSection, ServicesSection } from './envresources';

export function Environments() {
  const q = useLoad((minSeq) => pageAll(async (after) => {
    const r = await gql(EnvironmentsDocument, { first: 100, after, minSeq: minSeq ?? lastSeq() });
    return { nodes: r.environments.edges.map((e) => e.node), hasNext: r.environments.pageInfo.hasNextPage, end: r.environments.pageInfo.endCursor };
  }), []);
  useLive(['env', 'app', 'service', 'cluster'], (seq) => q.reload(seq));
  return (
    <>
      <h1>Environments</h1>
      <p className="muted">An environment is a named place for apps and managed services in one cluster.</p>
      {q.error && <ErrorNote error={q.error} what="list environments" />}
      {!q.data ? (
        !q.error && <Loading what="environments" />
      ) : q.data.length === 0 ? (
        <Empty>No environment yet: create the first one below (it needs a cluster).</Empty>
      ) : (
        <table>
          <caption className="sr">Environments</caption>
          <thead>
            <tr><th scope="col">Name</th><th scope="col">Cluster</th><th scope="col">Apps</th><th scope="col">Managed services</th><th scope="col">Created</th></tr>
          </thead>
          <tbody>
            {q.data.map((e) => (
              <tr key={e.id}>
                <td><Link href={`/environments/${encodeURIComponent(e.name)}`}>{e.name}</Link></td>
                <td>{e.clusterGone ? <span className="muted">deleted cluster</span> : e.cluster.name}</td>
                <td>{e.appCount}</td>
                <td>{e.serviceCount}</td>
                <td><When t={e.createdAt} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <CreateEnvironment onCreated={(seq) => q.reload(seq)} />
    </>
  );
}

function CreateEnvironment({ onCreated }: { onCreated: (seq: number) => void }) {
  const clusters = useLoad(() => pageAll(async (after) => {
    const r = await gql(ClustersDocument, { first: 100, after, minSeq: lastSeq() });
    return { nodes: r.clusters.edges.map((e) => e.node), hasNext: r.clusters.pageInfo.hasNextPage, end: r.clusters.pageInfo.endCursor };
  }), []);
  const [name, setName] = useState('');
  const [cluster, setCluster] = useState('');
  const [err, setErr] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!cluster && clusters.data?.length) setCluster(clusters.data[0].id);
  }, [clusters.data, cluster]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const r = await gql(CreateEnvironmentDocument, { input: { name: name.trim(), clusterId: cluster } });
      noteSeq(r.createEnvironment.seq);
      setName('');
      setErr(null);
      onCreated(r.createEnvironment.seq);
    } catch (e) {
      setErr(e as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section>
      <h2>Create an environment</h2>
      {clusters.data?.length === 0 ? (
        <Empty>The team has no cluster: <Link href="/clusters">create a cluster</Link> first.</Empty>
      ) : (
        <form onSubmit={submit} className="inline-form" aria-label="Create an environment">
          <Field label="Name" error={fieldError(err, 'name')} hint="lowercase letters, digits and dashes">
            {(id, d) => <input id={id} aria-describedby={d} name="env-name" required value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label="Cluster" error={fieldError(err, 'clusterId', 'cluster')}>
            {(id, d) => (
              <select id={id} aria-describedby={d} value={cluster} onChange={(e) => setCluster(e.target.value)} required>
                {clusters.data?.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
              </select>
            )}
          </Field>
          <button type="submit" disabled={busy}>{busy ? 'Creating…' : 'Create environment'}</button>
        </form>
      )}
      <ErrorNote error={formError(err, ['name', 'clusterId', 'cluster'])} what="create the environment" />
    </section>
  );
}

const ROW = 44; // px: the apps table's row height, for windowing

// pathOf is an app's place in the API's order: environment, then name.
function pathOf(a: AppFieldsFragment): string {
  return `${a.environment.name}\u0000${a.name}`;
}

// place puts app in list (without any row of its id) at its place in the
// API's order; past the last loaded row, with more pages to come, it is
// left out: it shows when the list is scrolled there.
function place(list: AppFieldsFragment[], app: AppFieldsFragment, more: boolean): AppFieldsFragment[] {
  const key = pathOf(app);
  const at = list.findIndex((r) => pathOf(r) > key);
  if (at < 0) return more ? list : [...list, app];
  return [...list.slice(0, at), app, ...list.slice(at)];
}

// placeEvent puts an app's event in place in list from its data, and says
// by how much the app count changed; delta undefined: the event does not
// say enough, and list is unchanged.
function placeEvent(list: AppFieldsFragment[], e: EventFieldsFragment, more: boolean): { list: AppFieldsFragment[]; delta?: number } {
  const old = list.find((r) => r.id === e.aggregateId);
  const names = {
    env: (id: string) => list.find((r) => r.environment.id === id)?.environment.name,
    cluster: (id: string) => list.find((r) => r.cluster.id === id)?.cluster.name,
  };
  const o = fromEvent(e, old, names);
  if ('unknown' in o) return { list };
  const rest = old ? list.filter((r) => r !== old) : list;
  if ('gone' in o) return { list: rest, delta: old || envOf(e) ? -1 : 0 };
  return { list: place(rest, o.row, more), delta: old ? 0 : 1 };
}
// AppsList shows an environment's apps a page at a time: rows are fetched
// by Relay cursor as the list scrolls near its end, and only the rows in
// view are in the DOM, so 10,000 apps scroll without all being loaded.
export function AppsList({ env, team, onFirstPage }: { env?: string; team: string; onFirstPage?: (env?: string) => void }) {
  // The first page, if the request sent before the list was drawn (on the
  // link's hover or press) has its answer in already: the first render
  // shows its rows, with no loading note and no second render.
  const [first] = useState(() => answered(AppsDocument, appsPage(env))?.apps);
  const [rows, setRows] = useState<AppFieldsFragment[]>(() => first?.edges.map((e) => e.node) ?? []);
  const [total, setTotal] = useState<number | null>(first?.totalCount ?? null);
  const [end, setEnd] = useState<{ next: boolean; cursor?: string | null }>(first ? { next: first.pageInfo.hasNextPage, cursor: first.pageInfo.endCursor } : { next: true });
  const [err, setErr] = useState<ApiError | null>(null);
  const [top, setTop] = useState(0);
  // The list's box is at most 60vh high (.scroll): that is its height
  // until the box is measured, so the first window of rows is drawn
  // without reading the layout.
  const [height, setHeight] = useState(() => Math.ceil(innerHeight * 0.6));
  // Rows drawn beyond the view on each side, for a smooth scroll: none in
  // the list's first render (the rows in view are what it waits for, and
  // each row drawn costs), ten once the box has been laid out.
  const [overscan, setOverscan] = useState(0);
  const loading = useRef(false);
  const gen = useRef(0);
  // The rows as last set, for live events to decide on at once (the state
  // is only read at the next render).
  const held = useRef<AppFieldsFragment[]>(rows);
  const more = useRef(first?.pageInfo.hasNextPage ?? true);
  const tookFirst = useRef(first !== undefined);
  // Whether the list's first answer has been shown (rows, or none).
  const shown = useRef(first !== undefined);
  const update = (f: (old: AppFieldsFragment[]) => AppFieldsFragment[]) => {
    held.current = f(held.current);
    setRows(held.current);
  };
  // Events put in place from their data while a reset's request is out:
  // its answer may be older than they are, so they are put in place on
  // it again. Deleted apps: an answer to a fetch may be older than that.
  const sinceReset = useRef<EventFieldsFragment[] | null>(null);
  const gone = useRef(new Set<string>());

  const load = async (reset: boolean, minSeq?: number) => {
    if (loading.current && !reset) return;
    loading.current = true;
    const g = reset ? ++gen.current : gen.current;
    if (reset) sinceReset.current = [];
    try {
      // A reset (live change) reloads as many rows as were shown.
      // The first page's variables are appsPage's, so a prefetched request
      // (on the link's hover or press, or at the navigation) is taken.
      const first = reset ? Math.max(PAGE, Math.min(held.current.length, 1000)) : PAGE;
      const r = await gql(AppsDocument, { ...appsPage(env, minSeq ?? lastSeq()), first, after: reset ? undefined : (end.cursor ?? undefined) });
      if (g !== gen.current) return;
      const nodes = r.apps.edges.map((e) => e.node);
      more.current = r.apps.pageInfo.hasNextPage;
      const apply = () => {
        if (reset) {
          const again = sinceReset.current ?? [];
          sinceReset.current = null;
          update(() => again.reduce((list, e) => placeEvent(list, e, more.current).list, nodes));
        } else {
          update((old) => [...old, ...nodes]);
        }
        setTotal(r.apps.totalCount);
        setEnd({ next: r.apps.pageInfo.hasNextPage, cursor: r.apps.pageInfo.endCursor });
        setErr(null);
      };
      // The list's first rows are drawn in the task that read the answer,
      // not in a render scheduled after it (other tasks may run first).
      if (shown.current) apply();
      else flushSync(apply);
    } catch (e) {
      setErr(e as ApiError);
    } finally {
      loading.current = false;
    }
  };
  const firstPage = useRef(onFirstPage);
  firstPage.current = onFirstPage;
  useEffect(() => {
    if (tookFirst.current) {
      tookFirst.current = false;
      firstPage.current?.(env);
      return;
    }
    load(true).finally(() => {
      shown.current = true;
      firstPage.current?.(env);
    });
  }, [env]); // eslint-disable-line react-hooks/exhaustive-deps
  // An app's creation, change or deletion is put in place from its event
  // as it arrives (src/liveapps.ts): no request stands between the event
  // and the row. Other changes to a few apps fetch those apps by id
  // (a page of a large team's list costs far more than one app);
  // intercepts, or many changes at once, reload what is shown.
  const take = (e: EventFieldsFragment) => {
    if (e.aggregateType !== 'app') return false;
    // Another environment's app changes nothing here.
    const at = envOf(e);
    if (env && at && at !== env) return true;
    let delta: number | undefined;
    update((old) => {
      const r = placeEvent(old, e, more.current);
      delta = r.delta;
      return r.list;
    });
    if (delta === undefined) {
      // A new app whose row the list cannot make yet (the first of a
      // list, which knows no name for its cluster): asked for at once,
      // not after the batch's wait.
      if (e.type !== 'console.app.created') return false;
      fetchSome(e.seq, [e]);
      return true;
    }
    if (e.type.endsWith('.deleted')) gone.current.add(e.aggregateId);
    sinceReset.current?.push(e);
    if (delta) setTotal((t) => (t ?? 0) + (delta ?? 0));
    return true;
  };
  const fetchSome = async (seq: number, evs: EventFieldsFragment[]) => {
    const ids = [...new Set(evs.filter((e) => e.aggregateType === 'app').map((e) => e.aggregateId))];
    if (evs.some((e) => e.aggregateType !== 'app') || ids.length > 20) {
      load(true, seq);
      return;
    }
    const gen0 = gen.current;
    try {
      const got = await Promise.all(ids.map(async (id) => ({ id, app: (await gql(AppRowDocument, { id, minSeq: seq })).app })));
      if (gen0 !== gen.current) return;
      let delta = 0;
      update((old) => {
        let next = old;
        for (const { id, app } of got) {
          const had = next.find((r) => r.id === id);
          const created = evs.some((e) => e.aggregateId === id && e.type.endsWith('.created'));
          // An answer older than what an event already put in place
          // (a deletion, a newer spec) does not undo it.
          if (app && (gone.current.has(id) || (had && had.generation > app.generation))) continue;
          next = next.filter((r) => r.id !== id);
          if (app && (!env || app.environment.name === env)) {
            next = place(next, app, more.current);
            if (!had && created) delta++;
          } else if (had || (!app && evs.some((e) => e.aggregateId === id && e.type.endsWith('.deleted')))) {
            delta--;
          }
        }
        return next;
      });
      if (delta) setTotal((t) => (t ?? 0) + delta);
    } catch {
      load(true, seq);
    }
  };
  useLive(['app', 'intercept'], fetchSome, take);
  // The box's height, as laid out: observed (a short list's box is lower
  // than 60vh, a phone's screen is lower too), never read during a render's
  // task, which would force the page's layout before the rows are shown.
  const box = useCallback((el: HTMLDivElement | null) => {
    if (!el) return;
    const o = new ResizeObserver(([e]) => {
      setHeight(Math.round(e.contentRect.height));
      setOverscan(10);
    });
    o.observe(el);
    return () => o.disconnect();
  }, []);
  useEffect(() => {
    if (end.next && !loading.current && rows.length > 0 && (top + height) / ROW > rows.length - PAGE / 2) load(false);
  }, [top, height, rows.length, end]); // eslint-disable-line react-hooks/exhaustive-deps

  if (err && rows.length === 0) return <ErrorNote error={err} what="list the apps" />;
  if (total === null) return <Loading what="apps" />;
  if (total === 0)
    return env ? (
      <Empty>No app in this environment yet: create one below, or with <code>weft app create NAME --env {env}</code>.</Empty>
    ) : (
      <Empty>No app in this team yet: open an <Link href="/environments">environment</Link> to create one.</Empty>
    );
  const cols = env ? 7 : 8;
  const from = Math.max(0, Math.floor(top / ROW) - overscan);
  const to = Math.min(rows.length, Math.ceil((top + height) / ROW) + overscan);
  return (
    <>
      <p className="muted" aria-live="polite">{total} apps{rows.length < total ? `, ${rows.length} loaded (more load as you scroll)` : ''}</p>
      <div className="scroll" ref={box} onScroll={(e) => setTop(e.currentTarget.scrollTop)} tabIndex={0} aria-label="Apps list, scrollable" role="region">
        <table className="apps">
          <caption className="sr">{env ? `Apps in ${env}` : 'Apps of the team'}</caption>
          <thead>
            <tr><th scope="col">App</th>{!env && <th scope="col">Environment</th>}<th scope="col">Service IP</th><th scope="col">DNS name</th><th scope="col">Ports</th><th scope="col">Backends</th><th scope="col">Health check</th><th scope="col">Intercepted</th></tr>
          </thead>
          <tbody>
            {from > 0 && <tr aria-hidden="true" style={{ height: from * ROW }}><td colSpan={cols} /></tr>}
            {rows.slice(from, to).map((a) => (
              <tr key={a.id} style={{ height: ROW }} data-app={env ? a.name : `${a.environment.name}/${a.name}`}>
                <td><Link href={`/apps/${a.id}`}>{a.name}</Link></td>
                {!env && <td>{a.environment.name}</td>}
                <td><code>{a.serviceIp}</code></td>
                <td><code>{dnsName(a.name, a.environment.name, team)}</code></td>
                <td>{ports(a.spec)}</td>
                <td>{backing(a)} <span className="muted">({a.spec.lb.toLowerCase().replace('_', ' ')})</span></td>
                <td className="muted">{healthLine(a.spec)}</td>
                <td>{a.activeIntercepts.length ? a.activeIntercepts.map((i) => `${i.port.port} → ${i.deviceName ?? '?'}`).join(', ') : '—'}</td>
              </tr>
            ))}
            {to < rows.length && <tr aria-hidden="true" style={{ height: (rows.length - to) * ROW }}><td colSpan={cols} /></tr>}
          </tbody>
        </table>
      </div>
      {err && <ErrorNote error={err} what="load more apps" />}
    </>
  );
}

export function EnvironmentPage({ name }: { name: string }) {
  const team = loadSession()?.team ?? '';
  // The apps list's request goes first and alone (its rows are what the
  // page is opened for, and on a busy server five requests beside it slow
  // it several times): the sections below ask for theirs once its first
  // page has answered, all at once.
  const [listed, setListed] = useState('');
  const [delErr, setDelErr] = useState<ApiError | null>(null);
  const del = async () => {
    if (!confirm(`Delete the environment ${name}? It must be empty.`)) return;
    try {
      const r = await gql(DeleteEnvironmentDocument, { name });
      noteSeq(r.deleteEnvironment.seq);
      navigate('/environments');
    } catch (e) {
      setDelErr(e as ApiError);
    }
  };
  return (
    <>
      <p className="crumbs"><Link href="/environments">Environments</Link> /</p>
      <h1>{name}</h1>
      <section>
        <h2>Apps</h2>
        <AppsList env={name} team={team} onFirstPage={(e) => setListed(e ?? '')} />
        <CreateApp env={name} />
      </section>
      {listed === name ? <EnvironmentSections name={name} team={team} /> : <Loading what="the managed services, configs, secrets and routers" />}
      <section>
        <h2>Environment</h2>
        <button type="button" className="danger" onClick={del}>Delete environment</button>
        <ErrorNote error={delErr} what="delete the environment" />
      </section>
    </>
  );
}

function EnvironmentSections({ name, team }: { name: string; team: string }) {
  const env = useLoad(async () => (await gql(EnvironmentDocument, { name, minSeq: lastSeq() })).environment, [name]);
  const [history, setHistory] = useState(false);
  return (
    <>
      <ServicesSection env={name} team={team} create={(onCreated) => <CreateService env={name} onCreated={onCreated} />} />
      <ConfigsSection env={name} />
      <SecretsSection env={name} />
      <RoutersSection env={name} />
      <section>
        <h2>History</h2>
        {env.error && <ErrorNote error={env.error} what="load the environment" />}
        {/* Read from the log only when asked: a large team has many events to go through. */}
        <details className="form-box" onToggle={(e) => setHistory(e.currentTarget.open)}>
          <summary>The environment as of a moment</summary>
          {history && (env.data ? <EnvHistory envId={env.data.id} createdAt={env.data.createdAt} /> : !env.error && <Loading what="the environment" />)}
        </details>
      </section>
    </>
  );
}

// parsePorts reads "80, 443/tcp, 53/udp" into the API's port inputs.
export function parsePorts(s: string): { port: number; protocol?: Protocol }[] {
  return s.split(/[\s,]+/).filter(Boolean).map((p) => {
    const [n, proto] = p.split('/');
    return { port: Number(n), protocol: proto ? (proto.toUpperCase() as Protocol) : undefined };
  });
}

function parseList(s: string): string[] {
  return s.split(/[\s,]+/).filter(Boolean);
}

type SpecState = { ports: string; backends: string; lb: LbMode; check: 'TCP' | 'HTTP'; path: string };

function SpecFields({ s, set, err }: { s: SpecState; set: (s: SpecState) => void; err: ApiError | null }) {
  return (
    <>
      <Field label="Ports" error={fieldError(err, 'ports', 'port', 'protocol')} hint="e.g. 80, 443/tcp, 53/udp">
        {(id, d) => <input id={id} aria-describedby={d} required value={s.ports} onChange={(e) => set({ ...s, ports: e.target.value })} />}
      </Field>
      <Field label="Backends" error={fieldError(err, 'backends')} hint="host:port, separated by commas">
        {(id, d) => <input id={id} aria-describedby={d} value={s.backends} onChange={(e) => set({ ...s, backends: e.target.value })} />}
      </Field>
      <Field label="Load balancing" error={fieldError(err, 'lb')}>
        {(id, d) => (
          <select id={id} aria-describedby={d} value={s.lb} onChange={(e) => set({ ...s, lb: e.target.value as LbMode })}>
            <option value="ROUND_ROBIN">round robin</option>
            <option value="RANDOM">random</option>
            <option value="FAILOVER">failover</option>
          </select>
        )}
      </Field>
      <Field label="Health check" error={fieldError(err, 'health')}>
        {(id, d) => (
          <select id={id} aria-describedby={d} value={s.check} onChange={(e) => set({ ...s, check: e.target.value as 'TCP' | 'HTTP' })}>
            <option value="TCP">TCP connect</option>
            <option value="HTTP">HTTP GET</option>
          </select>
        )}
      </Field>
      {s.check === 'HTTP' && (
        <Field label="Health path" error={fieldError(err, 'path')}>
          {(id, d) => <input id={id} aria-describedby={d} value={s.path} onChange={(e) => set({ ...s, path: e.target.value })} placeholder="/healthz" />}
        </Field>
      )}
    </>
  );
}

function specInput(s: SpecState) {
  return {
    ports: parsePorts(s.ports),
    backends: parseList(s.backends),
    lb: s.lb,
    health: { type: s.check, path: s.check === 'HTTP' ? s.path || '/' : undefined },
  };
}

const specFields = ['ports', 'port', 'protocol', 'backends', 'lb', 'health', 'path'];

function CreateApp({ env }: { env: string }) {
  const [name, setName] = useState('');
  const [spec, setSpec] = useState<SpecState>({ ports: '80', backends: '', lb: 'ROUND_ROBIN', check: 'TCP', path: '' });
  const [err, setErr] = useState<ApiError | null>(null);
  const [done, setDone] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const r = await gql(CreateAppDocument, { input: { env, name: name.trim(), spec: specInput(spec) } });
      noteSeq(r.createApp.seq);
      setDone(`Created ${r.createApp.app.name} at ${r.createApp.app.serviceIp}.`);
      setName('');
      setErr(null);
    } catch (e) {
      setErr(e as ApiError);
      setDone('');
    }
  };
  return (
    <details className="form-box">
      <summary>Create an app</summary>
      <form onSubmit={submit} aria-label="Create an app">
        <Field label="App name" error={fieldError(err, 'name')}>
          {(id, d) => <input id={id} aria-describedby={d} name="app-name" required value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <SpecFields s={spec} set={setSpec} err={err} />
        <button type="submit">Create app</button>
        {done && <p role="status" className="ok">{done}</p>}
        <ErrorNote error={formError(err, ['name', ...specFields])} what="create the app" />
      </form>
    </details>
  );
}

const kinds: ServiceKind[] = ['POSTGRES', 'MYSQL', 'REDIS', 'MONGODB', 'KAFKA', 'RABBITMQ', 'ELASTICSEARCH', 'OTHER'];

function CreateService({ env, onCreated }: { env: string; onCreated: (seq: number) => void }) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState<ServiceKind>('POSTGRES');
  const [run, setRun] = useState(true);
  const [version, setVersion] = useState('');
  const [storage, setStorage] = useState('');
  const [spec, setSpec] = useState<SpecState>({ ports: '5432', backends: '', lb: 'FAILOVER', check: 'TCP', path: '' });
  const [err, setErr] = useState<ApiError | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      // A service its cluster runs has no spec: the kind gives its port.
      const input = run
        ? { env, name: name.trim(), kind, version: version.trim() || undefined, storage: storage.trim() || undefined }
        : { env, name: name.trim(), kind, spec: specInput(spec) };
      const r = await gql(CreateServiceDocument, { input });
      noteSeq(r.createService.seq);
      setName('');
      setErr(null);
      onCreated(r.createService.seq);
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  return (
    <details className="form-box">
      <summary>Add a managed service</summary>
      <form onSubmit={submit} aria-label="Add a managed service">
        <Field label="Service name" error={fieldError(err, 'name')}>
          {(id, d) => <input id={id} aria-describedby={d} required value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Kind" error={fieldError(err, 'kind')}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={kind} onChange={(e) => setKind(e.target.value as ServiceKind)}>
              {kinds.map((k) => <option key={k} value={k}>{k.toLowerCase()}</option>)}
            </select>
          )}
        </Field>
        <Field label="Runs">
          {(id) => (
            <select id={id} value={run ? 'cluster' : 'backends'} onChange={(e) => setRun(e.target.value === 'cluster')}>
              <option value="cluster">in its cluster (Kubernetes mode: the kind's official image and a volume)</option>
              <option value="backends">elsewhere, in front of fixed backends</option>
            </select>
          )}
        </Field>
        {run ? (
          <>
            <Field label="Version" error={fieldError(err, 'version')} hint="of the kind's image, e.g. 17; empty: the kind's default">
              {(id, d) => <input id={id} aria-describedby={d} value={version} onChange={(e) => setVersion(e.target.value)} />}
            </Field>
            <Field label="Storage" error={fieldError(err, 'storage')} hint="its volume, 64Mi to 64Ti; empty: 1Gi">
              {(id, d) => <input id={id} aria-describedby={d} value={storage} onChange={(e) => setStorage(e.target.value)} />}
            </Field>
          </>
        ) : (
          <SpecFields s={spec} set={setSpec} err={err} />
        )}
        <button type="submit">Add service</button>
        <ErrorNote error={formError(err, ['name', 'kind', 'version', 'storage', ...specFields])} what="add the managed service" />
      </form>
    </details>
  );
}

// AllApps is every app of the team, by environment and name.
export function AllApps() {
  const team = loadSession()?.team ?? '';
  return (
    <>
      <h1>Apps</h1>
      <p className="muted">Every app of the team, by environment and name. Open an environment to create one.</p>
      <AppsList team={team} />
    </>
  );
}
