import type { ClusterFieldsFragment, EventFieldsFragment, SpecFieldsFragment } from '../api/generated';

export function clusterHealth(c: Pick<ClusterFieldsFragment, 'enrolled' | 'status'>): { tone: 'ok' | 'warn' | 'bad' | 'info'; label: string } {
  if (!c.enrolled) return { tone: 'info', label: 'waiting for its agent' };
  const s = c.status;
  if (s.online === false) return { tone: 'bad', label: 'offline' };
  if (s.online == null) return { tone: 'warn', label: 'status unknown' };
  if (s.appliedSeq != null && s.appliedSeq < s.seq) return { tone: 'warn', label: `online, behind (applied ${s.appliedSeq} of ${s.seq})` };
  return { tone: 'ok', label: 'online, converged' };
}

// describeEvent is one line for an event: its type and what it names.
export function describeEvent(e: Pick<EventFieldsFragment, 'type' | 'aggregateType' | 'aggregateId' | 'data'>): string {
  const d = (e.data ?? {}) as Record<string, unknown>;
  const name = typeof d.name === 'string' ? d.name : typeof d.Name === 'string' ? d.Name : '';
  return `${e.type}${name ? ` “${name}”` : ''} (${e.aggregateType} ${e.aggregateId.length > 12 ? e.aggregateId.slice(0, 8) + '…' : e.aggregateId})`;
}

export function ports(s: SpecFieldsFragment): string {
  return s.ports.map((p) => `${p.port}/${p.protocol.toLowerCase()}`).join(', ');
}

// health is what the spec's health check says about backends: weft's API
// reports the check's settings; results live at each cluster's proxy.
export function healthLine(s: SpecFieldsFragment): string {
  const h = s.health;
  return `${h.type}${h.path ? ' ' + h.path : ''} every ${h.intervalSeconds}s (timeout ${h.timeoutSeconds}s, ${h.healthyThreshold} up / ${h.unhealthyThreshold} down)`;
}

export function dnsName(app: string, env: string, team: string): string {
  return `${app}.${env}.${team}.weft.internal`;
}

type Backed = {
  spec: SpecFieldsFragment;
  workload?: { image: string; replicas: number } | null;
  export?: { namespace: string; name: string } | null;
  generation: number;
  rollout?: { generation: number; desired: number; ready: number; done: boolean; failing?: string | null } | null;
};

// backing says where an app's traffic goes: its fixed backends, the
// container its cluster runs (with the rollout's progress), or an existing
// Kubernetes Service.
export function backing(a: Backed): string {
  if (a.workload) {
    const r = a.rollout;
    let state = 'not rolled out yet';
    if (r) {
      if (r.failing) state = `failing: ${r.failing}`;
      else if (r.generation < a.generation) state = 'rolling out the new version';
      else state = `${r.ready}/${r.desired} ready${r.done ? '' : ', rolling out'}`;
    }
    return `container ${a.workload.image} ×${a.workload.replicas} (${state})`;
  }
  if (a.export) return `Kubernetes Service ${a.export.namespace}/${a.export.name}`;
  return a.spec.backends.length ? a.spec.backends.join(', ') : 'none';
}
