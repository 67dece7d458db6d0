import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, gql, loadSession } from '../api/client';
import { MeDocument } from '../api/generated';
import { useLoad } from '../hooks';
import { parseKey, type Report } from '../audit/chain';
import { exportEvents, serverKey, verifyLog, type ExportResult, type Format } from '../audit/export';
import { ErrorNote, Field } from '../ui';

// keyFor is the checkpoint key to check signatures with: the one pasted
// (an auditor's own copy), else the server's from the API.
async function keyFor(pasted: string): Promise<Uint8Array> {
  if (pasted.trim()) {
    try {
      return parseKey(pasted);
    } catch (e) {
      throw new ApiError((e as Error).message, 'BAD_USER_INPUT', 'key');
    }
  }
  return (await serverKey()).key;
}

function Breaks({ rep, onShow }: { rep: Report; onShow: (aggType: string, aggId: string) => void }) {
  const b = rep.firstBreak!;
  const [, , aggType, ...id] = b.subject.split('.');
  return (
    <div className="error" role="alert" data-verify="broken">
      <p>
        <strong>The log does not verify.</strong> First break at sequence <strong data-break-seq={b.seq}>{b.seq}</strong> (<code>{b.subject}</code>), {b.kind}: {b.detail}.{' '}
        <button type="button" className="link" onClick={() => onShow(aggType, id.join('.'))}>Show this resource's events</button>
      </p>
      {(rep.breaks?.length ?? 0) > 1 && (
        <details>
          <summary>All {rep.breaks!.length}{rep.breaks!.length === 20 ? '+' : ''} breaks found</summary>
          <ol className="plain">
            {rep.breaks!.map((x) => <li key={`${x.seq}-${x.kind}`}>sequence {x.seq} (<code>{x.subject}</code>), {x.kind}: {x.detail}</li>)}
          </ol>
        </details>
      )}
    </div>
  );
}

