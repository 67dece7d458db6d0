import { useEffect, useMemo, useState } from 'react';
import { gql } from '../api/client';
import { ResourceAsOfDocument, type EventFieldsFragment } from '../api/generated';
import { useLoad } from '../hooks';
import { Actor, ErrorNote, Loading, When } from '../ui';
import { describeEvent } from './common';

// flatten turns a JSON value into path → printed value, for the diff.
export function flatten(v: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (v !== null && typeof v === 'object') {
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v as Record<string, unknown>);
    if (entries.length === 0) out.set(prefix || '(value)', Array.isArray(v) ? '[]' : '{}');
    for (const [k, x] of entries) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix || '(value)', v === undefined ? '' : JSON.stringify(v));
  }
  return out;
}

function toLocalInput(t: string): string {
  const d = new Date(t);
  const off = d.getTimezoneOffset() * 60000;
  return new Date(d.getTime() - off).toISOString().slice(0, 19);
}

// TimeTravel shows a resource as of a moment chosen on a slider over its
// events (or typed as a date and time), from the API's as-of query, beside
// its state now, with the fields that differ highlighted.
export function TimeTravel({ aggregateType, aggregateId, events }: { aggregateType: string; aggregateId: string; events: EventFieldsFragment[] }) {
  const ordered = useMemo(() => [...events].sort((a, b) => a.seq - b.seq), [events]);
  const [pos, setPos] = useState(ordered.length - 1);
  const [time, setTime] = useState('');
  useEffect(() => {
    setPos(ordered.length - 1);
    setTime('');
  }, [ordered.length]);
  const latest = ordered[ordered.length - 1];
  const at = ordered[Math.max(0, Math.min(pos, ordered.length - 1))];
  const then = useLoad(async () => {
    if (!at) return null;
    const vars = time ? { aggregateType, aggregateId, time: new Date(time).toISOString() } : { aggregateType, aggregateId, seq: at.seq };
    return (await gql(ResourceAsOfDocument, vars)).resourceAsOf;
  }, [at?.seq, time, aggregateId]);
  const now = useLoad(async () => (latest ? (await gql(ResourceAsOfDocument, { aggregateType, aggregateId, seq: latest.seq })).resourceAsOf : null), [latest?.seq, aggregateId]);
  if (!ordered.length) return <p className="muted">No recorded events.</p>;
  const a = flatten(then.data?.resource ?? null);
  const b = flatten(now.data?.resource ?? null);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  const changed = keys.filter((k) => a.get(k) !== b.get(k));
  return (
    <div className="timetravel">
      <div className="inline-form">
        <div className="field grow">
          <label htmlFor="tt-slider">As of event {pos + 1} of {ordered.length}</label>
          <input
            id="tt-slider"
            type="range"
            min={0}
            max={ordered.length - 1}
            step={1}
            value={pos}
            onChange={(e) => {
              setTime('');
              setPos(Number(e.target.value));
            }}
            aria-valuetext={at ? `${at.type} at ${new Date(at.time).toLocaleString()}` : ''}
          />
        </div>
        <div className="field">
          <label htmlFor="tt-time">or as of a date and time</label>
          <input id="tt-time" type="datetime-local" step={1} value={time || (at ? toLocalInput(at.time) : '')} onChange={(e) => setTime(e.target.value)} />
        </div>
      </div>
      {at && !time && (
        <p className="muted">
          After <strong>{at.type}</strong> (seq {at.seq}) at <When t={at.time} /> by <Actor actor={at.actor} />
        </p>
      )}
      {then.error && <ErrorNote error={then.error} what="load that moment" />}
      {then.loading && !then.data ? (
        <Loading what="that moment" />
      ) : (
        <table className="diff" aria-label="State then and now">
          <caption>
            {changed.length === 0 ? 'Nothing differs from now.' : `${changed.length} field${changed.length === 1 ? '' : 's'} differ from now (highlighted).`}
          </caption>
          <thead>
            <tr><th scope="col">Field</th><th scope="col">Then</th><th scope="col">Now</th></tr>
          </thead>
          <tbody>
            {keys.map((k) => {
              const diff = a.get(k) !== b.get(k);
              return (
                <tr key={k} className={diff ? 'changed' : ''} data-field={k}>
                  <th scope="row">{k}</th>
                  <td data-then>{diff ? <mark>{a.get(k) ?? '—'}</mark> : a.get(k)}</td>
                  <td>{diff ? <mark>{b.get(k) ?? '—'}</mark> : b.get(k)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <h3>Events</h3>
      <ol className="plain events" reversed>
        {[...ordered].reverse().map((e) => (
          <li key={e.id}>
            <button type="button" className="link" onClick={() => { setTime(''); setPos(ordered.indexOf(e)); }}>
              <When t={e.time} />
            </button>{' '}
            · <Actor actor={e.actor} /> · {describeEvent(e)}
          </li>
        ))}
      </ol>
    </div>
  );
}
