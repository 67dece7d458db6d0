/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type ConfigEntryInput = {
  /** Letters, digits, '-', '_', '.'. */
  key: string;
  /** UTF-8 text. */
  value: string;
};

export type CreateAppInput = {
  /** The environment's name. */
  env: string;
  /** Or: an existing Kubernetes Service (in the app's cluster) whose endpoints are its backends. */
  export?: ServiceRefInput | null | undefined;
  name: string;
  spec: SpecInput;
  /** A container its cluster's agent runs (Kubernetes mode). */
  workload?: WorkloadInput | null | undefined;
};

export type CreateClusterInput = {
  name: string;
};

export type CreateDeviceInput = {
  /** DEVICE when null. */
  kind?: DeviceKind | null | undefined;
  name: string;
  /** WireGuard public key (base64); the private key never leaves the device. */
  publicKey: string;
};

export type CreateEnvironmentInput = {
  clusterId: string | number;
  name: string;
};

export type CreatePolicyInput = {
  name: string;
  rule: RuleInput;
};

export type CreateRouterInput = {
  /** A DNS name, e.g. shop.example.com (*.example.com for a wildcard). */
  domain: string;
  /** The environment's name. */
  env: string;
  name: string;
  routes: Array<RouteInput>;
  tls?: boolean | null | undefined;
};

/** A managed service in front of fixed backends (spec with backends), or run by its cluster (Kubernetes mode) when spec has none: POSTGRES, MYSQL, REDIS and MONGODB, with the kind's port. */
export type CreateServiceInput = {
  env: string;
  kind: ServiceKind;
  name: string;
  /** The network shape; null (or without backends) for a service its cluster runs. */
  spec?: SpecInput | null | undefined;
  /** A service its cluster runs: its volume's size, a Kubernetes quantity from 64Mi to 64Ti (1Gi when null). */
  storage?: string | null | undefined;
  /** A service its cluster runs: the image's version (the kind's default when null), e.g. 17. */
  version?: string | null | undefined;
};

export type CreateTeamInput = {
  displayName: string;
  slug: string;
};

export type CreateTokenInput = {
  expiresAt?: string | null | undefined;
  name?: string | null | undefined;
  /** Whose token; the caller when null (others' only for the administrator). */
  userId?: string | number | null | undefined;
};

export type DeviceKind =
  | 'DEVICE'
  | 'WORKSPACE';

export type EnvFromInput = {
  /** CONFIG when null. */
  kind?: SourceKind | null | undefined;
  name: string;
  /** Put before every key's name; a valid variable name. */
  prefix?: string | null | undefined;
};

/** A variable: a value, or from a config's key (not both). */
export type EnvVarInput = {
  from?: KeyRefInput | null | undefined;
  name: string;
  value?: string | null | undefined;
};

export type EventFilter = {
  /** As recorded (user:<id>, system:<name>), or a user's username. */
  actor?: string | null | undefined;
  /** Requires aggregateType. */
  aggregateId?: string | null | undefined;
  aggregateType?: string | null | undefined;
  fromSeq?: number | null | undefined;
  /**
   * Keep agents' status reports (infra.cluster.agent-applied, console.app.rollout-reported),
   * which are left out unless types names them. An agent's state changes (online, offline,
   * a new gateway key) are always in.
   */
  includeStatus?: boolean | null | undefined;
  since?: string | null | undefined;
  toSeq?: number | null | undefined;
  /** Event type names (console.app.created), or short forms naming one (app.created, AppCreated). */
  types?: Array<string> | null | undefined;
  until?: string | null | undefined;
};

export type EventOrder =
  | 'NEWEST_FIRST'
  | 'OLDEST_FIRST';

export type FileMountInput = {
  /** CONFIG when null. */
  kind?: SourceKind | null | undefined;
  name: string;
  /** A clean absolute directory, e.g. /etc/app. */
  path: string;
};

export type HealthCheckInput = {
  healthyThreshold?: number | null | undefined;
  intervalSeconds?: number | null | undefined;
  path?: string | null | undefined;
  timeoutSeconds?: number | null | undefined;
  type?: HealthCheckType | null | undefined;
  unhealthyThreshold?: number | null | undefined;
};

export type HealthCheckType =
  | 'HTTP'
  | 'TCP';

export type IdentityInput = {
  clusterId?: string | number | null | undefined;
  deviceId?: string | number | null | undefined;
  envId?: string | number | null | undefined;
  userId?: string | number | null | undefined;
};

export type InviteInput = {
  /** MEMBER when null. */
  role?: Role | null | undefined;
  username: string;
};

export type KeyRefInput = {
  key: string;
  /** CONFIG when null. */
  kind?: SourceKind | null | undefined;
  name: string;
};

export type LbMode =
  | 'FAILOVER'
  | 'RANDOM'
  | 'ROUND_ROBIN';

/** One member of the caller's team, by user id or username (exactly one). */
export type MemberInput = {
  role?: Role | null | undefined;
  userId?: string | number | null | undefined;
  username?: string | null | undefined;
};

export type PolicyAction =
  | 'ALLOW'
  | 'DENY';

export type PortInput = {
  port: number;
  /** TCP when null. */
  protocol?: Protocol | null | undefined;
};

export type PortMappingInput = {
  containerPort: number;
  port: number;
  /** TCP when null. */
  protocol?: Protocol | null | undefined;
};

export type ProbeInput = {
  command?: Array<string> | null | undefined;
  failureThreshold?: number | null | undefined;
  initialDelaySeconds?: number | null | undefined;
  /** HTTP: / when null. */
  path?: string | null | undefined;
  periodSeconds?: number | null | undefined;
  /** HTTP and TCP: the first container port when null. */
  port?: number | null | undefined;
  successThreshold?: number | null | undefined;
  timeoutSeconds?: number | null | undefined;
  type: ProbeType;
};

export type ProbeType =
  | 'EXEC'
  | 'HTTP'
  | 'TCP';

export type Protocol =
  | 'HTTP'
  | 'TCP'
  | 'UDP';

export type ResourceListInput = {
  /** Kubernetes quantity, e.g. 250m or 0.5. */
  cpu?: string | null | undefined;
  /** Kubernetes quantity, e.g. 128Mi or 1G. */
  memory?: string | null | undefined;
};

export type ResourcesInput = {
  limits?: ResourceListInput | null | undefined;
  requests?: ResourceListInput | null | undefined;
};

/** A member's role in a team, from least to most powerful. */
export type Role =
  | 'ADMIN'
  /** Reads the team's whole history and any past state (the audit service) and changes nothing; only owners grant it. */
  | 'AUDITOR'
  | 'MEMBER'
  | 'OWNER';

export type RouteInput = {
  /** A clean absolute path prefix, e.g. / or /api. */
  path: string;
  target: RouteTargetInput;
};

export type RouteTargetInput = {
  kind: RouteTargetKind;
  name: string;
  port: number;
};

export type RouteTargetKind =
  /** An app of the router's environment with a container its cluster runs. */
  | 'APP'
  /** A managed service of the router's environment that its cluster runs. */
  | 'SERVICE';

export type RuleInput = {
  action: PolicyAction;
  description?: string | null | undefined;
  priority?: number | null | undefined;
  sources: Array<SubjectInput>;
  targets: Array<SubjectInput>;
};

export type ServiceKind =
  | 'ELASTICSEARCH'
  | 'KAFKA'
  | 'MONGODB'
  | 'MYSQL'
  | 'OTHER'
  | 'POSTGRES'
  | 'RABBITMQ'
  | 'REDIS';

export type ServiceRefInput = {
  name: string;
  namespace: string;
};

/** Sets and removes keys of a config; creates the config when the environment has none of that name. */
export type SetConfigInput = {
  /** The environment's name. */
  env: string;
  name: string;
  set?: Array<ConfigEntryInput> | null | undefined;
  /** Keys to remove; each must exist. */
  unset?: Array<string> | null | undefined;
};

/** Sets and removes keys of a secret; creates it when the environment has none of that name. Values are sealed before anything is recorded. */
export type SetSecretInput = {
  env: string;
  name: string;
  set?: Array<ConfigEntryInput> | null | undefined;
  unset?: Array<string> | null | undefined;
};

/** What a workload takes values from. */
export type SourceKind =
  /** A config of the app's environment. */
  | 'CONFIG'
  /** A secret of the app's environment. */
  | 'SECRET'
  /** The credentials of a managed service of the app's environment that its cluster runs (keys USERNAME, PASSWORD, DATABASE, HOST, PORT, URL). */
  | 'SERVICE';

/** Unset fields take defaults: TCP ports, ROUND_ROBIN, a TCP check every 10 s. */
export type SpecInput = {
  /** host:port; may be empty (or null) when the app has a workload or exports a Service. */
  backends?: Array<string> | null | undefined;
  health?: HealthCheckInput | null | undefined;
  lb?: LbMode | null | undefined;
  ports: Array<PortInput>;
};

export type StartInterceptInput = {
  appId: string | number;
  deviceId: string | number;
  port: number;
  /** May be null when the app has the port on one protocol only. */
  protocol?: Protocol | null | undefined;
  /** The port on the device; the app's port when null. */
  targetPort?: number | null | undefined;
};

export type SubjectInput = {
  id?: string | number | null | undefined;
  kind: SubjectKind;
};

export type SubjectKind =
  | 'ALL'
  | 'APP'
  | 'CLUSTER'
  | 'DEVICE'
  | 'ENV'
  | 'USER';

export type TargetInput = {
  appId?: string | number | null | undefined;
  envId?: string | number | null | undefined;
};

/** Replaces the app's spec, workload and export: a null workload or export removes it. */
export type UpdateAppInput = {
  export?: ServiceRefInput | null | undefined;
  id: string | number;
  spec: SpecInput;
  workload?: WorkloadInput | null | undefined;
};

