import { useMemo, useState } from 'react';
import { ApiError, gql, pageAll } from '../api/client';
import { EventsDocument, ResourceAsOfDocument } from '../api/generated';
import { useLoad } from '../hooks';
import { ErrorNote, Loading } from '../ui';
import { flatten } from './timetravel';

const MAX_APPS = 200;

type Shape = { serviceIp?: string; spec?: { ports?: { port: number; protocol: string }[]; backends?: string[]; lb?: string }; deleted?: boolean };

function line(r: Shape | null): string {
  if (!r || r.deleted) return '';
  const s = r.spec ?? {};
  return `${r.serviceIp ?? ''} · ${(s.ports ?? []).map((p) => `${p.port}/${p.protocol}`).join(', ')} → ${(s.backends ?? []).join(', ') || 'no backends'}${s.lb ? ` (${s.lb})` : ''}`;
}

// asOf is an app's state at t, or null where it did not exist then.
async function asOf(id: string, t: string): Promise<Shape | null> {
  try {
    const r = await gql(ResourceAsOfDocument, { aggregateType: 'app', aggregateId: id, time: t });
    return (r.resourceAsOf?.resource as Shape) ?? null;
  } catch (e) {
    if (e instanceof ApiError && e.code === 'NOT_FOUND') return null;
    throw e;
  }
}

function toLocalInput(d: Date): string {
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 19);
}

// EnvHistory shows the whole environment as of a moment: every app ever
// created in it (from the audit log), each as the API's as-of query shows
// it then and now, with apps added, removed or changed since highlighted.
export function EnvHistory({ envId, createdAt }: { envId: string; createdAt?: string | null }) {
  const apps = useLoad(async () => {
    const created = await pageAll(async (after) => {
      const r = await gql(EventsDocument, { first: 200, after, filter: { aggregateType: 'app', types: ['console.app.created'] } });
      return { nodes: r.events.edges.map((e) => e.node), hasNext: r.events.pageInfo.hasNextPage, end: r.events.pageInfo.endCursor };
    }, 5000);
    return created
      .filter((e) => (e.data as { envId?: string } | null)?.envId === envId)
      .map((e) => ({ id: e.aggregateId, name: (e.data as { name?: string }).name ?? e.aggregateId }))
      .slice(0, MAX_APPS);
  }, [envId]);
  const start = useMemo(() => (createdAt ? new Date(createdAt).getTime() : Date.now() - 3600_000), [createdAt]);
  const [now] = useState(() => Date.now());
  const [pos, setPos] = useState(1000);
  const [typed, setTyped] = useState('');
  const t = typed ? new Date(typed) : new Date(start + ((now - start) * pos) / 1000);
  const states = useLoad(async () => {
    if (!apps.data) return null;
    const nowIso = new Date().toISOString();
    return Promise.all(apps.data.map(async (a) => ({ ...a, then: await asOf(a.id, t.toISOString()), now: await asOf(a.id, nowIso) })));
  }, [apps.data, t.getTime()]);
  if (apps.error) return <ErrorNote error={apps.error} what="read the environment's history" />;
  if (!apps.data) return <Loading what="the environment's apps" />;
  if (!apps.data.length) return <p className="muted">No app was ever created in this environment.</p>;
  return (
    <div className="timetravel">
      <div className="inline-form">
        <div className="field grow">
          <label htmlFor="env-tt">Environment as of {t.toLocaleString()}</label>
          <input id="env-tt" type="range" min={0} max={1000} value={pos} onChange={(e) => { setTyped(''); setPos(Number(e.target.value)); }} aria-valuetext={t.toLocaleString()} />
        </div>
        <div className="field">
          <label htmlFor="env-tt-time">or a date and time</label>
          <input id="env-tt-time" type="datetime-local" step={1} value={typed || toLocalInput(t)} onChange={(e) => setTyped(e.target.value)} />
        </div>
      </div>
      {states.error && <ErrorNote error={states.error} what="load that moment" />}
      {!states.data ? (
        <Loading what="that moment" />
      ) : (
        <table className="diff">
          <caption>Apps then and now; rows that differ are highlighted.</caption>
          <thead><tr><th scope="col">App</th><th scope="col">Then</th><th scope="col">Now</th></tr></thead>
          <tbody>
            {states.data.map((a) => {
              const then = line(a.then);
              const nowL = line(a.now);
              const differ = [...flatten(a.then?.spec ?? null)].join() !== [...flatten(a.now?.spec ?? null)].join() || then !== nowL;
              return (
                <tr key={a.id} className={differ ? 'changed' : ''} data-env-app={a.name}>
                  <th scope="row">{a.name}</th>
                  <td data-then>{then ? (differ ? <mark>{then}</mark> : then) : <span className="muted">not there</span>}</td>
                  <td>{nowL ? (differ ? <mark>{nowL}</mark> : nowL) : <span className="muted">deleted</span>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
