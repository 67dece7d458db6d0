import { useContext, useMemo, useState, type FormEvent } from 'react';
import { ApiError, gql, lastSeq, noteSeq, pageAll } from '../api/client';
import {
  AccessDocument, AppsDocument, ClustersDocument, CreatePolicyDocument, DeletePolicyDocument, DevicesDocument, EnvironmentsDocument,
  PoliciesDocument, UpdatePolicyDocument, type PolicyAction, type PolicyFieldsFragment, type SubjectKind,
} from '../api/generated';
import { useLoad } from '../hooks';
import { useLive } from '../live';
import { Badge, Empty, ErrorNote, Field, Loading, Names, fieldError, formError } from '../ui';

type Subj = { kind: SubjectKind; id?: string | null };
type Catalog = { devices: { id: string; name: string }[]; clusters: { id: string; name: string }[]; envs: { id: string; name: string }[]; apps: { id: string; name: string; envId: string }[] };

function useCatalog() {
  return useLoad(async (): Promise<Catalog> => {
    const seq = lastSeq();
    const [devices, clusters, envs, apps] = await Promise.all([
      pageAll(async (after) => {
        const r = await gql(DevicesDocument, { first: 100, after, minSeq: seq });
        return { nodes: r.devices.edges.map((e) => ({ id: e.node.id, name: e.node.name })), hasNext: r.devices.pageInfo.hasNextPage, end: r.devices.pageInfo.endCursor };
      }),
      pageAll(async (after) => {
        const r = await gql(ClustersDocument, { first: 100, after, minSeq: seq });
        return { nodes: r.clusters.edges.map((e) => ({ id: e.node.id, name: e.node.name })), hasNext: r.clusters.pageInfo.hasNextPage, end: r.clusters.pageInfo.endCursor };
      }),
      pageAll(async (after) => {
        const r = await gql(EnvironmentsDocument, { first: 100, after, minSeq: seq });
        return { nodes: r.environments.edges.map((e) => ({ id: e.node.id, name: e.node.name })), hasNext: r.environments.pageInfo.hasNextPage, end: r.environments.pageInfo.endCursor };
      }),
      pageAll(async (after) => {
        const r = await gql(AppsDocument, { first: 100, after, minSeq: seq });
        return { nodes: r.apps.edges.map((e) => ({ id: e.node.id, name: `${e.node.environment.name}/${e.node.name}`, envId: e.node.environment.id })), hasNext: r.apps.pageInfo.hasNextPage, end: r.apps.pageInfo.endCursor };
      }, 500),
    ]);
    return { devices, clusters, envs, apps };
  }, []);
}

function choices(kind: SubjectKind, cat: Catalog | null, users: Map<string, string>): { id: string; name: string }[] {
  if (!cat) return [];
  switch (kind) {
    case 'DEVICE': return cat.devices;
    case 'CLUSTER': return cat.clusters;
    case 'ENV': return cat.envs;
    case 'APP': return cat.apps;
    case 'USER': return [...users.entries()].map(([id, name]) => ({ id, name }));
    default: return [];
  }
}

function subjectName(s: Subj, cat: Catalog | null, users: Map<string, string>): string {
  if (s.kind === 'ALL') return 'everyone / everything';
  const n = choices(s.kind, cat, users).find((c) => c.id === s.id)?.name;
  return `${s.kind.toLowerCase()} ${n ?? (s.id ? s.id.slice(0, 8) + '…' : '?')}`;
}

