import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, gql, lastSeq, noteSeq, pageAll, subscribe } from '../api/client';
import {
  ClusterStatusDocument, ClustersDocument, CreateClusterDocument, DeleteClusterDocument, RotateEnrolmentSecretDocument,
  type ClusterFieldsFragment, type ClusterStatusFieldsFragment,
} from '../api/generated';
import { useLoad } from '../hooks';
import { useLive } from '../live';
import { Badge, Copy, Empty, ErrorNote, Field, Loading, When, fieldError, formError } from '../ui';
import { clusterHealth } from './common';

function Enrolment({ cluster, secret, onClose }: { cluster: ClusterFieldsFragment; secret: string; onClose: () => void }) {
  const cmd = `weft-agent --server ${location.origin} --cluster ${cluster.id} --enrolment-secret ${secret}`;
  return (
    <div className="notice" role="region" aria-label="Enrolment command">
      <p>
        Cluster <strong>{cluster.name}</strong>: gateway <code>{cluster.gatewayIp}</code>, service range <code>{cluster.serviceRange}</code>. Enrol its agent
        with this command on a host of the cluster. <strong>The secret is shown only this once.</strong>
      </p>
      <pre data-testid="enrolment-command">{cmd}</pre>
      <Copy text={cmd} label="enrolment command" /> <button type="button" className="small" onClick={onClose}>I have saved it</button>
    </div>
  );
}

// Row keeps the cluster's status live with the clusterStatus subscription.
function Row({ c, onRotate, onDelete }: { c: ClusterFieldsFragment; onRotate: () => void; onDelete: () => void }) {
  const [status, setStatus] = useState<ClusterStatusFieldsFragment>(c.status);
  useEffect(() => setStatus(c.status), [c.status]);
  useEffect(() => subscribe(ClusterStatusDocument, { id: c.id }, (r) => setStatus(r.clusterStatus)), [c.id]);
  const h = clusterHealth({ enrolled: status.enrolled, status });
  return (
    <tr data-cluster={c.name}>
      <td>{c.name}</td>
      <td><code>{c.gatewayIp}</code></td>
      <td><code>{c.serviceRange}</code></td>
      <td><Badge tone={h.tone}>{h.label}</Badge></td>
      <td>{status.endpoint ?? <span className="muted">not reported</span>}</td>
      <td>{status.appliedSeq ?? '—'} / {status.seq}</td>
      <td><When t={status.lastHeartbeatAt} /></td>
      <td className="actions">
        {!status.enrolled && <button type="button" className="small" onClick={onRotate}>New enrolment secret</button>}
        <button type="button" className="small danger" onClick={onDelete} aria-label={`Delete cluster ${c.name}`}>Delete</button>
      </td>
    </tr>
  );
}

export function Clusters() {
  const q = useLoad((minSeq) => pageAll(async (after) => {
    const r = await gql(ClustersDocument, { first: 100, after, minSeq: minSeq ?? lastSeq() });
    return { nodes: r.clusters.edges.map((e) => e.node), hasNext: r.clusters.pageInfo.hasNextPage, end: r.clusters.pageInfo.endCursor };
  }), []);
  useLive(['cluster'], (seq) => q.reload(seq));
  const [name, setName] = useState('');
  const [err, setErr] = useState<ApiError | null>(null);
  const [shown, setShown] = useState<{ cluster: ClusterFieldsFragment; secret: string } | null>(null);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const r = await gql(CreateClusterDocument, { input: { name: name.trim() } });
      noteSeq(r.createCluster.seq);
      setShown({ cluster: r.createCluster.cluster, secret: r.createCluster.enrolmentSecret });
      setName('');
      setErr(null);
      q.reload(r.createCluster.seq);
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  const rotate = async (c: ClusterFieldsFragment) => {
    try {
      const r = await gql(RotateEnrolmentSecretDocument, { id: c.id });
      noteSeq(r.rotateEnrolmentSecret.seq);
      setShown({ cluster: r.rotateEnrolmentSecret.cluster, secret: r.rotateEnrolmentSecret.enrolmentSecret });
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  const del = async (c: ClusterFieldsFragment) => {
    if (!confirm(`Delete the cluster ${c.name}? Its addresses are released and its agent is cut off.`)) return;
    try {
      const r = await gql(DeleteClusterDocument, { id: c.id });
      noteSeq(r.deleteCluster.seq);
      q.reload(r.deleteCluster.seq);
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  return (
    <>
      <h1>Clusters</h1>
      <p className="muted">Each cluster's agent runs the team's edge gateway there. Status is live.</p>
      {shown && <Enrolment {...shown} onClose={() => setShown(null)} />}
      {q.error && <ErrorNote error={q.error} what="list clusters" />}
      {!q.data ? (
        !q.error && <Loading what="clusters" />
      ) : q.data.length === 0 ? (
        <Empty>No cluster yet. Create one below, then run its agent with the command shown.</Empty>
      ) : (
        <div className="scroll-x">
          <table>
            <caption className="sr">Clusters</caption>
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Gateway</th><th scope="col">Service range</th><th scope="col">Status</th><th scope="col">Endpoint</th><th scope="col">Applied / latest seq</th><th scope="col">Last heartbeat</th><th scope="col"><span className="sr">Actions</span></th></tr>
            </thead>
            <tbody>
              {q.data.map((c) => <Row key={c.id} c={c} onRotate={() => rotate(c)} onDelete={() => del(c)} />)}
            </tbody>
          </table>
        </div>
      )}
      <section>
        <h2>Create a cluster</h2>
        <form onSubmit={create} className="inline-form" aria-label="Create a cluster">
          <Field label="Cluster name" error={fieldError(err, 'name')}>
            {(id, d) => <input id={id} aria-describedby={d} required value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <button type="submit">Create cluster</button>
        </form>
        <ErrorNote error={formError(err, ['name'])} what="change the clusters" />
      </section>
    </>
  );
}
