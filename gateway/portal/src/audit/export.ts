// The team's events read page by page for verification and export, and the
// export itself: the files weft audit export writes (docs/auditing.md), so
// weft audit verify --file and an auditor's tools take the portal's too.
import { gql } from '../api/client';
import { CheckpointKeyDocument, ExportEventsDocument, ExportLogDocument, type EventFilter, type ExportEventFieldsFragment } from '../api/generated';
import { Verifier, parseKey, type Message, type Report } from './chain';
import { Sha256, hex } from './sha256';

// The API's largest page, as weft audit export reads.
const pageSize = 500;

export type Page = { events: ExportEventFieldsFragment[]; next: string | null };

// readPage reads one page of the team's events (all: of the whole log,
// every team's and the team-less ones, for the platform's administrator),
// oldest first, agents' status reports and checkpoints included.
export async function readPage(filter: EventFilter, after: string | null, all = false): Promise<Page> {
  const vars = { first: pageSize, after, order: 'OLDEST_FIRST' as const, filter: { ...filter, includeStatus: true } };
  const c = all ? (await gql(ExportLogDocument, vars)).log : (await gql(ExportEventsDocument, vars)).events;
  const p = c.pageInfo;
  return { events: c.edges.map((e) => e.node), next: p.hasNextPage && p.endCursor ? p.endCursor : null };
}

// serverKey is the checkpoint key the API publishes.
export async function serverKey(): Promise<{ key: Uint8Array; keyId: string }> {
  const r = await gql(CheckpointKeyDocument, {});
  if (r.checkpointKey.algorithm !== 'ed25519') throw new Error(`the server's checkpoint key is ${r.checkpointKey.algorithm}, not ed25519`);
  return { key: parseKey(r.checkpointKey.publicKey), keyId: r.checkpointKey.keyId };
}

const enc = new TextEncoder();

export function message(e: ExportEventFieldsFragment): Message {
  return {
    seq: e.seq,
    subject: `ev.${e.team}.${e.aggregateType}.${e.aggregateId}`,
    prev: e.chain?.prev ?? '',
    hash: e.chain?.hash ?? '',
    data: e.chain ? enc.encode(e.chain.stored) : new Uint8Array(),
  };
}

// verifyLog reads the team's whole history and verifies it, calling
// progress with the events read so far.
export async function verifyLog(key: Uint8Array | null, progress: (events: number) => void, all = false): Promise<Report> {
  const v = new Verifier();
  if (key) await v.withKey(key);
  let n = 0;
  for (let after: string | null = null; ; ) {
    const p = await readPage({}, after, all);
    for (const e of p.events) await v.add(message(e));
    n += p.events.length;
    progress(n);
    if (!p.next) return v.report();
    after = p.next;
  }
}

export type Format = 'jsonl' | 'csv';

// Summary ends every export, with weft audit export's fields.
export type Summary = {
  scope: string;
  since?: string;
  until?: string;
  fromSeq?: number;
  events: number;
  firstSeq?: number;
  lastSeq?: number;
  ordered: boolean;
  duplicateIds: number;
  unknownTypes: number;
  sha256: string;
  resume: string;
  chain: Report;
};

export type ExportResult = {
  file: Blob;
  name: string;
  events: number;
  lastSeq: number;
  // summary: null when the export broke; the file holds what came before.
  summary: Summary | null;
  error?: Error;
};

const csvHeader = ['seq', 'id', 'time', 'type', 'version', 'team', 'aggregate_type', 'aggregate_id', 'actor', 'actor_name', 'causation_id', 'correlation_id', 'known', 'data', 'chain_prev', 'chain_hash', 'stored'];

