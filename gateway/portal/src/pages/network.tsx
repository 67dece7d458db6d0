import { useMemo, useState } from 'react';
import { gql, lastSeq } from '../api/client';
import { NetworkDocument } from '../api/generated';
import { useLoad } from '../hooks';
import { useLive } from '../live';
import { Empty, ErrorNote, Loading } from '../ui';
import { clusterHealth } from './common';

const PER_PAGE = 120;

// NetworkMap draws the team's mesh in SVG: the cluster gateways on a ring
// (every gateway peers with every other), and the devices below, grouped
// by owner, each of which peers with every gateway. Devices are paged and
// the drawing zooms, so 50 clusters and 500 devices stay readable.
export function NetworkMap() {
  const q = useLoad((minSeq) => gql(NetworkDocument, { minSeq: minSeq ?? lastSeq() }), []);
  useLive(['cluster', 'device', 'network'], (seq) => q.reload(seq));
  const [zoom, setZoom] = useState(1);
  const [page, setPage] = useState(0);
  const [hover, setHover] = useState('');
  const data = q.data;
  const layout = useMemo(() => {
    if (!data) return null;
    const clusters = data.clusters.edges.map((e) => e.node);
    const devices = data.devices.edges.map((e) => e.node).slice(page * PER_PAGE, page * PER_PAGE + PER_PAGE);
    const W = 1000;
    const R = Math.max(120, Math.min(360, clusters.length * 14));
    const cx = W / 2;
    const cy = R + 60;
    const nodes = clusters.map((c, i) => {
      const a = (2 * Math.PI * i) / Math.max(1, clusters.length) - Math.PI / 2;
      return { c, x: cx + R * Math.cos(a), y: cy + R * Math.sin(a) };
    });
    const groups = new Map<string, typeof devices>();
    devices.forEach((d) => groups.set(d.owner.username, [...(groups.get(d.owner.username) ?? []), d]));
    let y = cy + R + 90;
    const cols = 6;
    const cellW = W / cols;
    const blocks: { owner: string; y: number; items: { d: (typeof devices)[number]; x: number; y: number }[] }[] = [];
    for (const [owner, ds] of groups) {
      const items = ds.map((d, i) => ({ d, x: (i % cols) * cellW + cellW / 2, y: y + 34 + Math.floor(i / cols) * 46 }));
      blocks.push({ owner, y, items });
      y += 34 + Math.ceil(ds.length / cols) * 46 + 20;
    }
    return { W, H: y + 20, cx, cy, R, nodes, blocks, total: data.devices.edges.length, totalDevices: data.devices.totalCount };
  }, [data, page]);
  if (!data || !layout) return q.error ? <ErrorNote error={q.error} what="load the network" /> : <Loading what="the network" />;
  if (!layout.nodes.length && !layout.totalDevices) return <><h1>Network map</h1><Empty>The team network is empty: create a cluster or add a device.</Empty></>;
  const vbW = layout.W / zoom;
  const vbH = layout.H / zoom;
  const pages = Math.ceil(layout.total / PER_PAGE);
  return (
    <>
      <h1>Network map</h1>
      <p className="muted">
        {layout.nodes.length} cluster gateway{layout.nodes.length === 1 ? '' : 's'} (a full mesh) and {layout.totalDevices} device{layout.totalDevices === 1 ? '' : 's'}, each a peer of every gateway (the dashed line). Colours: green online and converged, amber behind or
        unknown, red offline, grey waiting for the agent.
      </p>
      <div className="toolbar" role="group" aria-label="Zoom">
        <button type="button" className="small" onClick={() => setZoom(Math.min(4, zoom * 1.5))}>Zoom in</button>
        <button type="button" className="small" onClick={() => setZoom(Math.max(1, zoom / 1.5))}>Zoom out</button>
        <button type="button" className="small" onClick={() => setZoom(1)}>Reset</button>
        {pages > 1 && (
          <>
            {' '}Devices page {page + 1} of {pages}{' '}
            <button type="button" className="small" disabled={page === 0} onClick={() => setPage(page - 1)}>Previous</button>
            <button type="button" className="small" disabled={page + 1 >= pages} onClick={() => setPage(page + 1)}>Next</button>
          </>
        )}
        {hover && <span className="muted"> {hover}</span>}
      </div>
      <div className="map">
        <svg viewBox={`${(layout.W - vbW) / 2} 0 ${vbW} ${vbH}`} role="img" aria-label={`Network map: ${layout.nodes.length} clusters and ${layout.totalDevices} devices`} className="netmap">
          <g className="mesh">
            {layout.nodes.flatMap((a, i) => layout.nodes.slice(i + 1).map((b) => <line key={a.c.id + b.c.id} x1={a.x} y1={a.y} x2={b.x} y2={b.y} />))}
            {layout.blocks.length > 0 && <line x1={layout.cx} y1={layout.cy + layout.R + 56} x2={layout.cx} y2={layout.blocks[layout.blocks.length - 1].y} className="bundle" />}
          </g>
          {layout.nodes.map(({ c, x, y }) => {
            const h = clusterHealth(c);
            return (
              <g key={c.id} transform={`translate(${x},${y})`} className={'node ' + h.tone} onMouseEnter={() => setHover(`${c.name}: ${c.gatewayIp}, ${c.serviceRange}, ${h.label}`)} data-cluster={c.name}>
                <title>{`cluster ${c.name}: gateway ${c.gatewayIp}, range ${c.serviceRange}, ${h.label}`}</title>
                <circle r={16} />
                <text y={32} textAnchor="middle">{c.name}</text>
                <text y={46} textAnchor="middle" className="ip">{c.gatewayIp}</text>
              </g>
            );
          })}
          {layout.blocks.map((b) => (
            <g key={b.owner}>
              <text x={10} y={b.y + 16} className="group">{b.owner}'s devices</text>
              {b.items.map(({ d, x, y }) => (
                <g key={d.id} transform={`translate(${x},${y})`} className="device" data-device={d.name}>
                  <title>{`${d.kind.toLowerCase()} ${d.name} of ${d.owner.username}: ${d.ip}`}</title>
                  <rect x={-60} y={-14} width={120} height={34} rx={6} />
                  <text y={0} textAnchor="middle">{d.name.length > 16 ? d.name.slice(0, 15) + '…' : d.name}</text>
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
