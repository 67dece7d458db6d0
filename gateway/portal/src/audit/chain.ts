// The log's hash chain, verified in the browser: the same rules as weft's
// own verifier (events/chain, docs/auditing.md) over the events the API
// returns with their chain (prev, hash, and the event exactly as stored).
// The server only delivers the events; this page hashes them itself
// (sha256.ts) and checks checkpoints' ed25519 signatures with WebCrypto,
// so a server that changed its log cannot make it verify here. The
// report has the fields and the words of `weft audit verify -o json`.
import { hex, sha256 } from './sha256';

export type Message = { seq: number; subject: string; prev: string; hash: string; data: Uint8Array };

export type Break = { seq: number; subject: string; kind: string; detail: string };

export type TeamReport = {
  team: string;
  chainStart: number;
  events: number;
  beforeChain: number;
  checkpoints: number;
  sealedUpTo: number;
  unsealed: number;
};

export type Report = {
  ok: boolean;
  events: number;
  firstSeq: number;
  lastSeq: number;
  firstBreak?: Break;
  breaks?: Break[];
  teams: TeamReport[];
  keyId?: string;
  partial?: boolean;
};

export const checkpointType = 'audit.chain.checkpointed';
const checkpointSuffix = '.chain.checkpoints';
const maxBreaks = 20;
const enc = new TextEncoder();
const eventTag = enc.encode('weft-chain-v1\n');
const digestTag = enc.encode('weft-digest-v1\n');
const newline = enc.encode('\n');
const genesis = new Uint8Array(32);