// csvField quotes as Go's encoding/csv does: a field with a comma, quote,
// CR or LF, or that starts with a space, between quotes, quotes doubled.
function csvField(f: string): string {
  if (f === '') return f;
  if (f === '\\.' || /[",\r\n]/.test(f) || /^[\s\u0085]/.test(f)) return '"' + f.replace(/"/g, '""') + '"';
  return f;
}

function csvRow(fields: string[]): string {
  return fields.map(csvField).join(',') + '\n';
}

// goJSON is JSON as Go's encoder writes it: <, >, & and the line and
// paragraph separators escaped, so a line reads as weft audit export's.
function goJSON(v: unknown): string {
  return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

function withoutChain(e: ExportEventFieldsFragment): Omit<ExportEventFieldsFragment, 'chain'> {
  const { chain: _, ...rest } = e;
  return rest;
}

function line(format: Format, e: ExportEventFieldsFragment): string {
  // chain first, then the event's fields: the CLI's order.
  if (format === 'jsonl') return goJSON({ chain: e.chain, ...withoutChain(e) }) + '\n';
  return csvRow([
    String(e.seq), e.id, e.time, e.type, String(e.version), e.team, e.aggregateType, e.aggregateId, e.actor, e.actorName,
    e.causationId ?? '', e.correlationId ?? '', String(e.known), e.data == null ? '' : JSON.stringify(e.data),
    e.chain?.prev ?? '', e.chain?.hash ?? '', e.chain?.stored ?? '',
  ]);
}

// rfc3339 writes an instant as Go's RFC 3339 with nanoseconds does (no zero fraction).
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.?0+Z$/, 'Z');
}

// exportEvents reads the team's events from since/until/fromSeq page by
// page, oldest first, and adds each page to the file as it arrives (the
// browser keeps a large file's parts on disk), hashing what it writes and
// verifying the chain as it goes; the summary ends it. A page that cannot
// be read ends the export with what came before it and no summary, and the
// error says the sequence to resume from.
export async function exportEvents(opts: { team: string; all?: boolean; format: Format; since?: Date; until?: Date; fromSeq?: number; key: Uint8Array | null }, progress: (events: number) => void): Promise<ExportResult> {
  const since = opts.since ? rfc3339(opts.since) : undefined;
  const until = opts.until ? rfc3339(opts.until) : undefined;
  const fromSeq = opts.fromSeq || undefined;
  const filter: EventFilter = { since, until, fromSeq };
  // The summary's fields in weft audit export's order.
  const sum: Summary = {
    scope: opts.all ? '*' : opts.team, since, until, fromSeq, events: 0, firstSeq: undefined, lastSeq: undefined, ordered: true, duplicateIds: 0, unknownTypes: 0,
    sha256: '', resume: '', chain: { ok: true, events: 0, firstSeq: 0, lastSeq: 0, teams: [] },
  };
  const v = new Verifier();
  if (opts.key) await v.withKey(opts.key);
  if ((fromSeq ?? 0) > 1 || since) v.partial();
  const parts: Blob[] = [];
  const digest = new Sha256();
  const write = (s: string) => {
    const b = enc.encode(s);
    digest.update(b);
    parts.push(new Blob([b]));
  };
  const name = (suffix: string) => `weft-${opts.all ? 'all' : opts.team}-events${suffix}.${opts.format}`;
  if (opts.format === 'csv') write(csvRow(csvHeader));
  const seen = new Set<string>();
  let last = 0;
  try {
    for (let after: string | null = null; ; ) {
      const p = await readPage(filter, after, opts.all);
      let text = '';
      for (const e of p.events) {
        if (sum.events > 0 && e.seq <= last) sum.ordered = false;
        if (seen.has(e.id)) sum.duplicateIds++;
        seen.add(e.id);
        if (!e.known) sum.unknownTypes++;
        if (sum.events === 0) sum.firstSeq = e.seq;
        sum.events++;
        last = e.seq;
        await v.add(message(e));
        text += line(opts.format, e);
      }
      if (text) write(text);
      progress(sum.events);
      if (!p.next) break;
      after = p.next;
    }
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    const at = sum.events > 0 ? `after sequence ${last} (export the rest from sequence ${last + 1})` : 'before any event';
    return {
      file: new Blob(parts, { type: 'application/octet-stream' }), name: name(sum.events ? `-${sum.firstSeq}-${last}-partial` : '-partial'), events: sum.events, lastSeq: last,
      summary: null, error: new Error(`The export stopped ${at}: ${err.message}`),
    };
  }
  if (sum.events > 0) sum.lastSeq = last;
  sum.sha256 = hex(digest.digest());
  sum.chain = v.report();
  sum.resume = `--from-seq ${sum.events > 0 ? last + 1 : Math.max(fromSeq ?? 0, 1)}`;
  // The summary's own line is not in its digest, as in weft audit export.
  const s = goJSON(sum);
  parts.push(new Blob([opts.format === 'csv' ? `# summary ${s}\n` : `{"summary":${s}}\n`]));
  return {
    file: new Blob(parts, { type: opts.format === 'csv' ? 'text/csv' : 'application/x-ndjson' }),
    name: name(sum.events ? `-${sum.firstSeq}-${last}` : ''), events: sum.events, lastSeq: last, summary: sum,
  };
}