function Teams({ rep }: { rep: Report }) {
  return (
    <table className="verify-teams">
      <caption className="sr">The chain per team</caption>
      <thead>
        <tr><th scope="col">Team</th><th scope="col">Events</th><th scope="col">Chain starts at</th><th scope="col">Before the chain</th><th scope="col">Checkpoints verified</th><th scope="col">Sealed up to</th><th scope="col">Not sealed yet</th></tr>
      </thead>
      <tbody>
        {rep.teams.map((t) => (
          <tr key={t.team} data-team={t.team}>
            <td>{t.team}</td><td>{t.events}</td><td>{t.chainStart || '—'}</td><td>{t.beforeChain}</td><td data-checkpoints={t.checkpoints}>{t.checkpoints}</td><td>{t.sealedUpTo || '—'}</td><td>{t.unsealed}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// useAdmin says whether the signed-in user is the platform's administrator,
// who may read the whole log (every team's events and the team-less ones).
function useAdmin(): boolean {
  return useLoad(async () => (await gql(MeDocument, {})).me.superuser, []).data === true;
}

// WholeLog is the administrator's choice of the whole log over the team's.
function WholeLog({ all, set }: { all: boolean; set: (v: boolean) => void }) {
  return (
    <label className="check"><input type="checkbox" checked={all} onChange={(e) => set(e.target.checked)} /> The whole log: every team's events and the team-less ones (you are the platform's administrator)</label>
  );
}

// VerifyLog checks the team's whole history in this browser: every
// event's hash over its stored content, its link to the previous event of
// its resource, and every signed checkpoint (docs/auditing.md).
export function VerifyLog({ onShow }: { onShow: (aggType: string, aggId: string) => void }) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [read, setRead] = useState(0);
  const [rep, setRep] = useState<Report | null>(null);
  const [err, setErr] = useState<Error | null>(null);
  const admin = useAdmin();
  const [all, setAll] = useState(false);
  const run = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErr(null);
    setRep(null);
    setRead(0);
    try {
      setRep(await verifyLog(await keyFor(key), setRead, all));
    } catch (x) {
      setErr(x as Error);
    } finally {
      setBusy(false);
    }
  };
  const keyErr = err instanceof ApiError && err.field === 'key' ? err.message : undefined;
  return (
    <section aria-labelledby="verify-h" className="form-box">
      <h2 id="verify-h">Verify the log</h2>
      <p className="muted">
        Checked here, in your browser, by the rules of <code>weft audit verify</code>: each event's SHA-256 over its content as stored, its link to the
        previous event of its resource, and the server's signed checkpoints (ed25519, by the browser's WebCrypto). The server only delivers the events.
      </p>
      <form onSubmit={run} aria-label="Verify the log">
        <Field label="Checkpoint key (optional)" error={keyErr} hint="your own copy of the public key, base64; empty: the server's">
          {(id, d) => <input id={id} aria-describedby={d} value={key} onChange={(e) => setKey(e.target.value)} spellCheck={false} />}
        </Field>
        {admin && <WholeLog all={all} set={setAll} />}
        <button type="submit" disabled={busy}>{busy ? 'Verifying…' : all ? 'Verify the whole log' : "Verify the team's log"}</button>
      </form>
      {busy && <p role="status">Read and checked {read} events…</p>}
      {err && !keyErr && <ErrorNote error={err} what="verify the log" />}
      {rep && (
        <div data-verified-events={rep.events}>
          {rep.ok ? (
            <p className="notice" role="status" data-verify="ok">
              <strong>{rep.teams.length > 1 ? 'The log verifies:' : "The team's log verifies:"}</strong> {rep.events} events (sequences {rep.firstSeq} to {rep.lastSeq}).{' '}
              {rep.keyId ? <>Checkpoints checked with key <code>{rep.keyId}</code>.</> : 'Checkpoint signatures were not checked (no key).'}
            </p>
          ) : (
            <Breaks rep={rep} onShow={onShow} />
          )}
          <Teams rep={rep} />
        </div>
      )}
    </section>
  );
}

// toDate reads a datetime-local field: the browser's time zone.
function toDate(v: string): Date | undefined {
  return v ? new Date(v) : undefined;
}

// ExportLog writes the team's events as weft audit export does.
export function ExportLog() {
  const team = loadSession()?.team ?? '';
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [fromSeq, setFromSeq] = useState('');
  const [format, setFormat] = useState<Format>('jsonl');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(0);
  const [res, setRes] = useState<(ExportResult & { url: string }) | null>(null);
  const [err, setErr] = useState<Error | null>(null);
  const admin = useAdmin();
  const [all, setAll] = useState(false);
  useEffect(() => () => { if (res) URL.revokeObjectURL(res.url); }, [res]);
  const run = async (e?: FormEvent, from = fromSeq) => {
    e?.preventDefault();
    setErr(null);
    const n = from.trim() === '' ? 0 : Number(from);
    if (!Number.isInteger(n) || n < 0) {
      setErr(new ApiError(`${from} is not a sequence: want 1 or more`, 'BAD_USER_INPUT', 'fromSeq'));
      return;
    }
    const s = toDate(since);
    const u = toDate(until);
    if (s && u && s > u) {
      setErr(new ApiError('Since is after Until', 'BAD_USER_INPUT', 'since'));
      return;
    }
    setBusy(true);
    setDone(0);
    setRes(null);
    try {
      const key = await serverKey().then((k) => k.key, () => null);
      const r = await exportEvents({ team, all, format, since: s, until: u, fromSeq: n || undefined, key }, setDone);
      setRes({ ...r, url: URL.createObjectURL(r.file) });
      if (r.error) setErr(r.error);
    } catch (x) {
      setErr(x as Error);
    } finally {
      setBusy(false);
    }
  };
  const fieldOf = (name: string) => (err instanceof ApiError && err.code === 'BAD_USER_INPUT' && err.field?.replace(/^filter\./, '') === name ? err.message : undefined);
  const s = res?.summary;
  return (
    <section aria-labelledby="export-h" className="form-box">
      <h2 id="export-h">Export</h2>
      <p className="muted">
        The team's events, oldest first, agents' status reports and checkpoints included, as <code>weft audit export</code> writes them: each with its
        place in the hash chain and itself as stored, read 500 at a time, and a summary at the end (its SHA-256 covers every line before it).
      </p>
      <form onSubmit={run} aria-label="Export events" className="inline-form">
        <Field label="Since" error={fieldOf('since')} hint="stored at or after (your time zone)">
          {(id, d) => <input id={id} aria-describedby={d} type="datetime-local" step="1" value={since} onChange={(e) => setSince(e.target.value)} />}
        </Field>
        <Field label="Until" error={fieldOf('until')} hint="stored before">
          {(id, d) => <input id={id} aria-describedby={d} type="datetime-local" step="1" value={until} onChange={(e) => setUntil(e.target.value)} />}
        </Field>
        <Field label="From sequence" error={fieldOf('fromSeq')} hint="to resume">
          {(id, d) => <input id={id} aria-describedby={d} inputMode="numeric" value={fromSeq} onChange={(e) => setFromSeq(e.target.value)} size={8} />}
        </Field>
        <Field label="Format">
          {(id) => (
            <select id={id} value={format} onChange={(e) => setFormat(e.target.value as Format)}>
              <option value="jsonl">JSON lines</option>
              <option value="csv">CSV</option>
            </select>
          )}
        </Field>
        {admin && <WholeLog all={all} set={setAll} />}
        <button type="submit" disabled={busy}>{busy ? 'Exporting…' : 'Export'}</button>
      </form>
      {busy && <p role="status">Exported {done} events…</p>}
      {err && !(err instanceof ApiError && err.code === 'BAD_USER_INPUT' && ['since', 'until', 'fromSeq'].some(fieldOf)) && <ErrorNote error={err} what="export every event" />}
      {res && (
        <div data-export={s ? 'done' : 'partial'}>
          <p>
            <a className="button" href={res.url} download={res.name}>Download {res.name}</a>{' '}
            {!s && res.events > 0 && (
              <button type="button" className="small" onClick={() => { setFromSeq(String(res.lastSeq + 1)); void run(undefined, String(res.lastSeq + 1)); }}>
                Export the rest from sequence {res.lastSeq + 1}
              </button>
            )}
          </p>
          {s && (
            <dl className="facts" aria-label="Export summary">
              <dt>Events</dt><dd>{s.events}{s.events > 0 && ` (sequences ${s.firstSeq} to ${s.lastSeq})`}</dd>
              <dt>Chain</dt>
              <dd data-export-chain={s.chain.ok ? 'ok' : 'broken'}>
                {s.chain.ok ? 'verifies' : `does not verify from sequence ${s.chain.firstBreak!.seq} (${s.chain.firstBreak!.kind}: ${s.chain.firstBreak!.detail})`}
                {s.chain.partial && ' (a range from the middle of the log: links to events before it and checkpoints\u2019 digests are not checked)'}
              </dd>
              <dt>SHA-256</dt><dd><code className="key">{s.sha256}</code></dd>
              <dt>Resume with</dt><dd>{s.resume.replace('--from-seq ', 'From sequence ')}</dd>
            </dl>
          )}
        </div>
      )}
    </section>
  );
}
