import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, gql, lastSeq, loadSession, noteSeq, pageAll, subscribe } from '../api/client';
import { AppDocument, ClusterStatusDocument, type ClusterStatusFieldsFragment, DeleteAppDocument, DevicesDocument, StartInterceptDocument, StopInterceptDocument, UpdateAppDocument } from '../api/generated';
import { useLoad } from '../hooks';
import { useLive } from '../live';
import { Link, navigate } from '../router';
import { Actor, Empty, ErrorNote, Field, Loading, When, fieldError, formError } from '../ui';
import { backing, dnsName, healthLine, ports } from './common';
import { TimeTravel } from './timetravel';

// Rollout follows the app's cluster while its agent applies a change made
// here (as the CLI's --wait does): done once the agent's applied sequence
// reaches the change's.
function Rollout({ clusterId, clusterName, seq }: { clusterId: string; clusterName: string; seq: number }) {
  const [s, setS] = useState<ClusterStatusFieldsFragment | null>(null);
  useEffect(() => subscribe(ClusterStatusDocument, { id: clusterId }, (r) => setS(r.clusterStatus)), [clusterId]);
  let text: string;
  let busy = false;
  if (!s) {
    text = `Asking ${clusterName} for its status…`;
    busy = true;
  } else if (!s.enrolled) text = `No agent runs in ${clusterName} yet: the change takes effect when one enrols.`;
  else if (s.appliedSeq != null && s.appliedSeq >= seq) text = `Applied by ${clusterName}'s agent.`;
  else if (s.online === false) text = `${clusterName}'s agent is offline: it applies the change when it reconnects.`;
  else {
    text = `Rolling out to ${clusterName}: its agent has applied up to ${s.appliedSeq ?? 'nothing yet'}, this change is ${seq}.`;
    busy = true;
  }
  return (
    <p className="rollout" role="status" aria-live="polite" data-rollout={busy ? 'pending' : 'done'}>
      {busy && <progress aria-label={`Rollout to ${clusterName}`} />} {text}
    </p>
  );
}

