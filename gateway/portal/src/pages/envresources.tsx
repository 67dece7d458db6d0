// An environment's configs, secrets and routers: list, create (or set
// keys), delete and status, each form checked by the API and its errors
// shown at the field they name.
import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, gql, lastSeq, noteSeq } from '../api/client';
import {
  ConfigsDocument, CreateRouterDocument, DeleteConfigDocument, DeleteRouterDocument, DeleteSecretDocument, DeleteServiceDocument, RevealSecretDocument,
  RevealServiceCredentialsDocument, RoutersDocument, SecretsDocument, ServicesDocument, SetConfigDocument, SetSecretDocument, type RouteTargetKind,
  type ServiceFieldsFragment,
} from '../api/generated';
import { useLoad } from '../hooks';
import { useLive } from '../live';
import { Badge, Empty, ErrorNote, Field, Loading, When, fieldError, formError } from '../ui';
import { dnsName, ports } from './common';

// parseEntries reads "KEY=value" lines (a value may hold '=', and is kept
// as written) into the API's entries; a line without '=' is refused here
// with the CLI's words.
export function parseEntries(s: string): { key: string; value: string }[] {
  return s.split('\n').filter((l) => l.trim() !== '').map((l) => {
    const at = l.indexOf('=');
    if (at < 0) throw new ApiError(`invalid ${JSON.stringify(l)}: want KEY=VALUE`, 'BAD_USER_INPUT', 'set');
    return { key: l.slice(0, at).trim(), value: l.slice(at + 1) };
  });
}

function parseKeys(s: string): string[] {
  return s.split(/[\s,]+/).filter(Boolean);
}