// Hashes are written in unpadded base64url, 43 characters.
export function encodeHash(h: Uint8Array): string {
  let s = '';
  h.forEach((b) => (s += String.fromCharCode(b)));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function parseHash(s: string): Uint8Array | null {
  if (s.length !== 43 || !/^[A-Za-z0-9_-]+$/.test(s)) return null;
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '=');
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// hashOf is an event's hash: SHA-256("weft-chain-v1\n" || prev || subject || "\n" || stored).
export function hashOf(prev: Uint8Array, subject: string, data: Uint8Array): Uint8Array {
  return sha256(eventTag, prev, enc.encode(subject), newline, data);
}

type Digest = { sum: Uint8Array; events: number };

function digestAdd(d: Digest, seq: number, h: Uint8Array): Digest {
  const n = new Uint8Array(8);
  new DataView(n.buffer).setBigUint64(0, BigInt(seq));
  return { sum: sha256(digestTag, d.sum, n, h), events: d.events + 1 };
}

// keyId names a public key: the first 16 hex digits of its SHA-256.
export function keyId(pub: Uint8Array): string {
  return hex(sha256(pub)).slice(0, 16);
}

// parseKey reads a checkpoint key: standard base64 of 32 bytes.
export function parseKey(s: string): Uint8Array {
  let bin: string;
  try {
    bin = atob(s.trim());
  } catch {
    throw new Error('the checkpoint key is not base64');
  }
  if (bin.length !== 32) throw new Error(`the checkpoint key has ${bin.length} bytes, want 32`);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

type Checkpoint = { team: string; chainStart: number; upTo: number; events: number; digest: string; keyId: string; signature: string };

function signed(c: Checkpoint): Uint8Array {
  return enc.encode(['weft-checkpoint-v1', c.team, c.chainStart, c.upTo, c.events, c.digest, c.keyId].join('\n') + '\n');
}

// readCheckpoint takes a checkpoint's envelope as Go's decoder does: fields
// absent are zero, fields of another type make it no checkpoint.
function readCheckpoint(data: Uint8Array): { type: string; c: Checkpoint } | string {
  let env: unknown;
  try {
    env = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch (e) {
    return (e as Error).message;
  }
  if (typeof env !== 'object' || env === null) return 'not a JSON object';
  const e = env as Record<string, unknown>;
  const d = (e.data ?? {}) as Record<string, unknown>;
  const c: Checkpoint = { team: '', chainStart: 0, upTo: 0, events: 0, digest: '', keyId: '', signature: '' };
  for (const k of ['team', 'digest', 'keyId', 'signature'] as const) {
    if (d[k] === undefined || d[k] === null) continue;
    if (typeof d[k] !== 'string') return `data.${k} is not a string`;
    c[k] = d[k] as string;
  }
  for (const k of ['chainStart', 'upTo', 'events'] as const) {
    if (d[k] === undefined || d[k] === null) continue;
    if (typeof d[k] !== 'number' || !Number.isSafeInteger(d[k]) || (d[k] as number) < 0) return `data.${k} is not a sequence`;
    c[k] = d[k] as number;
  }
  return { type: typeof e.type === 'string' ? e.type : '', c };
}

type Snap = { seq: number; d: Digest; cp: boolean };

type TeamState = TeamReport & {
  digest: Digest;
  hist: Snap[];
  lastUnchained: number;
  sealed: Digest;
};

function teamOf(subject: string): string {
  const parts = subject.split('.');
  return parts.length < 3 ? '' : parts[1];
}

// Verifier walks a log in sequence order: add each message, then report.
// Like weft's, it goes on after a break, from what is present.
export class Verifier {
  private key: CryptoKey | null = null;
  private keyName = '';
  private heads = new Map<string, { seq: number; hash: Uint8Array }>();
  private teams = new Map<string, TeamState>();
  private rep: Report = { ok: true, events: 0, firstSeq: 0, lastSeq: 0, teams: [] };
  private last = 0;
  private isPartial = false;

  // withKey checks checkpoints' signatures with pub (without one they are
  // not checked, and the report has no keyId).
  async withKey(pub: Uint8Array): Promise<this> {
    try {
      this.key = await crypto.subtle.importKey('raw', pub as BufferSource, { name: 'Ed25519' }, false, ['verify']);
    } catch {
      throw new Error('This browser cannot check ed25519 signatures with WebCrypto; use a current browser, or weft audit verify.');
    }
    this.keyName = keyId(pub);
    this.rep.keyId = this.keyName;
    return this;
  }

  // partial: a range from the middle of the log (an export from a time or
  // a sequence): links to events before it and checkpoints' digests are
  // not checked; signatures are.
  partial(): this {
    this.isPartial = true;
    this.rep.partial = true;
    return this;
  }

  private fail(m: Message, kind: string, detail: string) {
    const b: Break = { seq: m.seq, subject: m.subject, kind, detail };
    if (!this.rep.firstBreak) this.rep.firstBreak = b;
    if ((this.rep.breaks ??= []).length < maxBreaks) this.rep.breaks.push(b);
  }

  async add(m: Message): Promise<void> {
    if (this.rep.events === 0) this.rep.firstSeq = m.seq;
    this.rep.events++;
    if (m.seq <= this.last) this.fail(m, 'order', `comes after sequence ${this.last}: the events are out of order or repeated`);
    else this.last = m.seq;
    this.rep.lastSeq = Math.max(this.rep.lastSeq, m.seq);
    const name = teamOf(m.subject);
    let t = this.teams.get(name);
    if (!t) {
      t = { team: name, chainStart: 0, events: 0, beforeChain: 0, checkpoints: 0, sealedUpTo: 0, unsealed: 0, digest: { sum: genesis, events: 0 }, hist: [], lastUnchained: 0, sealed: { sum: genesis, events: 0 } };
      this.teams.set(name, t);
    }
    t.events++;
    if (m.prev === '' && m.hash === '') {
      if (t.chainStart === 0) t.beforeChain++;
      else this.fail(m, 'unchained', `carries no chain hash, but team ${name}'s chain started at sequence ${t.chainStart}: its hash was removed, or it was added by something other than weft`);
      t.lastUnchained = m.seq;
      return;
    }
    const prev = parseHash(m.prev);
    const hash = parseHash(m.hash);
    if (!prev || !hash) {
      this.fail(m, 'content', `its chain headers are not hashes (${JSON.stringify(m.prev)}, ${JSON.stringify(m.hash)})`);
      return;
    }
    if (t.chainStart === 0) t.chainStart = m.seq;
    const got = hashOf(prev, m.subject, m.data);
    if (!same(got, hash)) {
      this.fail(m, 'content', `its stored content does not hash to the hash it was written with (${m.hash}, now ${encodeHash(got)}): it was changed after it was written`);
    }
    const h = this.heads.get(m.subject);
    if (h && !same(prev, h.hash)) {
      this.fail(m, 'link', `does not follow sequence ${h.seq}, the previous event of ${m.subject} in the log: an event between them is missing, or events were moved`);
    } else if (!h && !same(prev, genesis) && !this.isPartial) {
      this.fail(m, 'link', `follows an event of ${m.subject} (hash ${m.prev}) that is not in the log before it: it was removed, or moved after this one`);
    }
    this.heads.set(m.subject, { seq: m.seq, hash });
    t.digest = digestAdd(t.digest, m.seq, hash);
    const cp = m.subject.endsWith(checkpointSuffix);
    t.hist.push({ seq: m.seq, d: t.digest, cp });
    if (cp) await this.checkpoint(m, t);
  }

  private async checkpoint(m: Message, t: TeamState) {
    const r = readCheckpoint(m.data);
    if (typeof r === 'string' || r.type !== checkpointType) {
      this.fail(m, 'checkpoint', `is on the checkpoint subject but is not a checkpoint (${typeof r === 'string' ? r : '<nil>'})`);
      return;
    }
    const c = r.c;
    if (c.team !== t.team) {
      this.fail(m, 'checkpoint', `seals team ${JSON.stringify(c.team)}, but is stored with team ${JSON.stringify(t.team)}'s events`);
      return;
    }
    if (c.upTo >= m.seq) {
      this.fail(m, 'checkpoint', `seals events up to sequence ${c.upTo} but is stored at ${m.seq}: events before it were removed, or it was moved`);
      return;
    }
    if (this.key) {
      if (c.keyId !== this.keyName) {
        this.fail(m, 'checkpoint', `checkpoint signature does not verify: signed by key ${c.keyId}, checked with ${this.keyName}`);
        return;
      }
      let ok = false;
      try {
        const sig = Uint8Array.from(atob(c.signature), (x) => x.charCodeAt(0));
        ok = await crypto.subtle.verify({ name: 'Ed25519' }, this.key, sig as BufferSource, signed(c) as BufferSource);
      } catch {
        ok = false;
      }
      if (!ok) {
        this.fail(m, 'checkpoint', 'checkpoint signature does not verify');
        return;
      }
    }
    if (this.isPartial) return;
    if (t.sealedUpTo === 0 && t.checkpoints === 0 && c.chainStart !== 0 && c.chainStart < t.chainStart) t.chainStart = c.chainStart;
    if (t.lastUnchained >= c.chainStart && t.lastUnchained <= c.upTo) {
      this.fail(m, 'checkpoint', `seals team ${t.team}'s events from sequence ${c.chainStart}, but event ${t.lastUnchained} among them carries no hash`);
      return;
    }
    // The digest as of upTo: the last snapshot at or before it.
    let i = 0;
    while (i < t.hist.length && t.hist[i].seq <= c.upTo) i++;
    const d = i > 0 ? t.hist[i - 1].d : t.sealed;
    if (d.events !== c.events || encodeHash(d.sum) !== c.digest) {
      this.fail(m, 'checkpoint', `sealed ${c.events} events of team ${t.team} up to sequence ${c.upTo}, and the log holds ${d.events} there with another digest: between sequences ${t.sealedUpTo + 1} and ${c.upTo} an event was removed, added or moved`);
      return;
    }
    t.checkpoints++;
    t.sealedUpTo = c.upTo;
    t.sealed = d;
    t.hist = t.hist.slice(i);
  }

  report(): Report {
    // The fields in the order weft audit verify -o json writes them.
    const { events, firstSeq, lastSeq, firstBreak, breaks, keyId, partial } = this.rep;
    const r: Report = { ok: !firstBreak, events, firstSeq, lastSeq, firstBreak, breaks, teams: [], keyId, partial };
    for (const t of this.teams.values()) {
      r.teams.push({
        team: t.team, chainStart: t.chainStart, events: t.events, beforeChain: t.beforeChain, checkpoints: t.checkpoints,
        sealedUpTo: t.sealedUpTo, unsealed: t.hist.filter((s) => !s.cp).length,
      });
    }
    r.teams.sort((a, b) => (a.team < b.team ? -1 : a.team > b.team ? 1 : 0));
    return r;
  }
}