function SubjectList({ label, kinds, list, set, cat, error }: { label: string; kinds: SubjectKind[]; list: Subj[]; set: (l: Subj[]) => void; cat: Catalog | null; error?: string }) {
  const users = useContext(Names);
  return (
    <fieldset className="subjects">
      <legend>{label}</legend>
      {list.map((s, i) => {
        const opts = choices(s.kind, cat, users);
        return (
          <div key={i} className="inline-form">
            <select aria-label={`${label} ${i + 1}: kind`} value={s.kind} onChange={(e) => {
              const kind = e.target.value as SubjectKind;
              const first = choices(kind, cat, users)[0]?.id ?? null;
              set(list.map((x, j) => (j === i ? { kind, id: kind === 'ALL' ? null : first } : x)));
            }}>
              {kinds.map((k) => <option key={k} value={k}>{k === 'ALL' ? 'all' : k.toLowerCase()}</option>)}
            </select>
            {s.kind !== 'ALL' && (
              <select aria-label={`${label} ${i + 1}: which`} value={s.id ?? ''} onChange={(e) => set(list.map((x, j) => (j === i ? { ...x, id: e.target.value } : x)))}>
                {opts.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
              </select>
            )}
            {list.length > 1 && <button type="button" className="small" onClick={() => set(list.filter((_, j) => j !== i))} aria-label={`Remove ${label.toLowerCase()} ${i + 1}`}>Remove</button>}
          </div>
        );
      })}
      <button type="button" className="small" onClick={() => set([...list, { kind: 'ALL', id: null }])}>Add {label.toLowerCase().replace(/s$/, '')}</button>
      {error && <small className="field-error" role="alert">{error}</small>}
    </fieldset>
  );
}

function PolicyForm({ editing, cat, onDone }: { editing: PolicyFieldsFragment | null; cat: Catalog | null; onDone: (seq: number) => void }) {
  const [name, setName] = useState(editing?.name ?? '');
  const [action, setAction] = useState<PolicyAction>(editing?.rule.action ?? 'DENY');
  const [priority, setPriority] = useState(String(editing?.rule.priority ?? 100));
  const [desc, setDesc] = useState(editing?.rule.description ?? '');
  const [sources, setSources] = useState<Subj[]>(editing?.rule.sources ?? [{ kind: 'ALL', id: null }]);
  const [targets, setTargets] = useState<Subj[]>(editing?.rule.targets ?? [{ kind: 'ALL', id: null }]);
  const [err, setErr] = useState<ApiError | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const rule = {
      action,
      priority: priority === '' ? undefined : Number(priority),
      sources: sources.map((s) => ({ kind: s.kind, id: s.kind === 'ALL' ? undefined : (s.id ?? undefined) })),
      targets: targets.map((s) => ({ kind: s.kind, id: s.kind === 'ALL' ? undefined : (s.id ?? undefined) })),
      description: desc || undefined,
    };
    try {
      const seq = editing
        ? (await gql(UpdatePolicyDocument, { input: { id: editing.id, rule } })).updatePolicy.seq
        : (await gql(CreatePolicyDocument, { input: { name: name.trim(), rule } })).createPolicy.seq;
      noteSeq(seq);
      setErr(null);
      onDone(seq);
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  const fields = ['name', 'action', 'priority', 'sources', 'targets', 'description'];
  return (
    <form onSubmit={submit} aria-label={editing ? `Edit policy ${editing.name}` : 'Create a policy'} className="form-box">
      <div className="inline-form">
        <Field label="Policy name" error={fieldError(err, 'name')}>
          {(id, d) => <input id={id} aria-describedby={d} required disabled={!!editing} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Action" error={fieldError(err, 'action')}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={action} onChange={(e) => setAction(e.target.value as PolicyAction)}>
              <option value="ALLOW">allow</option>
              <option value="DENY">deny</option>
            </select>
          )}
        </Field>
        <Field label="Priority" error={fieldError(err, 'priority')} hint="higher decides first">
          {(id, d) => <input id={id} aria-describedby={d} type="number" value={priority} onChange={(e) => setPriority(e.target.value)} />}
        </Field>
      </div>
      <SubjectList label="Sources" kinds={['ALL', 'DEVICE', 'USER', 'CLUSTER', 'ENV']} list={sources} set={setSources} cat={cat} error={fieldError(err, 'sources')} />
      <SubjectList label="Targets" kinds={['ALL', 'APP', 'ENV']} list={targets} set={setTargets} cat={cat} error={fieldError(err, 'targets')} />
      <Field label="Description" error={fieldError(err, 'description')}>
        {(id, d) => <input id={id} aria-describedby={d} value={desc} onChange={(e) => setDesc(e.target.value)} />}
      </Field>
      <button type="submit">{editing ? 'Save policy' : 'Create policy'}</button>
      <ErrorNote error={formError(err, fields)} what={editing ? 'save the policy' : 'create the policy'} />
    </form>
  );
}

const MAX = 8;

// Matrix asks the API (access) who may reach what: devices down the side,
// apps across, each cell the verdict and the deciding policy.
function Matrix({ cat, version }: { cat: Catalog; version: number }) {
  const [dp, setDp] = useState(0);
  const [ap, setAp] = useState(0);
  const devices = cat.devices.slice(dp * MAX, dp * MAX + MAX);
  const apps = cat.apps.slice(ap * MAX, ap * MAX + MAX);
  const cells = useLoad(async () => {
    const out = new Map<string, { allow: boolean; policy?: string }>();
    await Promise.all(devices.flatMap((d) => apps.map(async (a) => {
      const r = await gql(AccessDocument, { source: { deviceId: d.id }, target: { appId: a.id, envId: a.envId }, minSeq: lastSeq() });
      out.set(d.id + '/' + a.id, { allow: r.access.allow, policy: r.access.policy?.name });
    })));
    return out;
  }, [dp, ap, version, devices.length, apps.length]);
  if (!devices.length || !apps.length) return <Empty>The matrix needs at least one device and one app.</Empty>;
  return (
    <>
      {cells.error && <ErrorNote error={cells.error} what="evaluate the policies" />}
      <div className="scroll-x">
        <table className="matrix">
          <caption>Devices (rows) reaching apps (columns){cells.loading ? ' — evaluating…' : ''}</caption>
          <thead>
            <tr><th scope="col">Device</th>{apps.map((a) => <th key={a.id} scope="col">{a.name}</th>)}</tr>
          </thead>
          <tbody>
            {devices.map((d) => (
              <tr key={d.id}>
                <th scope="row">{d.name}</th>
                {apps.map((a) => {
                  const c = cells.data?.get(d.id + '/' + a.id);
                  return (
                    <td key={a.id} data-cell={`${d.name}->${a.name}`} data-allow={c ? String(c.allow) : undefined}>
                      {c ? <Badge tone={c.allow ? 'ok' : 'bad'}>{c.allow ? 'allow' : 'deny'}{c.policy ? ` (${c.policy})` : ''}</Badge> : '…'}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="pager">
        {cat.devices.length > MAX && <>Devices: <button type="button" className="small" disabled={dp === 0} onClick={() => setDp(dp - 1)}>Previous</button> <button type="button" className="small" disabled={(dp + 1) * MAX >= cat.devices.length} onClick={() => setDp(dp + 1)}>Next</button> </>}
        {cat.apps.length > MAX && <>Apps: <button type="button" className="small" disabled={ap === 0} onClick={() => setAp(ap - 1)}>Previous</button> <button type="button" className="small" disabled={(ap + 1) * MAX >= cat.apps.length} onClick={() => setAp(ap + 1)}>Next</button></>}
      </p>
    </>
  );
}

export function Policies() {
  const users = useContext(Names);
  const q = useLoad((minSeq) => pageAll(async (after) => {
    const r = await gql(PoliciesDocument, { first: 100, after, minSeq: minSeq ?? lastSeq() });
    return { nodes: r.policies.edges.map((e) => e.node), hasNext: r.policies.pageInfo.hasNextPage, end: r.policies.pageInfo.endCursor };
  }), []);
  const cat = useCatalog();
  const [version, setVersion] = useState(0);
  useLive(['policy', 'device', 'app'], (seq, evs) => {
    q.reload(seq);
    if (evs.some((e) => e.aggregateType !== 'policy')) cat.reload();
    setVersion((v) => v + 1);
  });
  const [editing, setEditing] = useState<PolicyFieldsFragment | null>(null);
  const [creating, setCreating] = useState(false);
  const [err, setErr] = useState<ApiError | null>(null);
  const sorted = useMemo(() => [...(q.data ?? [])].sort((a, b) => b.rule.priority - a.rule.priority || a.name.localeCompare(b.name)), [q.data]);
  const done = (seq: number) => {
    setEditing(null);
    setCreating(false);
    q.reload(seq);
    setVersion((v) => v + 1);
  };
  const del = async (p: PolicyFieldsFragment) => {
    if (!confirm(`Delete the policy ${p.name}?`)) return;
    try {
      const r = await gql(DeletePolicyDocument, { id: p.id });
      noteSeq(r.deletePolicy.seq);
      done(r.deletePolicy.seq);
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  return (
    <>
      <h1>Access policies</h1>
      <p className="muted">The matching policy with the highest priority decides (a deny wins a tie); with no match, a connection is allowed.</p>
      {q.error && <ErrorNote error={q.error} what="list policies" />}
      <ErrorNote error={err} what="delete the policy" />
      {!q.data ? (
        !q.error && <Loading what="policies" />
      ) : sorted.length === 0 ? (
        <Empty>No policy: every connection in the team network is allowed.</Empty>
      ) : (
        <table>
          <caption className="sr">Policies by priority</caption>
          <thead><tr><th scope="col">Priority</th><th scope="col">Name</th><th scope="col">Action</th><th scope="col">From</th><th scope="col">To</th><th scope="col"><span className="sr">Actions</span></th></tr></thead>
          <tbody>
            {sorted.map((p) => (
              <tr key={p.id} data-policy={p.name}>
                <td>{p.rule.priority}</td>
                <td>{p.name}{p.rule.description && <div className="muted">{p.rule.description}</div>}</td>
                <td><Badge tone={p.rule.action === 'ALLOW' ? 'ok' : 'bad'}>{p.rule.action.toLowerCase()}</Badge></td>
                <td>{p.rule.sources.map((s) => subjectName(s, cat.data, users)).join(', ')}</td>
                <td>{p.rule.targets.map((s) => subjectName(s, cat.data, users)).join(', ')}</td>
                <td className="actions">
                  <button type="button" className="small" onClick={() => { setCreating(false); setEditing(p); }} aria-label={`Edit policy ${p.name}`}>Edit</button>
                  <button type="button" className="small danger" onClick={() => del(p)} aria-label={`Delete policy ${p.name}`}>Delete</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing ? (
        <section>
          <h2>Edit {editing.name}</h2>
          <PolicyForm key={editing.id} editing={editing} cat={cat.data} onDone={done} />
          <button type="button" className="small" onClick={() => setEditing(null)}>Cancel</button>
        </section>
      ) : creating ? (
        <section>
          <h2>New policy</h2>
          <PolicyForm editing={null} cat={cat.data} onDone={done} />
          <button type="button" className="small" onClick={() => setCreating(false)}>Cancel</button>
        </section>
      ) : (
        <p><button type="button" onClick={() => setCreating(true)}>New policy</button></p>
      )}
      <section>
        <h2>Who may reach what</h2>
        {cat.error && <ErrorNote error={cat.error} what="load devices and apps" />}
        {cat.data ? <Matrix cat={cat.data} version={version} /> : !cat.error && <Loading what="devices and apps" />}
      </section>
    </>
  );
}