// useAction runs a mutation, remembers its sequence and its error.
function useAction() {
  const [err, setErr] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (f: () => Promise<number>, done?: (seq: number) => void) => {
    setBusy(true);
    try {
      const seq = await f();
      noteSeq(seq);
      setErr(null);
      done?.(seq);
      return true;
    } catch (e) {
      setErr(e instanceof ApiError ? e : new ApiError(String(e), 'INTERNAL'));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { err, busy, run, setErr };
}

function UsedBy({ names }: { names: string[] }) {
  return names.length ? <>{names.join(', ')}</> : <span className="muted">no app</span>;
}

function DeleteButton({ what, name, onDelete }: { what: string; name: string; onDelete: () => void }) {
  return (
    <button type="button" className="small danger" aria-label={`Delete ${what} ${name}`} onClick={() => confirm(`Delete the ${what} ${name}?`) && onDelete()}>
      Delete
    </button>
  );
}

// KeysForm is the form that sets and removes keys of a config or a secret
// (creating it when the environment has none of that name).
function KeysForm({ kind, label, secret, onSubmit, err, busy, children }: {
  kind: string;
  label: string;
  secret?: boolean;
  onSubmit: (name: string, set: { key: string; value: string }[], unset: string[]) => Promise<boolean>;
  err: ApiError | null;
  busy: boolean;
  children?: ReactNode;
}) {
  const [name, setName] = useState('');
  const [entries, setEntries] = useState('');
  const [unset, setUnset] = useState('');
  const [local, setLocal] = useState<ApiError | null>(null);
  const shown = local ?? err;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    let set;
    try {
      set = parseEntries(entries);
    } catch (x) {
      setLocal(x as ApiError);
      return;
    }
    setLocal(null);
    if (await onSubmit(name.trim(), set, parseKeys(unset))) {
      setEntries('');
      setUnset('');
    }
  };
  return (
    <details className="form-box">
      <summary>{label}</summary>
      <form onSubmit={submit} aria-label={label}>
        <Field label={`${kind} name`} error={fieldError(shown, 'name')} hint={`a new name creates the ${kind.toLowerCase()}`}>
          {(id, d) => <input id={id} aria-describedby={d} required value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Keys and values" error={fieldError(shown, 'set', 'key', 'value')} hint={`one KEY=value a line${secret ? '; sealed before anything is recorded' : ''}`}>
          {(id, d) => <textarea id={id} aria-describedby={d} rows={4} value={entries} onChange={(e) => setEntries(e.target.value)} spellCheck={false} autoComplete="off" />}
        </Field>
        <Field label="Keys to remove" error={fieldError(shown, 'unset')} hint="separated by commas">
          {(id, d) => <input id={id} aria-describedby={d} value={unset} onChange={(e) => setUnset(e.target.value)} />}
        </Field>
        {children}
        <button type="submit" disabled={busy}>{busy ? 'Saving…' : `Save ${kind.toLowerCase()}`}</button>
        <ErrorNote error={formError(shown, ['name', 'set', 'key', 'value', 'unset'])} what={`save the ${kind.toLowerCase()}`} />
      </form>
    </details>
  );
}

export function ConfigsSection({ env }: { env: string }) {
  const q = useLoad((minSeq) => gql(ConfigsDocument, { env, first: 100, minSeq: minSeq ?? lastSeq() }), [env]);
  useLive(['config'], (seq) => q.reload(seq));
  const set = useAction();
  const del = useAction();
  const rows = q.data?.configs.edges.map((e) => e.node) ?? [];
  return (
    <section aria-labelledby="configs-h">
      <h2 id="configs-h">Configs</h2>
      {q.error && <ErrorNote error={q.error} what="list the configs" />}
      {!q.data ? (
        !q.error && <Loading what="configs" />
      ) : rows.length === 0 ? (
        <Empty>No config in this environment: keys and values apps take as variables or files.</Empty>
      ) : (
        <table>
          <caption className="sr">Configs in {env}</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Keys and values</th><th scope="col">Used by</th><th scope="col">Updated</th><th scope="col"><span className="sr">Actions</span></th></tr></thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.id} data-config={c.name}>
                <td>{c.name}</td>
                <td>{c.entries.map((e) => <div key={e.key}><code>{e.key}</code>=<code>{e.value}</code></div>)}</td>
                <td><UsedBy names={c.usedBy} /></td>
                <td><When t={c.updatedAt ?? c.createdAt} /></td>
                <td className="actions"><DeleteButton what="config" name={c.name} onDelete={() => del.run(async () => (await gql(DeleteConfigDocument, { id: c.id })).deleteConfig.seq, q.reload)} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorNote error={del.err} what="delete the config" />
      <KeysForm kind="Config" label="Set keys of a config" err={set.err} busy={set.busy}
        onSubmit={(name, s, unset) => set.run(async () => (await gql(SetConfigDocument, { input: { env, name, set: s, unset } })).setConfig.seq, q.reload)} />
    </section>
  );
}

// SecretsSection never shows a value unless an owner or admin reveals it,
// which the API records as an event (console.secret.revealed).
export function SecretsSection({ env }: { env: string }) {
  const q = useLoad((minSeq) => gql(SecretsDocument, { env, first: 100, minSeq: minSeq ?? lastSeq() }), [env]);
  useLive(['secret'], (seq) => q.reload(seq));
  const set = useAction();
  const del = useAction();
  const reveal = useAction();
  const [shown, setShown] = useState<{ id: string; seq: number; entries: { key: string; value: string }[] } | null>(null);
  const rows = q.data?.secrets.edges.map((e) => e.node) ?? [];
  const doReveal = (id: string) =>
    reveal.run(async () => {
      const r = (await gql(RevealSecretDocument, { id })).revealSecret;
      setShown({ id, seq: r.seq, entries: r.entries });
      return r.seq;
    });
  return (
    <section aria-labelledby="secrets-h">
      <h2 id="secrets-h">Secrets</h2>
      <p className="muted">Values are sealed before anything is recorded: the log, the read models and the API's answers hold key names only. Revealing the values (owners and admins) is recorded in the audit trail.</p>
      {q.error && <ErrorNote error={q.error} what="list the secrets" />}
      {!q.data ? (
        !q.error && <Loading what="secrets" />
      ) : rows.length === 0 ? (
        <Empty>No secret in this environment.</Empty>
      ) : (
        <table>
          <caption className="sr">Secrets in {env}</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Keys</th><th scope="col">Used by</th><th scope="col">Updated</th><th scope="col"><span className="sr">Actions</span></th></tr></thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.id} data-secret={s.name}>
                <td>{s.name}</td>
                <td>
                  {shown?.id === s.id ? (
                    <div role="region" aria-label={`Values of ${s.name}`} data-revealed={s.name}>
                      {shown.entries.map((e) => <div key={e.key}><code>{e.key}</code>=<code className="key">{e.value}</code></div>)}
                      <small className="muted">Revealed; recorded as event {shown.seq}. </small>
                      <button type="button" className="small" onClick={() => setShown(null)}>Hide values</button>
                    </div>
                  ) : (
                    s.keys.map((k) => <div key={k}><code>{k}</code>=<span className="muted" aria-label="value hidden">••••••</span></div>)
                  )}
                </td>
                <td><UsedBy names={s.usedBy} /></td>
                <td><When t={s.updatedAt ?? s.createdAt} /></td>
                <td className="actions">
                  {shown?.id !== s.id && (
                    <button type="button" className="small" aria-label={`Reveal the values of ${s.name}`} disabled={reveal.busy}
                      onClick={() => confirm(`Reveal the values of ${s.name}? The reveal is recorded in the audit trail.`) && doReveal(s.id)}>
                      Reveal
                    </button>
                  )}
                  <DeleteButton what="secret" name={s.name} onDelete={() => del.run(async () => (await gql(DeleteSecretDocument, { id: s.id })).deleteSecret.seq, q.reload)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorNote error={reveal.err} what="reveal the secret" />
      <ErrorNote error={del.err} what="delete the secret" />
      <KeysForm kind="Secret" label="Set keys of a secret" secret err={set.err} busy={set.busy}
        onSubmit={(name, s, unset) => set.run(async () => (await gql(SetSecretDocument, { input: { env, name, set: s, unset } })).setSecret.seq, q.reload)} />
    </section>
  );
}

// parseRoutes reads "PATH=app:NAME:PORT" lines, as weft router create's --route.
export function parseRoutes(s: string): { path: string; target: { kind: RouteTargetKind; name: string; port: number } }[] {
  return s.split('\n').map((l) => l.trim()).filter(Boolean).map((l, i) => {
    const at = l.indexOf('=');
    const parts = at < 0 ? [] : l.slice(at + 1).split(':');
    if (parts.length !== 3) throw new ApiError(`${JSON.stringify(l)} is not PATH=app:NAME:PORT (or service:NAME:PORT)`, 'BAD_USER_INPUT', `routes[${i}]`);
    const port = Number(parts[2]);
    if (!/^\d+$/.test(parts[2])) throw new ApiError(`${JSON.stringify(l)}: the port is not a number`, 'BAD_USER_INPUT', `routes[${i}]`);
    // The API checks the kind (app or service) and says so at the field.
    return { path: l.slice(0, at), target: { kind: parts[0].toUpperCase() as RouteTargetKind, name: parts[1], port } };
  });
}

function routerStatus(r: { status?: { addresses: string[]; lastError?: string | null; reportedAt?: string | null } | null }) {
  const s = r.status;
  if (!s) return <Badge tone="info">waiting for the cluster's agent</Badge>;
  if (s.lastError) return <Badge tone="bad">{`failing: ${s.lastError}`}</Badge>;
  if (!s.addresses.length) return <Badge tone="warn">applied, no address yet</Badge>;
  return <Badge tone="ok">{`serving at ${s.addresses.join(', ')}`}</Badge>;
}

export function RoutersSection({ env }: { env: string }) {
  const q = useLoad((minSeq) => gql(RoutersDocument, { env, first: 100, minSeq: minSeq ?? lastSeq() }), [env]);
  useLive(['router'], (seq) => q.reload(seq));
  const create = useAction();
  const del = useAction();
  const [name, setName] = useState('');
  const [domain, setDomain] = useState('');
  const [routes, setRoutes] = useState('/=app::80');
  const [tls, setTls] = useState(true);
  const rows = q.data?.routers.edges.map((e) => e.node) ?? [];
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    let parsed;
    try {
      parsed = parseRoutes(routes);
    } catch (x) {
      create.setErr(x as ApiError);
      return;
    }
    const ok = await create.run(async () => (await gql(CreateRouterDocument, { input: { env, name: name.trim(), domain: domain.trim(), routes: parsed, tls } })).createRouter.seq, q.reload);
    if (ok) setName('');
  };
  return (
    <section aria-labelledby="routers-h">
      <h2 id="routers-h">Routers</h2>
      <p className="muted">A public HTTP entry for a domain to apps and run services of this environment (in Kubernetes mode an Ingress its cluster's agent applies).</p>
      {q.error && <ErrorNote error={q.error} what="list the routers" />}
      {!q.data ? (
        !q.error && <Loading what="routers" />
      ) : rows.length === 0 ? (
        <Empty>No router in this environment.</Empty>
      ) : (
        <table>
          <caption className="sr">Routers in {env}</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Domain</th><th scope="col">Routes</th><th scope="col">Status</th><th scope="col"><span className="sr">Actions</span></th></tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-router={r.name}>
                <td>{r.name}</td>
                <td>{r.tls ? 'https' : 'http'}://{r.domain}</td>
                <td>{r.routes.map((x) => <div key={x.path}><code>{x.path}</code> → {x.target.kind.toLowerCase()} {x.target.name}:{x.target.port}</div>)}</td>
                <td>{routerStatus(r)}</td>
                <td className="actions"><DeleteButton what="router" name={r.name} onDelete={() => del.run(async () => (await gql(DeleteRouterDocument, { id: r.id })).deleteRouter.seq, q.reload)} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorNote error={del.err} what="delete the router" />
      <details className="form-box">
        <summary>Create a router</summary>
        <form onSubmit={submit} aria-label="Create a router">
          <Field label="Router name" error={fieldError(create.err, 'name')}>
            {(id, d) => <input id={id} aria-describedby={d} required value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label="Domain" error={fieldError(create.err, 'domain')} hint="e.g. shop.example.com, or *.example.com">
            {(id, d) => <input id={id} aria-describedby={d} required value={domain} onChange={(e) => setDomain(e.target.value)} />}
          </Field>
          <Field label="Routes" error={fieldError(create.err, 'routes')} hint="one PATH=app:NAME:PORT (or service:NAME:PORT) a line">
            {(id, d) => <textarea id={id} aria-describedby={d} rows={3} value={routes} onChange={(e) => setRoutes(e.target.value)} spellCheck={false} />}
          </Field>
          <label className="check"><input type="checkbox" checked={tls} onChange={(e) => setTls(e.target.checked)} /> TLS (a certificate from the cluster's issuer)</label>
          <button type="submit" disabled={create.busy}>{create.busy ? 'Creating…' : 'Create router'}</button>
          <ErrorNote error={formError(create.err, ['name', 'domain', 'routes'])} what="create the router" />
        </form>
      </details>
    </section>
  );
}

function serviceStatus(s: ServiceFieldsFragment) {
  if (!s.instance) return <span className="muted">fixed backends: {s.spec.backends.join(', ') || 'none'}</span>;
  const st = s.status;
  if (!st) return <Badge tone="info">waiting for the cluster's agent</Badge>;
  if (st.lastError) return <Badge tone="bad">{`failing: ${st.lastError}`}</Badge>;
  return st.ready ? <Badge tone="ok">{`ready (${st.image ?? s.kind.toLowerCase()})`}</Badge> : <Badge tone="warn">starting</Badge>;
}

// ServicesSection lists the environment's managed services with how they
// run and their agent's status; a run service's generated credentials are
// shown only when an owner or admin reveals them (recorded as an event).
export function ServicesSection({ env, team, create }: { env: string; team: string; create: (onCreated: (seq: number) => void) => ReactNode }) {
  const q = useLoad((minSeq) => gql(ServicesDocument, { env, first: 100, minSeq: minSeq ?? lastSeq() }), [env]);
  useLive(['service'], (seq) => q.reload(seq));
  const del = useAction();
  const reveal = useAction();
  const [creds, setCreds] = useState<{ id: string; seq: number; entries: { key: string; value: string }[] } | null>(null);
  const rows = q.data?.services.edges.map((e) => e.node) ?? [];
  const remove = (s: ServiceFieldsFragment) => {
    if (!confirm(`Delete the managed service ${s.name}?`)) return;
    // A run service's volume and credentials stay unless asked for.
    const deleteData = s.instance ? confirm(`Also delete ${s.name}'s data (its volume and credentials in the cluster)? Cancel keeps them for a service created again under its name.`) : undefined;
    void del.run(async () => (await gql(DeleteServiceDocument, { id: s.id, deleteData })).deleteService.seq, q.reload);
  };
  return (
    <section aria-labelledby="services-h">
      <h2 id="services-h">Managed services</h2>
      {q.error && <ErrorNote error={q.error} what="list the managed services" />}
      {!q.data ? (
        !q.error && <Loading what="managed services" />
      ) : rows.length === 0 ? (
        <Empty>No managed service in this environment.</Empty>
      ) : (
        <table>
          <caption className="sr">Managed services in {env}</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Service IP</th><th scope="col">DNS name</th><th scope="col">Ports</th><th scope="col">Runs</th><th scope="col">Status</th><th scope="col"><span className="sr">Actions</span></th></tr></thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.id} data-service={s.name}>
                <td>{s.name}</td>
                <td>{s.kind.toLowerCase()}</td>
                <td><code>{s.serviceIp}</code></td>
                <td><code>{dnsName(s.name, env, team)}</code></td>
                <td>{ports(s.spec)}</td>
                <td>{s.instance ? `in ${s.cluster.name}: version ${s.instance.version}, ${s.instance.storage}` : 'elsewhere'}</td>
                <td>
                  {serviceStatus(s)}
                  {creds?.id === s.id && (
                    <div role="region" aria-label={`Credentials of ${s.name}`}>
                      {creds.entries.map((e) => <div key={e.key}><code>{e.key}</code>=<code className="key">{e.value}</code></div>)}
                      <small className="muted">Revealed; recorded as event {creds.seq}. </small>
                      <button type="button" className="small" onClick={() => setCreds(null)}>Hide</button>
                    </div>
                  )}
                </td>
                <td className="actions">
                  {s.credentialsReady && creds?.id !== s.id && (
                    <button type="button" className="small" aria-label={`Reveal the credentials of ${s.name}`}
                      onClick={() => confirm(`Reveal ${s.name}'s credentials? The reveal is recorded in the audit trail.`) &&
                        reveal.run(async () => {
                          const r = (await gql(RevealServiceCredentialsDocument, { id: s.id })).revealServiceCredentials;
                          setCreds({ id: s.id, seq: r.seq, entries: r.entries });
                          return r.seq;
                        })}>
                      Credentials
                    </button>
                  )}
                  <button type="button" className="small danger" aria-label={`Delete managed service ${s.name}`} onClick={() => remove(s)}>Delete</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorNote error={reveal.err} what="reveal the credentials" />
      <ErrorNote error={del.err} what="delete the managed service" />
      {create(q.reload)}
    </section>
  );
}