export function AppPage({ id }: { id: string }) {
  const team = loadSession()?.team ?? '';
  const [changed, setChanged] = useState(0);
  const q = useLoad((minSeq) => gql(AppDocument, { id, minSeq: minSeq ?? lastSeq() }), [id]);
  const mine = (seq: number) => {
    setChanged(seq);
    q.reload(seq);
  };
  useLive(['app', 'intercept'], (seq, evs) => {
    if (evs.some((e) => e.aggregateId === id || e.aggregateType === 'intercept')) q.reload(seq);
  });
  const [err, setErr] = useState<ApiError | null>(null);
  if (!q.data) return q.error ? <ErrorNote error={q.error} what="load the app" /> : <Loading what="the app" />;
  const a = q.data.app;
  if (!a) {
    return (
      <Empty>
        This app does not exist (any more). <Link href="/environments">Back to the environments</Link>.
      </Empty>
    );
  }
  const del = async () => {
    if (!confirm(`Delete the app ${a.name}? Its service IP is released.`)) return;
    try {
      const r = await gql(DeleteAppDocument, { id: a.id });
      noteSeq(r.deleteApp.seq);
      navigate(`/environments/${encodeURIComponent(a.environment.name)}`);
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  return (
    <>
      <p className="crumbs">
        <Link href="/environments">Environments</Link> / <Link href={`/environments/${encodeURIComponent(a.environment.name)}`}>{a.environment.name}</Link> /
      </p>
      <h1>{a.name}</h1>
      <dl className="facts">
        <dt>Service IP</dt><dd><code>{a.serviceIp}</code></dd>
        <dt>DNS name</dt><dd><code>{dnsName(a.name, a.environment.name, team)}</code></dd>
        <dt>Cluster</dt><dd>{a.cluster.name}</dd>
        <dt>Ports</dt><dd>{ports(a.spec)}</dd>
        <dt>Backends</dt><dd data-testid="backends">{backing(a)} ({a.spec.lb.toLowerCase().replace('_', ' ')})</dd>
        {a.rollout?.lastError && <><dt>Agent's error</dt><dd className="field-error">{a.rollout.lastError}</dd></>}
        <dt>Health check</dt><dd>{healthLine(a.spec)}</dd>
        <dt>Created</dt><dd><When t={a.createdAt} />{a.createdBy && <> by <Actor actor={a.createdBy} /></>}</dd>
      </dl>
      {changed > 0 && <Rollout clusterId={a.cluster.id} clusterName={a.cluster.name} seq={changed} />}
      {/* An update replaces workload and export too: only apps of fixed backends are edited here. */}
      {!a.workload && !a.export && <UpdateBackends id={a.id} spec={a.spec} onDone={mine} />}
      <Intercepts app={a} onChange={mine} />
      <section>
        <h2>History</h2>
        <TimeTravel aggregateType="app" aggregateId={a.id} events={q.data.app?.history.edges.map((e) => e.node) ?? []} />
      </section>
      <section>
        <h2>Delete</h2>
        <button type="button" className="danger" onClick={del}>Delete app</button>
        <ErrorNote error={err} what="delete the app" />
      </section>
    </>
  );
}

type Spec = NonNullable<import('../api/generated').AppQuery['app']>['spec'];

function UpdateBackends({ id, spec, onDone }: { id: string; spec: Spec; onDone: (seq: number) => void }) {
  const [backends, setBackends] = useState(spec.backends.join(', '));
  const [err, setErr] = useState<ApiError | null>(null);
  useEffect(() => setBackends(spec.backends.join(', ')), [spec]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const r = await gql(UpdateAppDocument, {
        input: {
          id,
          spec: {
            ports: spec.ports.map((p) => ({ port: p.port, protocol: p.protocol })),
            backends: backends.split(/[\s,]+/).filter(Boolean),
            lb: spec.lb,
            health: { ...spec.health, path: spec.health.path ?? undefined },
          },
        },
      });
      noteSeq(r.updateApp.seq);
      setErr(null);
      onDone(r.updateApp.seq);
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  return (
    <details className="form-box">
      <summary>Change backends</summary>
      <form onSubmit={submit} className="inline-form" aria-label="Change backends">
        <Field label="Backends" error={fieldError(err, 'backends')} hint="host:port, separated by commas">
          {(fid, d) => <input id={fid} aria-describedby={d} value={backends} onChange={(e) => setBackends(e.target.value)} />}
        </Field>
        <button type="submit">Save</button>
      </form>
      <ErrorNote error={formError(err, ['backends'])} what="change the backends" />
    </details>
  );
}

type AppT = NonNullable<import('../api/generated').AppQuery['app']>;

function Intercepts({ app, onChange }: { app: AppT; onChange: (seq: number) => void }) {
  const me = loadSession();
  const devices = useLoad(() => pageAll(async (after) => {
    const r = await gql(DevicesDocument, { first: 100, after, minSeq: lastSeq() });
    return { nodes: r.devices.edges.map((e) => e.node), hasNext: r.devices.pageInfo.hasNextPage, end: r.devices.pageInfo.endCursor };
  }), [me?.team]);
  const [port, setPort] = useState(app.spec.ports[0] ? `${app.spec.ports[0].port}/${app.spec.ports[0].protocol}` : '');
  const [device, setDevice] = useState('');
  const [target, setTarget] = useState('');
  const [err, setErr] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!device && devices.data?.length) setDevice(devices.data[0].id);
  }, [devices.data, device]);
  const start = async (e: FormEvent) => {
    e.preventDefault();
    const [p, proto] = port.split('/');
    setBusy(true);
    try {
      const r = await gql(StartInterceptDocument, {
        input: { appId: app.id, port: Number(p), protocol: proto as 'TCP' | 'UDP' | 'HTTP', deviceId: device, targetPort: target ? Number(target) : undefined },
      });
      noteSeq(r.startIntercept.seq);
      setErr(null);
      onChange(r.startIntercept.seq);
    } catch (e) {
      setErr(e as ApiError);
    } finally {
      setBusy(false);
    }
  };
  const stop = async (id: string) => {
    setBusy(true);
    try {
      const r = await gql(StopInterceptDocument, { id });
      noteSeq(r.stopIntercept.seq);
      onChange(r.stopIntercept.seq);
    } catch (e) {
      setErr(e as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section>
      <h2>Intercepts</h2>
      {app.activeIntercepts.length === 0 ? (
        <Empty>No port of this app is intercepted: its traffic goes to its backends.</Empty>
      ) : (
        <ul className="plain" aria-label="Active intercepts">
          {app.activeIntercepts.map((i) => (
            <li key={i.id} className="intercept">
              Port {i.port.port}/{i.port.protocol.toLowerCase()} → {i.deviceName ?? 'a deleted device'} at <code>{i.target}</code>, since <When t={i.startedAt} /> by <Actor actor={i.startedBy} />{' '}
              <button type="button" className="small" disabled={busy} onClick={() => stop(i.id)}>Stop intercept</button>
            </li>
          ))}
        </ul>
      )}
      {devices.data?.length === 0 ? (
        <Empty>To intercept, add a device first (<Link href="/devices">Devices</Link>).</Empty>
      ) : (
        <form onSubmit={start} className="inline-form" aria-label="Start an intercept">
          <Field label="Port" error={fieldError(err, 'port', 'protocol')}>
            {(id, d) => (
              <select id={id} aria-describedby={d} value={port} onChange={(e) => setPort(e.target.value)}>
                {app.spec.ports.map((p) => <option key={`${p.port}/${p.protocol}`} value={`${p.port}/${p.protocol}`}>{p.port}/{p.protocol.toLowerCase()}</option>)}
              </select>
            )}
          </Field>
          <Field label="To device" error={fieldError(err, 'deviceId', 'device')}>
            {(id, d) => (
              <select id={id} aria-describedby={d} value={device} onChange={(e) => setDevice(e.target.value)}>
                {devices.data?.map((x) => <option key={x.id} value={x.id}>{x.name} ({x.ip})</option>)}
              </select>
            )}
          </Field>
          <Field label="Port on the device" error={fieldError(err, 'targetPort', 'target')} hint="the app's port when empty">
            {(id, d) => <input id={id} aria-describedby={d} type="number" min={1} max={65535} value={target} onChange={(e) => setTarget(e.target.value)} />}
          </Field>
          <button type="submit" disabled={busy || !device}>Start intercept</button>
        </form>
      )}
      <ErrorNote error={formError(err, ['port', 'protocol', 'deviceId', 'device', 'targetPort', 'target'])} what="change the intercept" />
    </section>
  );
}
