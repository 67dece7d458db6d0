import { useEffect, useMemo, useState, type FormEvent } from 'react';
import qrcode from 'qrcode-generator';
import { ApiError, gql, lastSeq, loadSession, noteSeq, pageAll } from '../api/client';
import { ClustersDocument, CreateDeviceDocument, DeleteDeviceDocument, DevicesDocument, type DeviceKind } from '../api/generated';
import { useLoad } from '../hooks';
import { useLive } from '../live';
import { Empty, ErrorNote, Field, Loading, When, fieldError, formError } from '../ui';
import { makeKeyPair, wgConfig } from '../wg';

// QR draws text as a QR code in SVG (one path), for a phone's WireGuard app.
function QR({ text, label }: { text: string; label: string }) {
  const d = useMemo(() => {
    const q = qrcode(0, 'L');
    q.addData(text);
    q.make();
    const n = q.getModuleCount();
    let p = '';
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (q.isDark(r, c)) p += `M${c + 4},${r + 4}h1v1h-1z`;
    return { p, n: n + 8 };
  }, [text]);
  return (
    <svg className="qr" viewBox={`0 0 ${d.n} ${d.n}`} width={Math.min(320, d.n * 4)} role="img" aria-label={label} shapeRendering="crispEdges">
      <rect width={d.n} height={d.n} fill="#fff" />
      <path d={d.p} fill="#000" />
    </svg>
  );
}

function NewDevice({ onCreated }: { onCreated: (seq: number) => void }) {
  const team = loadSession()?.team ?? '';
  const [name, setName] = useState('');
  const [kind, setKind] = useState<DeviceKind>('DEVICE');
  const [err, setErr] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [made, setMade] = useState<{ name: string; config: string } | null>(null);
  const [url, setUrl] = useState('');
  useEffect(() => {
    if (!made) return;
    const u = URL.createObjectURL(new Blob([made.config], { type: 'text/plain' }));
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [made]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErr(null);
    try {
      const keys = await makeKeyPair();
      const r = await gql(CreateDeviceDocument, { input: { name: name.trim(), kind, publicKey: keys.publicKey } });
      noteSeq(r.createDevice.seq);
      const clusters = await pageAll(async (after) => {
        const c = await gql(ClustersDocument, { first: 100, after, minSeq: r.createDevice.seq });
        return { nodes: c.clusters.edges.map((x) => x.node), hasNext: c.clusters.pageInfo.hasNextPage, end: c.clusters.pageInfo.endCursor };
      });
      setMade({ name: r.createDevice.device.name, config: wgConfig(team, r.createDevice.device.name, keys.privateKey, r.createDevice.device.ip, clusters) });
      setName('');
      onCreated(r.createDevice.seq);
    } catch (e) {
      setErr(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section>
      <h2>Add a device</h2>
      <p className="muted">The key pair is made in this browser; only the public key is sent. The configuration below holds the private key and is shown only now.</p>
      <form onSubmit={submit} className="inline-form" aria-label="Add a device">
        <Field label="Device name" error={fieldError(err instanceof ApiError ? err : null, 'name')}>
          {(id, d) => <input id={id} aria-describedby={d} required value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Kind" error={fieldError(err instanceof ApiError ? err : null, 'kind')}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={kind} onChange={(e) => setKind(e.target.value as DeviceKind)}>
              <option value="DEVICE">device (laptop, phone)</option>
              <option value="WORKSPACE">workspace</option>
            </select>
          )}
        </Field>
        <button type="submit" disabled={busy}>{busy ? 'Adding…' : 'Add device'}</button>
      </form>
      <ErrorNote error={err instanceof ApiError ? formError(err, ['name', 'kind', 'publicKey']) : err} what="add the device" />
      {made && (
        <div className="notice" role="region" aria-label="WireGuard configuration">
          <p>
            <strong>{made.name}</strong> is registered. Download its WireGuard configuration (<code>wg-quick up ./weft.conf</code>) or scan it with the WireGuard app.
            This is the only time the private key is shown.
          </p>
          <p>
            <a className="button" href={url} download={`weft-${made.name}.conf`}>Download WireGuard config</a>{' '}
            <button type="button" className="small" onClick={() => setMade(null)}>Done</button>
          </p>
          <QR text={made.config} label={`QR code of the WireGuard configuration of ${made.name}`} />
        </div>
      )}
    </section>
  );
}

export function Devices() {
  const q = useLoad((minSeq) => pageAll(async (after) => {
    const r = await gql(DevicesDocument, { first: 100, after, minSeq: minSeq ?? lastSeq() });
    return { nodes: r.devices.edges.map((e) => e.node), hasNext: r.devices.pageInfo.hasNextPage, end: r.devices.pageInfo.endCursor };
  }), []);
  useLive(['device'], (seq) => q.reload(seq));
  const [err, setErr] = useState<ApiError | null>(null);
  const del = async (id: string, name: string) => {
    if (!confirm(`Delete the device ${name}? It leaves the network at once.`)) return;
    try {
      const r = await gql(DeleteDeviceDocument, { id });
      noteSeq(r.deleteDevice.seq);
      q.reload(r.deleteDevice.seq);
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  return (
    <>
      <h1>Devices</h1>
      <p className="muted">Laptops, phones and workspaces on the team network.</p>
      {q.error && <ErrorNote error={q.error} what="list devices" />}
      <ErrorNote error={err} what="delete the device" />
      {!q.data ? (
        !q.error && <Loading what="devices" />
      ) : q.data.length === 0 ? (
        <Empty>No device yet: add one below, or run <code>weft device config NAME</code> on it.</Empty>
      ) : (
        <div className="scroll-x">
          <table>
            <caption className="sr">Devices</caption>
            <thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Owner</th><th scope="col">Address</th><th scope="col">Public key</th><th scope="col">Added</th><th scope="col"><span className="sr">Actions</span></th></tr></thead>
            <tbody>
              {q.data.map((d) => (
                <tr key={d.id} data-device={d.name}>
                  <td>{d.name}</td>
                  <td>{d.kind.toLowerCase()}</td>
                  <td>{d.owner.displayName || d.owner.username}</td>
                  <td><code>{d.ip}</code></td>
                  <td><code className="key">{d.publicKey}</code></td>
                  <td><When t={d.createdAt} /></td>
                  <td><button type="button" className="small danger" onClick={() => del(d.id, d.name)} aria-label={`Delete device ${d.name}`}>Delete</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <NewDevice onCreated={(seq) => q.reload(seq)} />
    </>
  );
}