export type UpdatePolicyInput = {
  id: string | number;
  rule: RuleInput;
};

/** A container for the app. Unmapped app ports lead to the same container port. */
export type WorkloadInput = {
  args?: Array<string> | null | undefined;
  command?: Array<string> | null | undefined;
  env?: Array<EnvVarInput> | null | undefined;
  /** Every key of a config of the environment as variables. */
  envFrom?: Array<EnvFromInput> | null | undefined;
  /** A config's keys as files of a directory. */
  files?: Array<FileMountInput> | null | undefined;
  image: string;
  liveness?: ProbeInput | null | undefined;
  ports?: Array<PortMappingInput> | null | undefined;
  readiness?: ProbeInput | null | undefined;
  /** 1 when null; 0 to 1000. */
  replicas?: number | null | undefined;
  resources?: ResourcesInput | null | undefined;
};

export type ClusterFieldsFragment = { id: string, name: string, gatewayIp: string, serviceRange: string, enrolled: boolean, enrolledAt: string | null, publicKey: string | null, endpoint: string | null, createdAt: string | null, status: { clusterId: string, enrolled: boolean, publicKey: string | null, endpoint: string | null, online: boolean | null, lastHeartbeatAt: string | null, appliedSeq: number | null, seq: number } };

export type ClusterStatusFieldsFragment = { clusterId: string, enrolled: boolean, publicKey: string | null, endpoint: string | null, online: boolean | null, lastHeartbeatAt: string | null, appliedSeq: number | null, seq: number };

export type SpecFieldsFragment = { backends: Array<string>, lb: LbMode, ports: Array<{ port: number, protocol: Protocol }>, health: { type: HealthCheckType, path: string | null, intervalSeconds: number, timeoutSeconds: number, healthyThreshold: number, unhealthyThreshold: number } };

export type InterceptFieldsFragment = { id: string, deviceName: string | null, deviceGone: boolean, target: string, active: boolean, startedBy: string, startedAt: string | null, stoppedBy: string | null, stoppedAt: string | null, port: { port: number, protocol: Protocol } };

export type AppFieldsFragment = { id: string, name: string, serviceIp: string, generation: number, createdBy: string | null, createdAt: string | null, updatedAt: string | null, environment: { id: string, name: string }, cluster: { id: string, name: string }, spec: { backends: Array<string>, lb: LbMode, ports: Array<{ port: number, protocol: Protocol }>, health: { type: HealthCheckType, path: string | null, intervalSeconds: number, timeoutSeconds: number, healthyThreshold: number, unhealthyThreshold: number } }, workload: { image: string, replicas: number, ports: Array<{ port: number, protocol: Protocol, containerPort: number }> } | null, export: { namespace: string, name: string } | null, rollout: { generation: number, desired: number, updated: number, ready: number, available: number, done: boolean, failing: string | null, lastError: string | null, image: string | null, reportedAt: string | null } | null, activeIntercepts: Array<{ id: string, deviceName: string | null, deviceGone: boolean, target: string, active: boolean, startedBy: string, startedAt: string | null, stoppedBy: string | null, stoppedAt: string | null, port: { port: number, protocol: Protocol } }> };

export type ServiceFieldsFragment = { id: string, name: string, kind: ServiceKind, serviceIp: string, credentialsReady: boolean, createdBy: string | null, createdAt: string | null, updatedAt: string | null, environment: { id: string, name: string }, cluster: { id: string, name: string }, spec: { backends: Array<string>, lb: LbMode, ports: Array<{ port: number, protocol: Protocol }>, health: { type: HealthCheckType, path: string | null, intervalSeconds: number, timeoutSeconds: number, healthyThreshold: number, unhealthyThreshold: number } }, instance: { version: string, storage: string } | null, status: { ready: boolean, image: string | null, lastError: string | null, reportedAt: string | null } | null };

export type DeviceFieldsFragment = { id: string, name: string, kind: DeviceKind, publicKey: string, ip: string, createdAt: string | null, owner: { id: string, username: string, displayName: string } };

export type PolicyFieldsFragment = { id: string, name: string, createdBy: string | null, createdAt: string | null, updatedAt: string | null, rule: { action: PolicyAction, priority: number, description: string | null, sources: Array<{ kind: SubjectKind, id: string | null }>, targets: Array<{ kind: SubjectKind, id: string | null }> } };

export type EventFieldsFragment = { seq: number, id: string, time: string, type: string, aggregateType: string, aggregateId: string, actor: string, resourceName: string | null, data: unknown, known: boolean };

export type PageFieldsFragment = { hasNextPage: boolean, endCursor: string | null };

export type MeQueryVariables = Exact<{
  minSeq?: number | null | undefined;
}>;


export type MeQuery = { me: { id: string, username: string, displayName: string, superuser: boolean }, myInvitations: Array<{ team: string, username: string, role: Role }>, myTeams: { edges: Array<{ node: { role: Role, since: string, team: { slug: string, displayName: string } } }> } };

export type OverviewQueryVariables = Exact<{
  minSeq?: number | null | undefined;
}>;


export type OverviewQuery = { team: { slug: string, displayName: string, environments: { totalCount: number }, apps: { totalCount: number }, services: { totalCount: number }, policies: { totalCount: number }, devices: { totalCount: number }, members: { totalCount: number }, clusters: { totalCount: number, edges: Array<{ node: { id: string, name: string, gatewayIp: string, serviceRange: string, enrolled: boolean, enrolledAt: string | null, publicKey: string | null, endpoint: string | null, createdAt: string | null, status: { clusterId: string, enrolled: boolean, publicKey: string | null, endpoint: string | null, online: boolean | null, lastHeartbeatAt: string | null, appliedSeq: number | null, seq: number } } }> } } | null, intercepts: { totalCount: number, edges: Array<{ node: { id: string, deviceName: string | null, deviceGone: boolean, target: string, active: boolean, startedBy: string, startedAt: string | null, stoppedBy: string | null, stoppedAt: string | null, app: { id: string, name: string, environment: { name: string } }, port: { port: number, protocol: Protocol } } }> }, events: { edges: Array<{ node: { seq: number, id: string, time: string, type: string, aggregateType: string, aggregateId: string, actor: string, resourceName: string | null, data: unknown, known: boolean } }> } };

export type EnvironmentsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  minSeq?: number | null | undefined;
}>;


export type EnvironmentsQuery = { environments: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, name: string, clusterGone: boolean, appCount: number, serviceCount: number, createdBy: string | null, createdAt: string | null, cluster: { id: string, name: string } } }> } };

export type EnvironmentQueryVariables = Exact<{
  name: string;
  minSeq?: number | null | undefined;
}>;


export type EnvironmentQuery = { environment: { id: string, name: string, clusterGone: boolean, appCount: number, serviceCount: number, createdBy: string | null, createdAt: string | null, cluster: { id: string, name: string } } | null };

export type CreateEnvironmentMutationVariables = Exact<{
  input: CreateEnvironmentInput;
}>;


export type CreateEnvironmentMutation = { createEnvironment: { seq: number, environment: { id: string, name: string } } };

export type DeleteEnvironmentMutationVariables = Exact<{
  name: string;
}>;


export type DeleteEnvironmentMutation = { deleteEnvironment: { seq: number, environment: { id: string, name: string } } };

export type AppsQueryVariables = Exact<{
  env?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  minSeq?: number | null | undefined;
}>;


export type AppsQuery = { apps: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, name: string, serviceIp: string, generation: number, createdBy: string | null, createdAt: string | null, updatedAt: string | null, environment: { id: string, name: string }, cluster: { id: string, name: string }, spec: { backends: Array<string>, lb: LbMode, ports: Array<{ port: number, protocol: Protocol }>, health: { type: HealthCheckType, path: string | null, intervalSeconds: number, timeoutSeconds: number, healthyThreshold: number, unhealthyThreshold: number } }, workload: { image: string, replicas: number, ports: Array<{ port: number, protocol: Protocol, containerPort: number }> } | null, export: { namespace: string, name: string } | null, rollout: { generation: number, desired: number, updated: number, ready: number, available: number, done: boolean, failing: string | null, lastError: string | null, image: string | null, reportedAt: string | null } | null, activeIntercepts: Array<{ id: string, deviceName: string | null, deviceGone: boolean, target: string, active: boolean, startedBy: string, startedAt: string | null, stoppedBy: string | null, stoppedAt: string | null, port: { port: number, protocol: Protocol } }> } }> } };

export type AppQueryVariables = Exact<{
  id: string | number;
  minSeq?: number | null | undefined;
}>;


export type AppQuery = { app: { id: string, name: string, serviceIp: string, generation: number, createdBy: string | null, createdAt: string | null, updatedAt: string | null, history: { edges: Array<{ node: { seq: number, id: string, time: string, type: string, aggregateType: string, aggregateId: string, actor: string, resourceName: string | null, data: unknown, known: boolean } }> }, environment: { id: string, name: string }, cluster: { id: string, name: string }, spec: { backends: Array<string>, lb: LbMode, ports: Array<{ port: number, protocol: Protocol }>, health: { type: HealthCheckType, path: string | null, intervalSeconds: number, timeoutSeconds: number, healthyThreshold: number, unhealthyThreshold: number } }, workload: { image: string, replicas: number, ports: Array<{ port: number, protocol: Protocol, containerPort: number }> } | null, export: { namespace: string, name: string } | null, rollout: { generation: number, desired: number, updated: number, ready: number, available: number, done: boolean, failing: string | null, lastError: string | null, image: string | null, reportedAt: string | null } | null, activeIntercepts: Array<{ id: string, deviceName: string | null, deviceGone: boolean, target: string, active: boolean, startedBy: string, startedAt: string | null, stoppedBy: string | null, stoppedAt: string | null, port: { port: number, protocol: Protocol } }> } | null };

