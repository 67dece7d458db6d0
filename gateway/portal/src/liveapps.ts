// An app's row straight from its event, without asking the API again.
//
// The event of an app's creation, change of spec or deletion carries all
// its row in the apps list shows: teamEvents delivers each event's data as
// this server's build decodes it (`known`, upcast to the type's current
// version; the event catalogue is docs/auditing.md), and the event's
// resourceName ("prod/api") names its environment. So these rows are put
// in place as the event arrives, with no request between the event and
// the row. What an event does not say (a rollout's progress, an intercept,
// an event of a type this file does not know, the first app of a list that
// knows no name for its cluster) the list asks the API for, as before.
//
// The fields are those the API answers (AppFields), from the console's
// events as its read model folds them (services/console/domain/app.go,
// EvolveApp; convert.go, appValue): the browser test compares every row
// shown live with the same row after a reload.
import type { AppFieldsFragment, EventFieldsFragment, HealthCheckType, LbMode, Protocol } from './api/generated';

export type AppRow = AppFieldsFragment;

// What a row needs that an app's event does not carry: its environment's
// and cluster's names, found among the rows the list holds.
export type Names = { env(id: string): string | undefined; cluster(id: string): string | undefined };

// An app event's outcome for its row: the row as it is now, gone (the app
// was deleted), or unknown (the event does not say enough: ask the API).
export type Outcome = { row: AppRow } | { gone: true } | { unknown: true };

const unknown: Outcome = { unknown: true };

type Port = { port: number; protocol: string };
type Spec = {
  ports: Port[];
  backends: string[] | null;
  lb: string;
  health: { type: string; path?: string; intervalSeconds: number; timeoutSeconds: number; healthyThreshold: number; unhealthyThreshold: number };
};
type Workload = { image: string; replicas: number; ports: (Port & { containerPort: number })[] | null };
type Backing = { spec: Spec; workload?: Workload | null; export?: { namespace: string; name: string } | null };
type Created = Backing & { id: string; name: string; envId: string; clusterId: string; serviceIp: string };

// The API's enum values are the domain's, upper-cased
// (services/console/subgraph/convert.go, upper).
const upper = <T extends string>(v: string) => v.toUpperCase() as T;

function specOf(s: Spec): AppRow['spec'] {
  return {
    ports: s.ports.map((p) => ({ port: p.port, protocol: upper<Protocol>(p.protocol) })),
    backends: [...(s.backends ?? [])],
    lb: upper<LbMode>(s.lb),
    health: {
      type: upper<HealthCheckType>(s.health.type),
      path: s.health.path || null,
      intervalSeconds: s.health.intervalSeconds,
      timeoutSeconds: s.health.timeoutSeconds,
      healthyThreshold: s.health.healthyThreshold,
      unhealthyThreshold: s.health.unhealthyThreshold,
    },
  };
}

function backingOf(d: Backing): Pick<AppRow, 'spec' | 'workload' | 'export'> {
  const w = d.workload;
  return {
    spec: specOf(d.spec),
    workload: w ? { image: w.image, replicas: w.replicas, ports: (w.ports ?? []).map((p) => ({ port: p.port, protocol: upper<Protocol>(p.protocol), containerPort: p.containerPort })) } : null,
    export: d.export ? { namespace: d.export.namespace, name: d.export.name } : null,
  };
}

// envOf is the environment's name in an event's resourceName ("prod/api").
export function envOf(e: Pick<EventFieldsFragment, 'resourceName'>): string | undefined {
  const n = e.resourceName ?? '';
  const i = n.indexOf('/');
  return i > 0 ? n.slice(0, i) : undefined;
}

// fromEvent is what e, an event of an app (aggregateType "app"), makes of
// its row, given the row the list holds for it (undefined: none).
export function fromEvent(e: EventFieldsFragment, old: AppRow | undefined, names: Names): Outcome {
  if (!e.known || typeof e.data !== 'object' || e.data === null) return unknown;
  try {
    switch (e.type) {
      case 'console.app.created': {
        const d = e.data as Created;
        const env = envOf(e) ?? names.env(d.envId);
        const cluster = names.cluster(d.clusterId);
        if (!env || cluster === undefined || typeof d.name !== 'string' || typeof d.serviceIp !== 'string') return unknown;
        return {
          row: {
            id: e.aggregateId,
            name: d.name,
            serviceIp: d.serviceIp,
            // The generation is the sequence of the app's last change of
            // spec or backing (EvolveApp).
            generation: e.seq,
            createdBy: e.actor,
            createdAt: e.time,
            updatedAt: e.time,
            environment: { id: d.envId, name: env },
            cluster: { id: d.clusterId, name: cluster },
            ...backingOf(d),
            rollout: null,
            activeIntercepts: [],
          },
        };
      }
      case 'console.app.updated':
        if (!old) return unknown;
        return { row: { ...old, ...backingOf(e.data as Backing), generation: e.seq, updatedAt: e.time } };
      case 'console.app.deleted':
        return { gone: true };
    }
  } catch {
    // Data not of the shape this file knows: the API knows.
  }
  return unknown;
}
