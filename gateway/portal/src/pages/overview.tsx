import { gql, lastSeq } from '../api/client';
import { OverviewDocument } from '../api/generated';
import { useLoad } from '../hooks';
import { useLive } from '../live';
import { Link } from '../router';
import { Actor, Badge, Empty, ErrorNote, Loading, When } from '../ui';
import { clusterHealth, describeEvent } from './common';

export function Overview() {
  const q = useLoad((minSeq) => gql(OverviewDocument, { minSeq: minSeq ?? lastSeq() }), []);
  useLive([], (seq) => q.reload(seq));
  if (!q.data) return q.error ? <ErrorNote error={q.error} what="load the overview" /> : <Loading what="the overview" />;
  const t = q.data.team;
  if (!t) return <ErrorNote error={new Error('This team is not visible to you.')} />;
  const counts: [string, number, string][] = [
    ['Environments', t.environments.totalCount, '/environments'],
    ['Apps', t.apps.totalCount, '/environments'],
    ['Managed services', t.services.totalCount, '/environments'],
    ['Clusters', t.clusters.totalCount, '/clusters'],
    ['Devices', t.devices.totalCount, '/devices'],
    ['Policies', t.policies.totalCount, '/policies'],
    ['Members', t.members.totalCount, '/members'],
  ];
  const clusters = t.clusters.edges.map((e) => e.node);
  const intercepts = q.data.intercepts.edges.map((e) => e.node);
  return (
    <>
      <h1>{t.displayName}</h1>
      <ul className="cards" aria-label="Team at a glance">
        {counts.map(([label, n, href]) => (
          <li key={label}>
            <Link href={href} className="card">
              <span className="num">{n}</span> {label}
            </Link>
          </li>
        ))}
      </ul>
      <div className="grid2">
        <section>
          <h2>Clusters</h2>
          {clusters.length === 0 ? (
            <Empty>No cluster yet. <Link href="/clusters">Create one</Link> and run its agent to bring a gateway online.</Empty>
          ) : (
            <ul className="plain">
              {clusters.map((c) => {
                const h = clusterHealth(c);
                return (
                  <li key={c.id}>
                    <strong>{c.name}</strong> <code>{c.gatewayIp}</code> <Badge tone={h.tone}>{h.label}</Badge>
                  </li>
                );
              })}
            </ul>
          )}
          <h2>Active intercepts</h2>
          {intercepts.length === 0 ? (
            <Empty>No app is intercepted.</Empty>
          ) : (
            <ul className="plain">
              {intercepts.map((i) => (
                <li key={i.id}>
                  <Link href={`/apps/${i.app.id}`}>{i.app.name}.{i.app.environment.name}</Link> port {i.port.port} → {i.deviceName ?? 'a deleted device'} ({i.target})
                </li>
              ))}
            </ul>
          )}
        </section>
        <section>
          <h2>Latest changes</h2>
          {q.data.events.edges.length === 0 ? (
            <Empty>Nothing has happened in this team yet.</Empty>
          ) : (
            <ol className="plain events">
              {q.data.events.edges.map(({ node: e }) => (
                <li key={e.id}>
                  <When t={e.time} /> · <Actor actor={e.actor} /> · {describeEvent(e)}
                </li>
              ))}
            </ol>
          )}
          <p><Link href="/audit">The whole audit trail</Link></p>
        </section>
      </div>
    </>
  );
}