export type AppRowQueryVariables = Exact<{
  id: string | number;
  minSeq?: number | null | undefined;
}>;


export type AppRowQuery = { app: { id: string, name: string, serviceIp: string, generation: number, createdBy: string | null, createdAt: string | null, updatedAt: string | null, environment: { id: string, name: string }, cluster: { id: string, name: string }, spec: { backends: Array<string>, lb: LbMode, ports: Array<{ port: number, protocol: Protocol }>, health: { type: HealthCheckType, path: string | null, intervalSeconds: number, timeoutSeconds: number, healthyThreshold: number, unhealthyThreshold: number } }, workload: { image: string, replicas: number, ports: Array<{ port: number, protocol: Protocol, containerPort: number }> } | null, export: { namespace: string, name: string } | null, rollout: { generation: number, desired: number, updated: number, ready: number, available: number, done: boolean, failing: string | null, lastError: string | null, image: string | null, reportedAt: string | null } | null, activeIntercepts: Array<{ id: string, deviceName: string | null, deviceGone: boolean, target: string, active: boolean, startedBy: string, startedAt: string | null, stoppedBy: string | null, stoppedAt: string | null, port: { port: number, protocol: Protocol } }> } | null };

export type CreateAppMutationVariables = Exact<{
  input: CreateAppInput;
}>;


export type CreateAppMutation = { createApp: { seq: number, app: { id: string, name: string, serviceIp: string, generation: number, createdBy: string | null, createdAt: string | null, updatedAt: string | null, environment: { id: string, name: string }, cluster: { id: string, name: string }, spec: { backends: Array<string>, lb: LbMode, ports: Array<{ port: number, protocol: Protocol }>, health: { type: HealthCheckType, path: string | null, intervalSeconds: number, timeoutSeconds: number, healthyThreshold: number, unhealthyThreshold: number } }, workload: { image: string, replicas: number, ports: Array<{ port: number, protocol: Protocol, containerPort: number }> } | null, export: { namespace: string, name: string } | null, rollout: { generation: number, desired: number, updated: number, ready: number, available: number, done: boolean, failing: string | null, lastError: string | null, image: string | null, reportedAt: string | null } | null, activeIntercepts: Array<{ id: string, deviceName: string | null, deviceGone: boolean, target: string, active: boolean, startedBy: string, startedAt: string | null, stoppedBy: string | null, stoppedAt: string | null, port: { port: number, protocol: Protocol } }> } } };

export type UpdateAppMutationVariables = Exact<{
  input: UpdateAppInput;
}>;


export type UpdateAppMutation = { updateApp: { seq: number, app: { id: string, name: string, serviceIp: string, generation: number, createdBy: string | null, createdAt: string | null, updatedAt: string | null, environment: { id: string, name: string }, cluster: { id: string, name: string }, spec: { backends: Array<string>, lb: LbMode, ports: Array<{ port: number, protocol: Protocol }>, health: { type: HealthCheckType, path: string | null, intervalSeconds: number, timeoutSeconds: number, healthyThreshold: number, unhealthyThreshold: number } }, workload: { image: string, replicas: number, ports: Array<{ port: number, protocol: Protocol, containerPort: number }> } | null, export: { namespace: string, name: string } | null, rollout: { generation: number, desired: number, updated: number, ready: number, available: number, done: boolean, failing: string | null, lastError: string | null, image: string | null, reportedAt: string | null } | null, activeIntercepts: Array<{ id: string, deviceName: string | null, deviceGone: boolean, target: string, active: boolean, startedBy: string, startedAt: string | null, stoppedBy: string | null, stoppedAt: string | null, port: { port: number, protocol: Protocol } }> } } };

export type DeleteAppMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteAppMutation = { deleteApp: { seq: number, app: { id: string } } };

export type ServicesQueryVariables = Exact<{
  env?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  minSeq?: number | null | undefined;
}>;


export type ServicesQuery = { services: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, name: string, kind: ServiceKind, serviceIp: string, credentialsReady: boolean, createdBy: string | null, createdAt: string | null, updatedAt: string | null, environment: { id: string, name: string }, cluster: { id: string, name: string }, spec: { backends: Array<string>, lb: LbMode, ports: Array<{ port: number, protocol: Protocol }>, health: { type: HealthCheckType, path: string | null, intervalSeconds: number, timeoutSeconds: number, healthyThreshold: number, unhealthyThreshold: number } }, instance: { version: string, storage: string } | null, status: { ready: boolean, image: string | null, lastError: string | null, reportedAt: string | null } | null } }> } };

export type CreateServiceMutationVariables = Exact<{
  input: CreateServiceInput;
}>;


export type CreateServiceMutation = { createService: { seq: number, service: { id: string, name: string, kind: ServiceKind, serviceIp: string, credentialsReady: boolean, createdBy: string | null, createdAt: string | null, updatedAt: string | null, environment: { id: string, name: string }, cluster: { id: string, name: string }, spec: { backends: Array<string>, lb: LbMode, ports: Array<{ port: number, protocol: Protocol }>, health: { type: HealthCheckType, path: string | null, intervalSeconds: number, timeoutSeconds: number, healthyThreshold: number, unhealthyThreshold: number } }, instance: { version: string, storage: string } | null, status: { ready: boolean, image: string | null, lastError: string | null, reportedAt: string | null } | null } } };

export type DeleteServiceMutationVariables = Exact<{
  id: string | number;
  deleteData?: boolean | null | undefined;
}>;


export type DeleteServiceMutation = { deleteService: { seq: number, service: { id: string } } };

export type StartInterceptMutationVariables = Exact<{
  input: StartInterceptInput;
}>;


export type StartInterceptMutation = { startIntercept: { seq: number, intercept: { id: string, deviceName: string | null, deviceGone: boolean, target: string, active: boolean, startedBy: string, startedAt: string | null, stoppedBy: string | null, stoppedAt: string | null, port: { port: number, protocol: Protocol } } } };

export type StopInterceptMutationVariables = Exact<{
  id: string | number;
}>;


export type StopInterceptMutation = { stopIntercept: { seq: number, intercept: { id: string, active: boolean } } };

export type EventsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: EventFilter | null | undefined;
}>;


export type EventsQuery = { events: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { seq: number, id: string, time: string, type: string, aggregateType: string, aggregateId: string, actor: string, resourceName: string | null, data: unknown, known: boolean } }> } };

export type TeamEventsSubscriptionVariables = Exact<{
  types?: Array<string> | string | null | undefined;
  fromSeq?: number | null | undefined;
}>;


export type TeamEventsSubscription = { teamEvents: { seq: number, id: string, time: string, type: string, aggregateType: string, aggregateId: string, actor: string, resourceName: string | null, data: unknown, known: boolean } };

export type ClusterStatusSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type ClusterStatusSubscription = { clusterStatus: { clusterId: string, enrolled: boolean, publicKey: string | null, endpoint: string | null, online: boolean | null, lastHeartbeatAt: string | null, appliedSeq: number | null, seq: number } };

export type ResourceAsOfQueryVariables = Exact<{
  aggregateType: string;
  aggregateId: string;
  seq?: number | null | undefined;
  time?: string | null | undefined;
}>;


export type ResourceAsOfQuery = { resourceAsOf: { aggregateType: string, aggregateId: string, seq: number, time: string, resource: unknown } | null };

export type ClustersQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  minSeq?: number | null | undefined;
}>;


export type ClustersQuery = { clusters: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, name: string, gatewayIp: string, serviceRange: string, enrolled: boolean, enrolledAt: string | null, publicKey: string | null, endpoint: string | null, createdAt: string | null, status: { clusterId: string, enrolled: boolean, publicKey: string | null, endpoint: string | null, online: boolean | null, lastHeartbeatAt: string | null, appliedSeq: number | null, seq: number } } }> } };

export type CreateClusterMutationVariables = Exact<{
  input: CreateClusterInput;
}>;


export type CreateClusterMutation = { createCluster: { seq: number, enrolmentSecret: string, cluster: { id: string, name: string, gatewayIp: string, serviceRange: string, enrolled: boolean, enrolledAt: string | null, publicKey: string | null, endpoint: string | null, createdAt: string | null, status: { clusterId: string, enrolled: boolean, publicKey: string | null, endpoint: string | null, online: boolean | null, lastHeartbeatAt: string | null, appliedSeq: number | null, seq: number } } } };

export type RotateEnrolmentSecretMutationVariables = Exact<{
  id: string | number;
}>;


export type RotateEnrolmentSecretMutation = { rotateEnrolmentSecret: { seq: number, enrolmentSecret: string, cluster: { id: string, name: string, gatewayIp: string, serviceRange: string, enrolled: boolean, enrolledAt: string | null, publicKey: string | null, endpoint: string | null, createdAt: string | null, status: { clusterId: string, enrolled: boolean, publicKey: string | null, endpoint: string | null, online: boolean | null, lastHeartbeatAt: string | null, appliedSeq: number | null, seq: number } } } };

export type DeleteClusterMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteClusterMutation = { deleteCluster: { seq: number, cluster: { id: string } } };

export type DevicesQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  minSeq?: number | null | undefined;
}>;


export type DevicesQuery = { devices: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, name: string, kind: DeviceKind, publicKey: string, ip: string, createdAt: string | null, owner: { id: string, username: string, displayName: string } } }> } };

export type CreateDeviceMutationVariables = Exact<{
  input: CreateDeviceInput;
}>;


export type CreateDeviceMutation = { createDevice: { seq: number, device: { id: string, name: string, kind: DeviceKind, publicKey: string, ip: string, createdAt: string | null, owner: { id: string, username: string, displayName: string } } } };

