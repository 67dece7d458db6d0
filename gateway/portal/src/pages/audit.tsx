import { useContext, useState } from 'react';
import { gql } from '../api/client';
import { EventsDocument, type EventFieldsFragment, type EventFilter } from '../api/generated';
import { useLoad } from '../hooks';
import { useLive } from '../live';
import { Actor, Empty, ErrorNote, Loading, Names, When } from '../ui';
import { describeEvent } from './common';
import { ExportLog, VerifyLog } from './auditchain';

const types = ['', 'team', 'env', 'app', 'service', 'config', 'secret', 'router', 'intercept', 'policy', 'cluster', 'device', 'network', 'svcrange', 'name', 'chain'];

// Audit is the team's event log, newest first, with new events added as
// they are appended (when they match the filters); its verification and
// export.
export function Audit() {
  const names = useContext(Names);
  const [aggType, setAggType] = useState('');
  const [aggId, setAggId] = useState('');
  const [actor, setActor] = useState('');
  const [evType, setEvType] = useState('');
  const [older, setOlder] = useState<EventFieldsFragment[]>([]);
  const [fresh, setFresh] = useState<EventFieldsFragment[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const filter: EventFilter = {
    aggregateType: aggType || undefined,
    aggregateId: aggType && aggId ? aggId.trim() : undefined,
    actor: actor || undefined,
    types: evType.trim() ? evType.split(/[\s,]+/).filter(Boolean) : undefined,
  };
  const key = JSON.stringify(filter);
  const q = useLoad(async () => {
    setFresh([]);
    setOlder([]);
    const r = await gql(EventsDocument, { first: 50, filter });
    setCursor(r.events.pageInfo.hasNextPage ? r.events.pageInfo.endCursor : null);
    return r.events.edges.map((e) => e.node);
  }, [key]);
  const matches = (e: EventFieldsFragment) =>
    (!filter.aggregateType || e.aggregateType === filter.aggregateType) &&
    (!filter.aggregateId || e.aggregateId === filter.aggregateId) &&
    (!filter.actor || e.actor === filter.actor) &&
    (!filter.types || filter.types.includes(e.type));
  useLive([], (_seq, evs) => {
    const known = new Set([...(q.data ?? []), ...fresh].map((e) => e.id));
    const add = evs.filter((e) => matches(e) && !known.has(e.id)).reverse();
    if (add.length) setFresh((f) => [...add, ...f]);
  });
  const more = async () => {
    if (!cursor) return;
    const r = await gql(EventsDocument, { first: 50, after: cursor, filter });
    setOlder((o) => [...o, ...r.events.edges.map((e) => e.node)]);
    setCursor(r.events.pageInfo.hasNextPage ? r.events.pageInfo.endCursor : null);
  };
  const all = [...fresh, ...(q.data ?? []), ...older];
  return (
    <>
      <h1>Audit trail</h1>
      <p className="muted">Every change to the team, as recorded in the event log. New events appear as they happen.</p>
      <div className="grid2">
        <VerifyLog onShow={(t, id) => { setAggType(t); setAggId(id); }} />
        <ExportLog />
      </div>
      <h2>Events</h2>
      <form className="inline-form filters" aria-label="Filter events" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="f-type">Resource</label>
          <select id="f-type" value={aggType} onChange={(e) => setAggType(e.target.value)}>
            {(types.includes(aggType) ? types : [...types, aggType]).map((t) => <option key={t} value={t}>{t || 'all resources'}</option>)}
          </select>
        </div>
        {aggType && (
          <div className="field">
            <label htmlFor="f-id">Resource id</label>
            <input id="f-id" value={aggId} onChange={(e) => setAggId(e.target.value)} placeholder="any" />
          </div>
        )}
        <div className="field">
          <label htmlFor="f-actor">Actor</label>
          <select id="f-actor" value={actor} onChange={(e) => setActor(e.target.value)}>
            <option value="">anyone</option>
            {[...names.entries()].map(([id, n]) => <option key={id} value={`user:${id}`}>{n}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-ev">Event types</label>
          <input id="f-ev" value={evType} onChange={(e) => setEvType(e.target.value)} placeholder="e.g. console.app.created" />
        </div>
      </form>
      {q.error && <ErrorNote error={q.error} what="read the audit trail" />}
      {!q.data ? (
        !q.error && <Loading what="events" />
      ) : all.length === 0 ? (
        <Empty>No event matches these filters.</Empty>
      ) : (
        <table className="events-table">
          <caption className="sr">Events, newest first</caption>
          <thead>
            <tr><th scope="col">Seq</th><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Data</th></tr>
          </thead>
          <tbody>
            {all.map((e) => (
              <tr key={e.id} data-seq={e.seq}>
                <td>{e.seq}</td>
                <td><When t={e.time} /></td>
                <td><Actor actor={e.actor} /></td>
                <td>{describeEvent(e)}</td>
                <td><details><summary>data</summary><pre>{JSON.stringify(e.data, null, 2)}</pre></details></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && <button type="button" onClick={more}>Load older events</button>}
    </>
  );
}
