import { useMemo, useState } from 'react';
import { gql, lastSeq, pageAll } from '../api/client';
import { ClustersDocument, DevicesDocument, NetworkDocument } from '../api/generated';
import { useLoad } from '../hooks';
import { useLive } from '../live';
import { Empty, ErrorNote, Loading } from '../ui';
import { clusterHealth } from './common';

const PER_PAGE = 120;
// Up to RING clusters sit on a ring with their full mesh drawn; more sit in
// a grid, and only the links of the cluster pointed at or focused are
// drawn (a full mesh of 50 is 1,225 lines: a grey blot, not a picture).
const RING = 12;
const W = 1000;

// NetworkMap draws the team's mesh in SVG: the cluster gateways (every
// gateway peers with every other), and the devices below, grouped by
// owner, each of which peers with every gateway. Every cluster and device
// is read (Relay pages); devices are shown a page at a time and can be
// searched, and the drawing zooms, so 50 clusters and 500 devices stay
// readable.
export function NetworkMap() {
  const q = useLoad(async (minSeq) => {
    const seq = minSeq ?? lastSeq();
    const [net, clusters, devices] = await Promise.all([
      gql(NetworkDocument, { minSeq: seq }),
      pageAll(async (after) => {
        const r = await gql(ClustersDocument, { first: 200, after, minSeq: seq });
        return { nodes: r.clusters.edges.map((e) => e.node), hasNext: r.clusters.pageInfo.hasNextPage, end: r.clusters.pageInfo.endCursor };
      }, 10000),
      pageAll(async (after) => {
        const r = await gql(DevicesDocument, { first: 200, after, minSeq: seq });
        return { nodes: r.devices.edges.map((e) => e.node), hasNext: r.devices.pageInfo.hasNextPage, end: r.devices.pageInfo.endCursor };
      }, 100000),
    ]);
    return { network: net.network, clusters, devices };
  }, []);
  useLive(['cluster', 'device', 'network'], (seq) => q.refresh(seq));
  const [zoom, setZoom] = useState(1);
  const [page, setPage] = useState(0);
  const [find, setFind] = useState('');
  const [focus, setFocus] = useState('');
  const data = q.data;
  const matching = useMemo(() => {
    const f = find.trim().toLowerCase();
    return !data ? [] : f ? data.devices.filter((d) => d.name.toLowerCase().includes(f) || d.ip.includes(f) || d.owner.username.toLowerCase().includes(f)) : data.devices;
  }, [data, find]);
  const pages = Math.max(1, Math.ceil(matching.length / PER_PAGE));
  const at = Math.min(page, pages - 1);
  const layout = useMemo(() => {
    if (!data) return null;
    const clusters = data.clusters;
    const devices = matching.slice(at * PER_PAGE, at * PER_PAGE + PER_PAGE);
    const ring = clusters.length <= RING;
    let nodes: { c: (typeof clusters)[number]; x: number; y: number }[];
    let top: number;
    const R = 150;
    if (ring) {
      nodes = clusters.map((c, i) => {
        const a = (2 * Math.PI * i) / Math.max(1, clusters.length) - Math.PI / 2;
        return { c, x: W / 2 + R * Math.cos(a), y: R + 60 + R * Math.sin(a) };
      });
      top = 2 * R + 150;
    } else {
      const cols = 10;
      nodes = clusters.map((c, i) => ({ c, x: (i % cols) * (W / cols) + W / cols / 2, y: 50 + Math.floor(i / cols) * 84 }));
      top = 50 + Math.ceil(clusters.length / cols) * 84 + 40;
    }
    const groups = new Map<string, typeof devices>();
    devices.forEach((d) => groups.set(d.owner.username, [...(groups.get(d.owner.username) ?? []), d]));
    let y = top;
    const cols = 6;
    const cellW = W / cols;
    const blocks: { owner: string; y: number; items: { d: (typeof devices)[number]; x: number; y: number }[] }[] = [];
    for (const [owner, ds] of groups) {
      const items = ds.map((d, i) => ({ d, x: (i % cols) * cellW + cellW / 2, y: y + 34 + Math.floor(i / cols) * 46 }));
      blocks.push({ owner, y, items });
      y += 34 + Math.ceil(ds.length / cols) * 46 + 20;
    }
    return { H: y + 20, ring, top, nodes, blocks };
  }, [data, matching, at]);
  if (!data || !layout) return q.error ? <ErrorNote error={q.error} what="load the network" /> : <Loading what="the network" />;
  if (!layout.nodes.length && !data.devices.length) return <><h1>Network map</h1><Empty>The team network is empty: create a cluster or add a device.</Empty></>;
  const vbW = W / zoom;
  const vbH = layout.H / zoom;
  const sel = layout.nodes.find((n) => n.c.id === focus);
  const lines = layout.ring
    ? layout.nodes.flatMap((a, i) => layout.nodes.slice(i + 1).map((b) => [a, b] as const))
    : sel ? layout.nodes.filter((n) => n !== sel).map((n) => [sel, n] as const) : [];
  return (
    <>
      <h1>Network map</h1>
      <p className="muted">
        {layout.nodes.length} cluster gateway{layout.nodes.length === 1 ? '' : 's'} (a full mesh{layout.ring ? '' : ': point at a cluster, or pick it, to draw its links'}) and {data.devices.length} device{data.devices.length === 1 ? '' : 's'}, each a peer of every gateway (the dashed line). Colours: green online and converged, amber behind or
        unknown, red offline, grey waiting for the agent.
      </p>
      <div className="toolbar" role="group" aria-label="Map controls">
        <button type="button" className="small" onClick={() => setZoom(Math.min(4, zoom * 1.5))}>Zoom in</button>
        <button type="button" className="small" onClick={() => setZoom(Math.max(1, zoom / 1.5))}>Zoom out</button>
        <button type="button" className="small" onClick={() => setZoom(1)}>Reset</button>
        <label>
          <span className="sr">Find a device</span>
          <input type="search" placeholder="Find a device (name, IP, owner)" aria-label="Find a device" value={find} onChange={(e) => { setFind(e.target.value); setPage(0); }} />
        </label>
        <span aria-live="polite">
          {find.trim() ? `${matching.length} matching device${matching.length === 1 ? '' : 's'}` : ''}
          {pages > 1 && ` Devices page ${at + 1} of ${pages}`}
        </span>
        {pages > 1 && (
          <>
            <button type="button" className="small" disabled={at === 0} onClick={() => setPage(at - 1)}>Previous</button>
            <button type="button" className="small" disabled={at + 1 >= pages} onClick={() => setPage(at + 1)}>Next</button>
          </>
        )}
        {!layout.ring && (
          <select aria-label="Draw the links of" value={focus} onChange={(e) => setFocus(e.target.value)}>
            <option value="">links of: no cluster</option>
            {layout.nodes.map((n) => <option key={n.c.id} value={n.c.id}>links of {n.c.name}</option>)}
          </select>
        )}
        {sel && <span className="muted"> {sel.c.name}: {sel.c.gatewayIp}, {sel.c.serviceRange}, {clusterHealth(sel.c).label}</span>}
      </div>
      <div className="map" tabIndex={0} role="region" aria-label="The drawing, scrollable">
        <svg viewBox={`${(W - vbW) / 2} 0 ${vbW} ${vbH}`} role="img" aria-label={`Network map: ${layout.nodes.length} clusters and ${data.devices.length} devices`} className="netmap">
          <g className="mesh">
            {lines.map(([a, b]) => <line key={a.c.id + b.c.id} x1={a.x} y1={a.y} x2={b.x} y2={b.y} />)}
            {layout.blocks.length > 0 && <line x1={W / 2} y1={layout.top - 30} x2={W / 2} y2={layout.blocks[layout.blocks.length - 1].y} className="bundle" />}
          </g>
          {layout.nodes.map(({ c, x, y }) => {
            const h = clusterHealth(c);
            return (
              <g key={c.id} transform={`translate(${x},${y})`} className={'node ' + h.tone + (c.id === focus ? ' focus' : '')} data-cluster={c.name}
                onMouseEnter={() => setFocus(c.id)}>
                <title>{`cluster ${c.name}: gateway ${c.gatewayIp}, range ${c.serviceRange}, ${h.label}`}</title>
                <circle r={14} />
                <text y={30} textAnchor="middle">{c.name.length > 13 ? c.name.slice(0, 12) + '…' : c.name}</text>
                <text y={43} textAnchor="middle" className="ip">{c.gatewayIp}</text>
              </g>
            );
          })}
          {layout.blocks.map((b) => (
            <g key={b.owner}>
              <text x={10} y={b.y + 16} className="group">{b.owner}'s devices</text>
              {b.items.map(({ d, x, y }) => (
                <g key={d.id} transform={`translate(${x},${y})`} className="device" data-device={d.name}>
                  <title>{`${d.kind.toLowerCase()} ${d.name} of ${d.owner.username}: ${d.ip}`}</title>
                  <rect x={-70} y={-14} width={140} height={34} rx={6} />
                  <text y={0} textAnchor="middle">{d.name.length > 18 ? d.name.slice(0, 17) + '…' : d.name}</text>
                  <text y={14} textAnchor="middle" className="ip">{d.ip}</text>
                </g>
              ))}
            </g>
          ))}
        </svg>
      </div>
      <details>
        <summary>Addresses in use ({data.network.addresses.length})</summary>
        <table>
          <caption className="sr">Addresses</caption>
          <thead><tr><th scope="col">Address</th><th scope="col">Held by</th></tr></thead>
          <tbody>
            {data.network.addresses.map((a) => <tr key={a.ip}><td><code>{a.ip}</code></td><td>{a.ownerKind} {a.ownerId.slice(0, 8)}…</td></tr>)}
          </tbody>
        </table>
      </details>
    </>
  );
}