export type DeleteDeviceMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteDeviceMutation = { deleteDevice: { seq: number, device: { id: string } } };

export type PoliciesQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  minSeq?: number | null | undefined;
}>;


export type PoliciesQuery = { policies: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, name: string, createdBy: string | null, createdAt: string | null, updatedAt: string | null, rule: { action: PolicyAction, priority: number, description: string | null, sources: Array<{ kind: SubjectKind, id: string | null }>, targets: Array<{ kind: SubjectKind, id: string | null }> } } }> } };

export type CreatePolicyMutationVariables = Exact<{
  input: CreatePolicyInput;
}>;


export type CreatePolicyMutation = { createPolicy: { seq: number, policy: { id: string, name: string, createdBy: string | null, createdAt: string | null, updatedAt: string | null, rule: { action: PolicyAction, priority: number, description: string | null, sources: Array<{ kind: SubjectKind, id: string | null }>, targets: Array<{ kind: SubjectKind, id: string | null }> } } } };

export type UpdatePolicyMutationVariables = Exact<{
  input: UpdatePolicyInput;
}>;


export type UpdatePolicyMutation = { updatePolicy: { seq: number, policy: { id: string, name: string, createdBy: string | null, createdAt: string | null, updatedAt: string | null, rule: { action: PolicyAction, priority: number, description: string | null, sources: Array<{ kind: SubjectKind, id: string | null }>, targets: Array<{ kind: SubjectKind, id: string | null }> } } } };

export type DeletePolicyMutationVariables = Exact<{
  id: string | number;
}>;


export type DeletePolicyMutation = { deletePolicy: { seq: number, policy: { id: string } } };

export type AccessQueryVariables = Exact<{
  source: IdentityInput;
  target: TargetInput;
  minSeq?: number | null | undefined;
}>;


export type AccessQuery = { access: { allow: boolean, policy: { id: string, name: string } | null } };

export type MembersQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  minSeq?: number | null | undefined;
}>;


export type MembersQuery = { team: { slug: string, members: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { role: Role, since: string | null, user: { id: string, username: string, displayName: string } } }> }, invitations: Array<{ username: string, role: Role }> } | null };

export type InviteMemberMutationVariables = Exact<{
  input: InviteInput;
}>;


export type InviteMemberMutation = { inviteMember: { seq: number, invitation: { team: string, username: string, role: Role } } };

export type AcceptInvitationMutationVariables = Exact<{
  team: string;
}>;


export type AcceptInvitationMutation = { acceptInvitation: { seq: number, invitation: { team: string, role: Role } } };

export type DeclineInvitationMutationVariables = Exact<{
  team: string;
}>;


export type DeclineInvitationMutation = { declineInvitation: { seq: number } };

export type ChangeRoleMutationVariables = Exact<{
  input: MemberInput;
}>;


export type ChangeRoleMutation = { changeRole: { seq: number } };

export type RemoveMemberMutationVariables = Exact<{
  input: MemberInput;
}>;


export type RemoveMemberMutation = { removeMember: { seq: number } };

export type CreateTeamMutationVariables = Exact<{
  input: CreateTeamInput;
}>;


export type CreateTeamMutation = { createTeam: { seq: number, team: { slug: string, displayName: string } } };

export type TokensQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  minSeq?: number | null | undefined;
}>;


export type TokensQuery = { tokens: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, name: string | null, expiresAt: string | null, bootstrap: boolean, revoked: boolean, revokedAt: string | null, createdAt: string | null } }> } };

export type CreateTokenMutationVariables = Exact<{
  input: CreateTokenInput;
}>;


export type CreateTokenMutation = { createToken: { seq: number, secret: string, token: { id: string, name: string | null, expiresAt: string | null } } };

export type RevokeTokenMutationVariables = Exact<{
  id: string | number;
}>;


export type RevokeTokenMutation = { revokeToken: { seq: number, token: { id: string, revoked: boolean } } };

export type NetworkQueryVariables = Exact<{
  minSeq?: number | null | undefined;
}>;


export type NetworkQuery = { network: { addresses: Array<{ ip: string, ownerKind: string, ownerId: string }>, ranges: Array<{ cidr: string, clusterId: string }> } };

export type ExportEventFieldsFragment = { seq: number, id: string, time: string, type: string, version: number, team: string, aggregateType: string, aggregateId: string, actor: string, actorName: string, resourceName: string | null, causationId: string | null, correlationId: string | null, data: unknown, known: boolean, chain: { prev: string, hash: string, stored: string } | null };

export type ExportEventsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: EventFilter | null | undefined;
  order?: EventOrder | null | undefined;
}>;


export type ExportEventsQuery = { events: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { seq: number, id: string, time: string, type: string, version: number, team: string, aggregateType: string, aggregateId: string, actor: string, actorName: string, resourceName: string | null, causationId: string | null, correlationId: string | null, data: unknown, known: boolean, chain: { prev: string, hash: string, stored: string } | null } }> } };

export type CheckpointKeyQueryVariables = Exact<{ [key: string]: never; }>;


export type CheckpointKeyQuery = { checkpointKey: { algorithm: string, keyId: string, publicKey: string } };

export type ConfigFieldsFragment = { id: string, name: string, usedBy: Array<string>, createdBy: string | null, createdAt: string | null, updatedAt: string | null, entries: Array<{ key: string, value: string }> };

export type SecretFieldsFragment = { id: string, name: string, keys: Array<string>, version: number, usedBy: Array<string>, createdBy: string | null, createdAt: string | null, updatedAt: string | null };

export type RouterFieldsFragment = { id: string, name: string, domain: string, tls: boolean, createdBy: string | null, createdAt: string | null, updatedAt: string | null, routes: Array<{ path: string, target: { kind: RouteTargetKind, name: string, port: number } }>, status: { addresses: Array<string>, lastError: string | null, reportedAt: string | null } | null };

export type ConfigsQueryVariables = Exact<{
  env?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  minSeq?: number | null | undefined;
}>;


export type ConfigsQuery = { configs: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, name: string, usedBy: Array<string>, createdBy: string | null, createdAt: string | null, updatedAt: string | null, entries: Array<{ key: string, value: string }> } }> } };

export type SetConfigMutationVariables = Exact<{
  input: SetConfigInput;
}>;


export type SetConfigMutation = { setConfig: { seq: number, config: { id: string, name: string, usedBy: Array<string>, createdBy: string | null, createdAt: string | null, updatedAt: string | null, entries: Array<{ key: string, value: string }> } } };

export type DeleteConfigMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteConfigMutation = { deleteConfig: { seq: number, config: { id: string } } };

export type SecretsQueryVariables = Exact<{
  env?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  minSeq?: number | null | undefined;
}>;


export type SecretsQuery = { secrets: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, name: string, keys: Array<string>, version: number, usedBy: Array<string>, createdBy: string | null, createdAt: string | null, updatedAt: string | null } }> } };

export type SetSecretMutationVariables = Exact<{
  input: SetSecretInput;
}>;


export type SetSecretMutation = { setSecret: { seq: number, secret: { id: string, name: string, keys: Array<string>, version: number, usedBy: Array<string>, createdBy: string | null, createdAt: string | null, updatedAt: string | null } } };

export type DeleteSecretMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteSecretMutation = { deleteSecret: { seq: number, secret: { id: string } } };

export type RevealSecretMutationVariables = Exact<{
  id: string | number;
}>;


export type RevealSecretMutation = { revealSecret: { seq: number, entries: Array<{ key: string, value: string }>, secret: { id: string } } };

export type RoutersQueryVariables = Exact<{
  env?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  minSeq?: number | null | undefined;
}>;


export type RoutersQuery = { routers: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, name: string, domain: string, tls: boolean, createdBy: string | null, createdAt: string | null, updatedAt: string | null, routes: Array<{ path: string, target: { kind: RouteTargetKind, name: string, port: number } }>, status: { addresses: Array<string>, lastError: string | null, reportedAt: string | null } | null } }> } };

export type CreateRouterMutationVariables = Exact<{
  input: CreateRouterInput;
}>;


export type CreateRouterMutation = { createRouter: { seq: number, router: { id: string, name: string, domain: string, tls: boolean, createdBy: string | null, createdAt: string | null, updatedAt: string | null, routes: Array<{ path: string, target: { kind: RouteTargetKind, name: string, port: number } }>, status: { addresses: Array<string>, lastError: string | null, reportedAt: string | null } | null } } };

export type DeleteRouterMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteRouterMutation = { deleteRouter: { seq: number, router: { id: string } } };

export type RevealServiceCredentialsMutationVariables = Exact<{
  id: string | number;
}>;


export type RevealServiceCredentialsMutation = { revealServiceCredentials: { seq: number, entries: Array<{ key: string, value: string }>, service: { id: string } } };

export type ExportLogQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: EventFilter | null | undefined;
  order?: EventOrder | null | undefined;
}>;


export type ExportLogQuery = { log: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { seq: number, id: string, time: string, type: string, version: number, team: string, aggregateType: string, aggregateId: string, actor: string, actorName: string, resourceName: string | null, causationId: string | null, correlationId: string | null, data: unknown, known: boolean, chain: { prev: string, hash: string, stored: string } | null } }> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const ClusterStatusFieldsFragmentDoc = new TypedDocumentString(`
    fragment ClusterStatusFields on ClusterStatus {
  clusterId
  enrolled
  publicKey
  endpoint
  online
  lastHeartbeatAt
  appliedSeq
  seq
}
    `, {"fragmentName":"ClusterStatusFields"}) as unknown as TypedDocumentString<ClusterStatusFieldsFragment, unknown>;
