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