export const ClusterFieldsFragmentDoc = new TypedDocumentString(`
    fragment ClusterFields on Cluster {
  id
  name
  gatewayIp
  serviceRange
  enrolled
  enrolledAt
  publicKey
  endpoint
  createdAt
  status {
    ...ClusterStatusFields
  }
}
    fragment ClusterStatusFields on ClusterStatus {
  clusterId
  enrolled
  publicKey
  endpoint
  online
  lastHeartbeatAt
  appliedSeq
  seq
}`, {"fragmentName":"ClusterFields"}) as unknown as TypedDocumentString<ClusterFieldsFragment, unknown>;
export const SpecFieldsFragmentDoc = new TypedDocumentString(`
    fragment SpecFields on Spec {
  ports {
    port
    protocol
  }
  backends
  lb
  health {
    type
    path
    intervalSeconds
    timeoutSeconds
    healthyThreshold
    unhealthyThreshold
  }
}
    `, {"fragmentName":"SpecFields"}) as unknown as TypedDocumentString<SpecFieldsFragment, unknown>;
export const InterceptFieldsFragmentDoc = new TypedDocumentString(`
    fragment InterceptFields on Intercept {
  id
  port {
    port
    protocol
  }
  deviceName
  deviceGone
  target
  active
  startedBy
  startedAt
  stoppedBy
  stoppedAt
}
    `, {"fragmentName":"InterceptFields"}) as unknown as TypedDocumentString<InterceptFieldsFragment, unknown>;
export const AppFieldsFragmentDoc = new TypedDocumentString(`
    fragment AppFields on App {
  id
  name
  environment {
    id
    name
  }
  cluster {
    id
    name
  }
  serviceIp
  spec {
    ...SpecFields
  }
  workload {
    image
    replicas
    ports {
      port
      protocol
      containerPort
    }
  }
  export {
    namespace
    name
  }
  generation
  rollout {
    generation
    desired
    updated
    ready
    available
    done
    failing
    lastError
    image
    reportedAt
  }
  activeIntercepts {
    ...InterceptFields
  }
  createdBy
  createdAt
  updatedAt
}
    fragment SpecFields on Spec {
  ports {
    port
    protocol
  }
  backends
  lb
  health {
    type
    path
    intervalSeconds
    timeoutSeconds
    healthyThreshold
    unhealthyThreshold
  }
}
fragment InterceptFields on Intercept {
  id
  port {
    port
    protocol
  }
  deviceName
  deviceGone
  target
  active
  startedBy
  startedAt
  stoppedBy
  stoppedAt
}`, {"fragmentName":"AppFields"}) as unknown as TypedDocumentString<AppFieldsFragment, unknown>;
export const ServiceFieldsFragmentDoc = new TypedDocumentString(`
    fragment ServiceFields on ManagedService {
  id
  name
  kind
  environment {
    id
    name
  }
  cluster {
    id
    name
  }
  serviceIp
  spec {
    ...SpecFields
  }
  instance {
    version
    storage
  }
  status {
    ready
    image
    lastError
    reportedAt
  }
  credentialsReady
  createdBy
  createdAt
  updatedAt
}
    fragment SpecFields on Spec {
  ports {
    port
    protocol
  }
  backends
  lb
  health {
    type
    path
    intervalSeconds
    timeoutSeconds
    healthyThreshold
    unhealthyThreshold
  }
}`, {"fragmentName":"ServiceFields"}) as unknown as TypedDocumentString<ServiceFieldsFragment, unknown>;
export const DeviceFieldsFragmentDoc = new TypedDocumentString(`
    fragment DeviceFields on Device {
  id
  name
  kind
  owner {
    id
    username
    displayName
  }
  publicKey
  ip
  createdAt
}
    `, {"fragmentName":"DeviceFields"}) as unknown as TypedDocumentString<DeviceFieldsFragment, unknown>;
export const PolicyFieldsFragmentDoc = new TypedDocumentString(`
    fragment PolicyFields on Policy {
  id
  name
  rule {
    action
    priority
    sources {
      kind
      id
    }
    targets {
      kind
      id
    }
    description
  }
  createdBy
  createdAt
  updatedAt
}
    `, {"fragmentName":"PolicyFields"}) as unknown as TypedDocumentString<PolicyFieldsFragment, unknown>;
export const EventFieldsFragmentDoc = new TypedDocumentString(`
    fragment EventFields on Event {
  seq
  id
  time
  type
  aggregateType
  aggregateId
  actor
  resourceName
  data
  known
}
    `, {"fragmentName":"EventFields"}) as unknown as TypedDocumentString<EventFieldsFragment, unknown>;
export const PageFieldsFragmentDoc = new TypedDocumentString(`
    fragment PageFields on PageInfo {
  hasNextPage
  endCursor
}
    `, {"fragmentName":"PageFields"}) as unknown as TypedDocumentString<PageFieldsFragment, unknown>;
export const ExportEventFieldsFragmentDoc = new TypedDocumentString(`
    fragment ExportEventFields on Event {
  seq
  id
  time
  type
  version
  team
  aggregateType
  aggregateId
  actor
  actorName
  resourceName
  causationId
  correlationId
  data
  known
  chain {
    prev
    hash
    stored
  }
}
    `, {"fragmentName":"ExportEventFields"}) as unknown as TypedDocumentString<ExportEventFieldsFragment, unknown>;
export const ConfigFieldsFragmentDoc = new TypedDocumentString(`
    fragment ConfigFields on Config {
  id
  name
  entries {
    key
    value
  }
  usedBy
  createdBy
  createdAt
  updatedAt
}
    `, {"fragmentName":"ConfigFields"}) as unknown as TypedDocumentString<ConfigFieldsFragment, unknown>;
export const SecretFieldsFragmentDoc = new TypedDocumentString(`
    fragment SecretFields on Secret {
  id
  name
  keys
  version
  usedBy
  createdBy
  createdAt
  updatedAt
}
    `, {"fragmentName":"SecretFields"}) as unknown as TypedDocumentString<SecretFieldsFragment, unknown>;
export const RouterFieldsFragmentDoc = new TypedDocumentString(`
    fragment RouterFields on Router {
  id
  name
  domain
  routes {
    path
    target {
      kind
      name
      port
    }
  }
  tls
  status {
    addresses
    lastError
    reportedAt
  }
  createdBy
  createdAt
  updatedAt
}
    `, {"fragmentName":"RouterFields"}) as unknown as TypedDocumentString<RouterFieldsFragment, unknown>;
export const MeDocument = new TypedDocumentString(`
    query Me($minSeq: Int) {
  me(minSeq: $minSeq) {
    id
    username
    displayName
    superuser
  }
  myInvitations(minSeq: $minSeq) {
    team
    username
    role
  }
  myTeams(first: 100, minSeq: $minSeq) {
    edges {
      node {
        role
        since
        team {
          slug
          displayName
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<MeQuery, MeQueryVariables>;
export const OverviewDocument = new TypedDocumentString(`
    query Overview($minSeq: Int) {
  team(minSeq: $minSeq) {
    slug
    displayName
    environments(first: 0) {
      totalCount
    }
    apps(first: 0) {
      totalCount
    }
    services(first: 0) {
      totalCount
    }
    policies(first: 0) {
      totalCount
    }
    devices(first: 0) {
      totalCount
    }
    members(first: 0) {
      totalCount
    }
    clusters(first: 100) {
      totalCount
      edges {
        node {
          ...ClusterFields
        }
      }
    }
  }
  intercepts(first: 20) {
    totalCount
    edges {
      node {
        ...InterceptFields
        app {
          id
          name
          environment {
            name
          }
        }
      }
    }
  }
  events(first: 8) {
    edges {
      node {
        ...EventFields
      }
    }
  }
}
    fragment ClusterFields on Cluster {
  id
  name
  gatewayIp
  serviceRange
  enrolled
  enrolledAt
  publicKey
  endpoint
  createdAt
  status {
    ...ClusterStatusFields
  }
}
fragment ClusterStatusFields on ClusterStatus {
  clusterId
  enrolled
  publicKey
  endpoint
  online
  lastHeartbeatAt
  appliedSeq
  seq
}
fragment InterceptFields on Intercept {
  id
  port {
    port
    protocol
  }
  deviceName
  deviceGone
  target
  active
  startedBy
  startedAt
  stoppedBy
  stoppedAt
}
fragment EventFields on Event {
  seq
  id
  time
  type
  aggregateType
  aggregateId
  actor
  resourceName
  data
  known
}`) as unknown as TypedDocumentString<OverviewQuery, OverviewQueryVariables>;
export const EnvironmentsDocument = new TypedDocumentString(`
    query Environments($first: Int, $after: String, $minSeq: Int) {
  environments(first: $first, after: $after, minSeq: $minSeq) {
    totalCount
    pageInfo {
      ...PageFields
    }
    edges {
      node {
        id
        name
        cluster {
          id
          name
        }
        clusterGone
        appCount
        serviceCount
        createdBy
        createdAt
      }
    }
  }
}
    fragment PageFields on PageInfo {
  hasNextPage
  endCursor
}`) as unknown as TypedDocumentString<EnvironmentsQuery, EnvironmentsQueryVariables>;
export const EnvironmentDocument = new TypedDocumentString(`
    query Environment($name: String!, $minSeq: Int) {
  environment(name: $name, minSeq: $minSeq) {
    id
    name
    cluster {
      id
      name
    }
    clusterGone
    appCount
    serviceCount
    createdBy
    createdAt
  }
}
    `) as unknown as TypedDocumentString<EnvironmentQuery, EnvironmentQueryVariables>;
export const CreateEnvironmentDocument = new TypedDocumentString(`
    mutation CreateEnvironment($input: CreateEnvironmentInput!) {
  createEnvironment(input: $input) {
    seq
    environment {
      id
      name
    }
  }
}
    `) as unknown as TypedDocumentString<CreateEnvironmentMutation, CreateEnvironmentMutationVariables>;
export const DeleteEnvironmentDocument = new TypedDocumentString(`
    mutation DeleteEnvironment($name: String!) {
  deleteEnvironment(name: $name) {
    seq
    environment {
      id
      name
    }
  }
}
    `) as unknown as TypedDocumentString<DeleteEnvironmentMutation, DeleteEnvironmentMutationVariables>;
export const AppsDocument = new TypedDocumentString(`
    query Apps($env: String, $first: Int, $after: String, $minSeq: Int) {
  apps(env: $env, first: $first, after: $after, minSeq: $minSeq) {
    totalCount
    pageInfo {
      ...PageFields
    }
    edges {
      cursor
      node {
        ...AppFields
      }
    }
  }
}
    fragment SpecFields on Spec {
  ports {
    port
    protocol
  }
  backends
  lb
  health {
    type
    path
    intervalSeconds
    timeoutSeconds
    healthyThreshold
    unhealthyThreshold
  }
}
fragment InterceptFields on Intercept {
  id
  port {
    port
    protocol
  }
  deviceName
  deviceGone
  target
  active
  startedBy
  startedAt
  stoppedBy
  stoppedAt
}
fragment AppFields on App {
  id
  name
  environment {
    id
    name
  }
  cluster {
    id
    name
  }
  serviceIp
  spec {
    ...SpecFields
  }
  workload {
    image
    replicas
    ports {
      port
      protocol
      containerPort
    }
  }
  export {
    namespace
    name
  }
  generation
  rollout {
    generation
    desired
    updated
    ready
    available
    done
    failing
    lastError
    image
    reportedAt
  }
  activeIntercepts {
    ...InterceptFields
  }
  createdBy
  createdAt
  updatedAt
}
fragment PageFields on PageInfo {
  hasNextPage
  endCursor
}`) as unknown as TypedDocumentString<AppsQuery, AppsQueryVariables>;
export const AppDocument = new TypedDocumentString(`
    query App($id: ID!, $minSeq: Int) {
  app(id: $id, minSeq: $minSeq) {
    ...AppFields
    history(first: 50) {
      edges {
        node {
          ...EventFields
        }
      }
    }
  }
}
    fragment SpecFields on Spec {
  ports {
    port
    protocol
  }
  backends
  lb
  health {
    type
    path
    intervalSeconds
    timeoutSeconds
    healthyThreshold
    unhealthyThreshold
  }
}
fragment InterceptFields on Intercept {
  id
  port {
    port
    protocol
  }
  deviceName
  deviceGone
  target
  active
  startedBy
  startedAt
  stoppedBy
  stoppedAt
}
fragment AppFields on App {
  id
  name
  environment {
    id
    name
  }
  cluster {
    id
    name
  }
  serviceIp
  spec {
    ...SpecFields
  }
  workload {
    image
    replicas
    ports {
      port
      protocol
      containerPort
    }
  }
  export {
    namespace
    name
  }
  generation
  rollout {
    generation
    desired
    updated
    ready
    available
    done
    failing
    lastError
    image
    reportedAt
  }
  activeIntercepts {
    ...InterceptFields
  }
  createdBy
  createdAt
  updatedAt
}
fragment EventFields on Event {
  seq
  id
  time
  type
  aggregateType
  aggregateId
  actor
  resourceName
  data
  known
}`) as unknown as TypedDocumentString<AppQuery, AppQueryVariables>;
export const AppRowDocument = new TypedDocumentString(`
    query AppRow($id: ID!, $minSeq: Int) {
  app(id: $id, minSeq: $minSeq) {
    ...AppFields
  }
}
    fragment SpecFields on Spec {
  ports {
    port
    protocol
  }
  backends
  lb
  health {
    type
    path
    intervalSeconds
    timeoutSeconds
    healthyThreshold
    unhealthyThreshold
  }
}
fragment InterceptFields on Intercept {
  id
  port {
    port
    protocol
  }
  deviceName
  deviceGone
  target
  active
  startedBy
  startedAt
  stoppedBy
  stoppedAt
}
fragment AppFields on App {
  id
  name
  environment {
    id
    name
  }
  cluster {
    id
    name
  }
  serviceIp
  spec {
    ...SpecFields
  }
  workload {
    image
    replicas
    ports {
      port
      protocol
      containerPort
    }
  }
  export {
    namespace
    name
  }
  generation
  rollout {
    generation
    desired
    updated
    ready
    available
    done
    failing
    lastError
    image
    reportedAt
  }
  activeIntercepts {
    ...InterceptFields
  }
  createdBy
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<AppRowQuery, AppRowQueryVariables>;
export const CreateAppDocument = new TypedDocumentString(`
    mutation CreateApp($input: CreateAppInput!) {
  createApp(input: $input) {
    seq
    app {
      ...AppFields
    }
  }
}
    fragment SpecFields on Spec {
  ports {
    port
    protocol
  }
  backends
  lb
  health {
    type
    path
    intervalSeconds
    timeoutSeconds
    healthyThreshold
    unhealthyThreshold
  }
}
fragment InterceptFields on Intercept {
  id
  port {
    port
    protocol
  }
  deviceName
  deviceGone
  target
  active
  startedBy
  startedAt
  stoppedBy
  stoppedAt
}
fragment AppFields on App {
  id
  name
  environment {
    id
    name
  }
  cluster {
    id
    name
  }
  serviceIp
  spec {
    ...SpecFields
  }
  workload {
    image
    replicas
    ports {
      port
      protocol
      containerPort
    }
  }
  export {
    namespace
    name
  }
  generation
  rollout {
    generation
    desired
    updated
    ready
    available
    done
    failing
    lastError
    image
    reportedAt
  }
  activeIntercepts {
    ...InterceptFields
  }
  createdBy
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<CreateAppMutation, CreateAppMutationVariables>;
export const UpdateAppDocument = new TypedDocumentString(`
    mutation UpdateApp($input: UpdateAppInput!) {
  updateApp(input: $input) {
    seq
    app {
      ...AppFields
    }
  }
}
    fragment SpecFields on Spec {
  ports {
    port
    protocol
  }
  backends
  lb
  health {
    type
    path
    intervalSeconds
    timeoutSeconds
    healthyThreshold
    unhealthyThreshold
  }
}
fragment InterceptFields on Intercept {
  id
  port {
    port
    protocol
  }
  deviceName
  deviceGone
  target
  active
  startedBy
  startedAt
  stoppedBy
  stoppedAt
}
fragment AppFields on App {
  id
  name
  environment {
    id
    name
  }
  cluster {
    id
    name
  }
  serviceIp
  spec {
    ...SpecFields
  }
  workload {
    image
    replicas
    ports {
      port
      protocol
      containerPort
    }
  }
  export {
    namespace
    name
  }
  generation
  rollout {
    generation
    desired
    updated
    ready
    available
    done
    failing
    lastError
    image
    reportedAt
  }
  activeIntercepts {
    ...InterceptFields
  }
  createdBy
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<UpdateAppMutation, UpdateAppMutationVariables>;
export const DeleteAppDocument = new TypedDocumentString(`
    mutation DeleteApp($id: ID!) {
  deleteApp(id: $id) {
    seq
    app {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<DeleteAppMutation, DeleteAppMutationVariables>;
export const ServicesDocument = new TypedDocumentString(`
    query Services($env: String, $first: Int, $after: String, $minSeq: Int) {
  services(env: $env, first: $first, after: $after, minSeq: $minSeq) {
    totalCount
    pageInfo {
      ...PageFields
    }
    edges {
      node {
        ...ServiceFields
      }
    }
  }
}
    fragment SpecFields on Spec {
  ports {
    port
    protocol
  }
  backends
  lb
  health {
    type
    path
    intervalSeconds
    timeoutSeconds
    healthyThreshold
    unhealthyThreshold
  }
}
fragment ServiceFields on ManagedService {
  id
  name
  kind
  environment {
    id
    name
  }
  cluster {
    id
    name
  }
  serviceIp
  spec {
    ...SpecFields
  }
  instance {
    version
    storage
  }
  status {
    ready
    image
    lastError
    reportedAt
  }
  credentialsReady
  createdBy
  createdAt
  updatedAt
}
fragment PageFields on PageInfo {
  hasNextPage
  endCursor
}`) as unknown as TypedDocumentString<ServicesQuery, ServicesQueryVariables>;
export const CreateServiceDocument = new TypedDocumentString(`
    mutation CreateService($input: CreateServiceInput!) {
  createService(input: $input) {
    seq
    service {
      ...ServiceFields
    }
  }
}
    fragment SpecFields on Spec {
  ports {
    port
    protocol
  }
  backends
  lb
  health {
    type
    path
    intervalSeconds
    timeoutSeconds
    healthyThreshold
    unhealthyThreshold
  }
}
fragment ServiceFields on ManagedService {
  id
  name
  kind
  environment {
    id
    name
  }
  cluster {
    id
    name
  }
  serviceIp
  spec {
    ...SpecFields
  }
  instance {
    version
    storage
  }
  status {
    ready
    image
    lastError
    reportedAt
  }
  credentialsReady
  createdBy
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<CreateServiceMutation, CreateServiceMutationVariables>;
export const DeleteServiceDocument = new TypedDocumentString(`
    mutation DeleteService($id: ID!, $deleteData: Boolean) {
  deleteService(id: $id, deleteData: $deleteData) {
    seq
    service {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<DeleteServiceMutation, DeleteServiceMutationVariables>;
export const StartInterceptDocument = new TypedDocumentString(`
    mutation StartIntercept($input: StartInterceptInput!) {
  startIntercept(input: $input) {
    seq
    intercept {
      ...InterceptFields
    }
  }
}
    fragment InterceptFields on Intercept {
  id
  port {
    port
    protocol
  }
  deviceName
  deviceGone
  target
  active
  startedBy
  startedAt
  stoppedBy
  stoppedAt
}`) as unknown as TypedDocumentString<StartInterceptMutation, StartInterceptMutationVariables>;
export const StopInterceptDocument = new TypedDocumentString(`
    mutation StopIntercept($id: ID!) {
  stopIntercept(id: $id) {
    seq
    intercept {
      id
      active
    }
  }
}
    `) as unknown as TypedDocumentString<StopInterceptMutation, StopInterceptMutationVariables>;
export const EventsDocument = new TypedDocumentString(`
    query Events($first: Int, $after: String, $filter: EventFilter) {
  events(first: $first, after: $after, filter: $filter) {
    pageInfo {
      ...PageFields
    }
    edges {
      node {
        ...EventFields
      }
    }
  }
}
    fragment EventFields on Event {
  seq
  id
  time
  type
  aggregateType
  aggregateId
  actor
  resourceName
  data
  known
}
fragment PageFields on PageInfo {
  hasNextPage
  endCursor
}`) as unknown as TypedDocumentString<EventsQuery, EventsQueryVariables>;
export const TeamEventsDocument = new TypedDocumentString(`
    subscription TeamEvents($types: [String!], $fromSeq: Int) {
  teamEvents(types: $types, fromSeq: $fromSeq) {
    ...EventFields
  }
}
    fragment EventFields on Event {
  seq
  id
  time
  type
  aggregateType
  aggregateId
  actor
  resourceName
  data
  known
}`) as unknown as TypedDocumentString<TeamEventsSubscription, TeamEventsSubscriptionVariables>;
export const ClusterStatusDocument = new TypedDocumentString(`
    subscription ClusterStatus($id: ID!) {
  clusterStatus(id: $id) {
    ...ClusterStatusFields
  }
}
    fragment ClusterStatusFields on ClusterStatus {
  clusterId
  enrolled
  publicKey
  endpoint
  online
  lastHeartbeatAt
  appliedSeq
  seq
}`) as unknown as TypedDocumentString<ClusterStatusSubscription, ClusterStatusSubscriptionVariables>;
export const ResourceAsOfDocument = new TypedDocumentString(`
    query ResourceAsOf($aggregateType: String!, $aggregateId: String!, $seq: Int, $time: Time) {
  resourceAsOf(
    aggregateType: $aggregateType
    aggregateId: $aggregateId
    seq: $seq
    time: $time
  ) {
    aggregateType
    aggregateId
    seq
    time
    resource
  }
}
    `) as unknown as TypedDocumentString<ResourceAsOfQuery, ResourceAsOfQueryVariables>;
export const ClustersDocument = new TypedDocumentString(`
    query Clusters($first: Int, $after: String, $minSeq: Int) {
  clusters(first: $first, after: $after, minSeq: $minSeq) {
    totalCount
    pageInfo {
      ...PageFields
    }
    edges {
      node {
        ...ClusterFields
      }
    }
  }
}
    fragment ClusterFields on Cluster {
  id
  name
  gatewayIp
  serviceRange
  enrolled
  enrolledAt
  publicKey
  endpoint
  createdAt
  status {
    ...ClusterStatusFields
  }
}
fragment ClusterStatusFields on ClusterStatus {
  clusterId
  enrolled
  publicKey
  endpoint
  online
  lastHeartbeatAt
  appliedSeq
  seq
}
fragment PageFields on PageInfo {
  hasNextPage
  endCursor
}`) as unknown as TypedDocumentString<ClustersQuery, ClustersQueryVariables>;
export const CreateClusterDocument = new TypedDocumentString(`
    mutation CreateCluster($input: CreateClusterInput!) {
  createCluster(input: $input) {
    seq
    enrolmentSecret
    cluster {
      ...ClusterFields
    }
  }
}
    fragment ClusterFields on Cluster {
  id
  name
  gatewayIp
  serviceRange
  enrolled
  enrolledAt
  publicKey
  endpoint
  createdAt
  status {
    ...ClusterStatusFields
  }
}
fragment ClusterStatusFields on ClusterStatus {
  clusterId
  enrolled
  publicKey
  endpoint
  online
  lastHeartbeatAt
  appliedSeq
  seq
}`) as unknown as TypedDocumentString<CreateClusterMutation, CreateClusterMutationVariables>;
export const RotateEnrolmentSecretDocument = new TypedDocumentString(`
    mutation RotateEnrolmentSecret($id: ID!) {
  rotateEnrolmentSecret(id: $id) {
    seq
    enrolmentSecret
    cluster {
      ...ClusterFields
    }
  }
}
    fragment ClusterFields on Cluster {
  id
  name
  gatewayIp
  serviceRange
  enrolled
  enrolledAt
  publicKey
  endpoint
  createdAt
  status {
    ...ClusterStatusFields
  }
}
fragment ClusterStatusFields on ClusterStatus {
  clusterId
  enrolled
  publicKey
  endpoint
  online
  lastHeartbeatAt
  appliedSeq
  seq
}`) as unknown as TypedDocumentString<RotateEnrolmentSecretMutation, RotateEnrolmentSecretMutationVariables>;
export const DeleteClusterDocument = new TypedDocumentString(`
    mutation DeleteCluster($id: ID!) {
  deleteCluster(id: $id) {
    seq
    cluster {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<DeleteClusterMutation, DeleteClusterMutationVariables>;
export const DevicesDocument = new TypedDocumentString(`
    query Devices($first: Int, $after: String, $minSeq: Int) {
  devices(first: $first, after: $after, minSeq: $minSeq) {
    totalCount
    pageInfo {
      ...PageFields
    }
    edges {
      node {
        ...DeviceFields
      }
    }
  }
}
    fragment DeviceFields on Device {
  id
  name
  kind
  owner {
    id
    username
    displayName
  }
  publicKey
  ip
  createdAt
}
fragment PageFields on PageInfo {
  hasNextPage
  endCursor
}`) as unknown as TypedDocumentString<DevicesQuery, DevicesQueryVariables>;
export const CreateDeviceDocument = new TypedDocumentString(`
    mutation CreateDevice($input: CreateDeviceInput!) {
  createDevice(input: $input) {
    seq
    device {
      ...DeviceFields
    }
  }
}
    fragment DeviceFields on Device {
  id
  name
  kind
  owner {
    id
    username
    displayName
  }
  publicKey
  ip
  createdAt
}`) as unknown as TypedDocumentString<CreateDeviceMutation, CreateDeviceMutationVariables>;
export const DeleteDeviceDocument = new TypedDocumentString(`
    mutation DeleteDevice($id: ID!) {
  deleteDevice(id: $id) {
    seq
    device {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<DeleteDeviceMutation, DeleteDeviceMutationVariables>;
export const PoliciesDocument = new TypedDocumentString(`
    query Policies($first: Int, $after: String, $minSeq: Int) {
  policies(first: $first, after: $after, minSeq: $minSeq) {
    totalCount
    pageInfo {
      ...PageFields
    }
    edges {
      node {
        ...PolicyFields
      }
    }
  }
}
    fragment PolicyFields on Policy {
  id
  name
  rule {
    action
    priority
    sources {
      kind
      id
    }
    targets {
      kind
      id
    }
    description
  }
  createdBy
  createdAt
  updatedAt
}
fragment PageFields on PageInfo {
  hasNextPage
  endCursor
}`) as unknown as TypedDocumentString<PoliciesQuery, PoliciesQueryVariables>;
export const CreatePolicyDocument = new TypedDocumentString(`
    mutation CreatePolicy($input: CreatePolicyInput!) {
  createPolicy(input: $input) {
    seq
    policy {
      ...PolicyFields
    }
  }
}
    fragment PolicyFields on Policy {
  id
  name
  rule {
    action
    priority
    sources {
      kind
      id
    }
    targets {
      kind
      id
    }
    description
  }
  createdBy
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<CreatePolicyMutation, CreatePolicyMutationVariables>;
export const UpdatePolicyDocument = new TypedDocumentString(`
    mutation UpdatePolicy($input: UpdatePolicyInput!) {
  updatePolicy(input: $input) {
    seq
    policy {
      ...PolicyFields
    }
  }
}
    fragment PolicyFields on Policy {
  id
  name
  rule {
    action
    priority
    sources {
      kind
      id
    }
    targets {
      kind
      id
    }
    description
  }
  createdBy
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<UpdatePolicyMutation, UpdatePolicyMutationVariables>;
export const DeletePolicyDocument = new TypedDocumentString(`
    mutation DeletePolicy($id: ID!) {
  deletePolicy(id: $id) {
    seq
    policy {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<DeletePolicyMutation, DeletePolicyMutationVariables>;
export const AccessDocument = new TypedDocumentString(`
    query Access($source: IdentityInput!, $target: TargetInput!, $minSeq: Int) {
  access(source: $source, target: $target, minSeq: $minSeq) {
    allow
    policy {
      id
      name
    }
  }
}
    `) as unknown as TypedDocumentString<AccessQuery, AccessQueryVariables>;
export const MembersDocument = new TypedDocumentString(`
    query Members($first: Int, $after: String, $minSeq: Int) {
  team(minSeq: $minSeq) {
    slug
    members(first: $first, after: $after) {
      totalCount
      pageInfo {
        ...PageFields
      }
      edges {
        node {
          role
          since
          user {
            id
            username
            displayName
          }
        }
      }
    }
    invitations {
      username
      role
    }
  }
}
    fragment PageFields on PageInfo {
  hasNextPage
  endCursor
}`) as unknown as TypedDocumentString<MembersQuery, MembersQueryVariables>;
export const InviteMemberDocument = new TypedDocumentString(`
    mutation InviteMember($input: InviteInput!) {
  inviteMember(input: $input) {
    seq
    invitation {
      team
      username
      role
    }
  }
}
    `) as unknown as TypedDocumentString<InviteMemberMutation, InviteMemberMutationVariables>;
export const AcceptInvitationDocument = new TypedDocumentString(`
    mutation AcceptInvitation($team: String!) {
  acceptInvitation(team: $team) {
    seq
    invitation {
      team
      role
    }
  }
}
    `) as unknown as TypedDocumentString<AcceptInvitationMutation, AcceptInvitationMutationVariables>;
export const DeclineInvitationDocument = new TypedDocumentString(`
    mutation DeclineInvitation($team: String!) {
  declineInvitation(team: $team) {
    seq
  }
}
    `) as unknown as TypedDocumentString<DeclineInvitationMutation, DeclineInvitationMutationVariables>;
export const ChangeRoleDocument = new TypedDocumentString(`
    mutation ChangeRole($input: MemberInput!) {
  changeRole(input: $input) {
    seq
  }
}
    `) as unknown as TypedDocumentString<ChangeRoleMutation, ChangeRoleMutationVariables>;
export const RemoveMemberDocument = new TypedDocumentString(`
    mutation RemoveMember($input: MemberInput!) {
  removeMember(input: $input) {
    seq
  }
}
    `) as unknown as TypedDocumentString<RemoveMemberMutation, RemoveMemberMutationVariables>;
export const CreateTeamDocument = new TypedDocumentString(`
    mutation CreateTeam($input: CreateTeamInput!) {
  createTeam(input: $input) {
    seq
    team {
      slug
      displayName
    }
  }
}
    `) as unknown as TypedDocumentString<CreateTeamMutation, CreateTeamMutationVariables>;
export const TokensDocument = new TypedDocumentString(`
    query Tokens($first: Int, $after: String, $minSeq: Int) {
  tokens(first: $first, after: $after, minSeq: $minSeq) {
    totalCount
    pageInfo {
      ...PageFields
    }
    edges {
      node {
        id
        name
        expiresAt
        bootstrap
        revoked
        revokedAt
        createdAt
      }
    }
  }
}
    fragment PageFields on PageInfo {
  hasNextPage
  endCursor
}`) as unknown as TypedDocumentString<TokensQuery, TokensQueryVariables>;
export const CreateTokenDocument = new TypedDocumentString(`
    mutation CreateToken($input: CreateTokenInput!) {
  createToken(input: $input) {
    seq
    secret
    token {
      id
      name
      expiresAt
    }
  }
}
    `) as unknown as TypedDocumentString<CreateTokenMutation, CreateTokenMutationVariables>;
export const RevokeTokenDocument = new TypedDocumentString(`
    mutation RevokeToken($id: ID!) {
  revokeToken(id: $id) {
    seq
    token {
      id
      revoked
    }
  }
}
    `) as unknown as TypedDocumentString<RevokeTokenMutation, RevokeTokenMutationVariables>;
export const NetworkDocument = new TypedDocumentString(`
    query Network($minSeq: Int) {
  network(minSeq: $minSeq) {
    addresses {
      ip
      ownerKind
      ownerId
    }
    ranges {
      cidr
      clusterId
    }
  }
}
    `) as unknown as TypedDocumentString<NetworkQuery, NetworkQueryVariables>;
export const ExportEventsDocument = new TypedDocumentString(`
    query ExportEvents($first: Int, $after: String, $filter: EventFilter, $order: EventOrder) {
  events(first: $first, after: $after, filter: $filter, order: $order) {
    pageInfo {
      ...PageFields
    }
    edges {
      node {
        ...ExportEventFields
      }
    }
  }
}
    fragment PageFields on PageInfo {
  hasNextPage
  endCursor
}
fragment ExportEventFields on Event {
  seq
  id
  time
  type
  version
  team
  aggregateType
  aggregateId
  actor
  actorName
  resourceName
  causationId
  correlationId
  data
  known
  chain {
    prev
    hash
    stored
  }
}`) as unknown as TypedDocumentString<ExportEventsQuery, ExportEventsQueryVariables>;
export const CheckpointKeyDocument = new TypedDocumentString(`
    query CheckpointKey {
  checkpointKey {
    algorithm
    keyId
    publicKey
  }
}
    `) as unknown as TypedDocumentString<CheckpointKeyQuery, CheckpointKeyQueryVariables>;
export const ConfigsDocument = new TypedDocumentString(`
    query Configs($env: String, $first: Int, $after: String, $minSeq: Int) {
  configs(env: $env, first: $first, after: $after, minSeq: $minSeq) {
    totalCount
    pageInfo {
      ...PageFields
    }
    edges {
      node {
        ...ConfigFields
      }
    }
  }
}
    fragment PageFields on PageInfo {
  hasNextPage
  endCursor
}
fragment ConfigFields on Config {
  id
  name
  entries {
    key
    value
  }
  usedBy
  createdBy
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<ConfigsQuery, ConfigsQueryVariables>;
export const SetConfigDocument = new TypedDocumentString(`
    mutation SetConfig($input: SetConfigInput!) {
  setConfig(input: $input) {
    seq
    config {
      ...ConfigFields
    }
  }
}
    fragment ConfigFields on Config {
  id
  name
  entries {
    key
    value
  }
  usedBy
  createdBy
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<SetConfigMutation, SetConfigMutationVariables>;
export const DeleteConfigDocument = new TypedDocumentString(`
    mutation DeleteConfig($id: ID!) {
  deleteConfig(id: $id) {
    seq
    config {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<DeleteConfigMutation, DeleteConfigMutationVariables>;
export const SecretsDocument = new TypedDocumentString(`
    query Secrets($env: String, $first: Int, $after: String, $minSeq: Int) {
  secrets(env: $env, first: $first, after: $after, minSeq: $minSeq) {
    totalCount
    pageInfo {
      ...PageFields
    }
    edges {
      node {
        ...SecretFields
      }
    }
  }
}
    fragment PageFields on PageInfo {
  hasNextPage
  endCursor
}
fragment SecretFields on Secret {
  id
  name
  keys
  version
  usedBy
  createdBy
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<SecretsQuery, SecretsQueryVariables>;
export const SetSecretDocument = new TypedDocumentString(`
    mutation SetSecret($input: SetSecretInput!) {
  setSecret(input: $input) {
    seq
    secret {
      ...SecretFields
    }
  }
}
    fragment SecretFields on Secret {
  id
  name
  keys
  version
  usedBy
  createdBy
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<SetSecretMutation, SetSecretMutationVariables>;
export const DeleteSecretDocument = new TypedDocumentString(`
    mutation DeleteSecret($id: ID!) {
  deleteSecret(id: $id) {
    seq
    secret {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<DeleteSecretMutation, DeleteSecretMutationVariables>;
export const RevealSecretDocument = new TypedDocumentString(`
    mutation RevealSecret($id: ID!) {
  revealSecret(id: $id) {
    seq
    entries {
      key
      value
    }
    secret {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<RevealSecretMutation, RevealSecretMutationVariables>;
export const RoutersDocument = new TypedDocumentString(`
    query Routers($env: String, $first: Int, $after: String, $minSeq: Int) {
  routers(env: $env, first: $first, after: $after, minSeq: $minSeq) {
    totalCount
    pageInfo {
      ...PageFields
    }
    edges {
      node {
        ...RouterFields
      }
    }
  }
}
    fragment PageFields on PageInfo {
  hasNextPage
  endCursor
}
fragment RouterFields on Router {
  id
  name
  domain
  routes {
    path
    target {
      kind
      name
      port
    }
  }
  tls
  status {
    addresses
    lastError
    reportedAt
  }
  createdBy
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<RoutersQuery, RoutersQueryVariables>;
export const CreateRouterDocument = new TypedDocumentString(`
    mutation CreateRouter($input: CreateRouterInput!) {
  createRouter(input: $input) {
    seq
    router {
      ...RouterFields
    }
  }
}
    fragment RouterFields on Router {
  id
  name
  domain
  routes {
    path
    target {
      kind
      name
      port
    }
  }
  tls
  status {
    addresses
    lastError
    reportedAt
  }
  createdBy
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<CreateRouterMutation, CreateRouterMutationVariables>;
export const DeleteRouterDocument = new TypedDocumentString(`
    mutation DeleteRouter($id: ID!) {
  deleteRouter(id: $id) {
    seq
    router {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<DeleteRouterMutation, DeleteRouterMutationVariables>;
export const RevealServiceCredentialsDocument = new TypedDocumentString(`
    mutation RevealServiceCredentials($id: ID!) {
  revealServiceCredentials(id: $id) {
    seq
    entries {
      key
      value
    }
    service {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<RevealServiceCredentialsMutation, RevealServiceCredentialsMutationVariables>;
export const ExportLogDocument = new TypedDocumentString(`
    query ExportLog($first: Int, $after: String, $filter: EventFilter, $order: EventOrder) {
  log(first: $first, after: $after, filter: $filter, order: $order) {
    pageInfo {
      ...PageFields
    }
    edges {
      node {
        ...ExportEventFields
      }
    }
  }
}
    fragment PageFields on PageInfo {
  hasNextPage
  endCursor
}
fragment ExportEventFields on Event {
  seq
  id
  time
  type
  version
  team
  aggregateType
  aggregateId
  actor
  actorName
  resourceName
  causationId
  correlationId
  data
  known
  chain {
    prev
    hash
    stored
  }
}`) as unknown as TypedDocumentString<ExportLogQuery, ExportLogQueryVariables>;