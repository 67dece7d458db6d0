// One subscription to the team's events feeds every open page: pages say
// which aggregate types they show and reload (with minSeq = the event's
// sequence, so the read model has it) when one of those changes.
import { useEffect, useRef } from 'react';
import { subscribe, noteSeq, type ApiError } from './api/client';
import { TeamEventsDocument, type EventFieldsFragment } from './api/generated';

type Listener = (e: EventFieldsFragment) => void;
const listeners = new Set<Listener>();
let stop: (() => void) | null = null;
let status: 'off' | 'live' | 'error' = 'off';
const statusListeners = new Set<(s: typeof status) => void>();

function setStatus(s: typeof status) {
  status = s;
  statusListeners.forEach((l) => l(s));
}

export function startLive() {
  stopLive();
  stop = subscribe(
    TeamEventsDocument,
    {},
    (r) => {
      setStatus('live');
      noteSeq(r.teamEvents.seq);
      listeners.forEach((l) => l(r.teamEvents));
    },
    (_e: ApiError) => setStatus('error'),
  );
  setStatus('live');
}

export function stopLive() {
  stop?.();
  stop = null;
  setStatus('off');
}

export function onLiveStatus(l: (s: typeof status) => void): () => void {
  statusListeners.add(l);
  l(status);
  return () => statusListeners.delete(l);
}

// useLive calls f for each new event of the given aggregate types (all
// when empty), batched: many events in a burst cause one call, with the
// highest sequence. An event take returns true for is the caller's as it
// arrives (take handles it at once), and is not batched.
export function useLive(types: string[], f: (seq: number, events: EventFieldsFragment[]) => void, take?: (e: EventFieldsFragment) => boolean) {
  const fn = useRef(f);
  fn.current = f;
  const tk = useRef(take);
  tk.current = take;
  const key = types.join(',');
  useEffect(() => {
    let batch: EventFieldsFragment[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const want = new Set(key ? key.split(',') : []);
    const l: Listener = (e) => {
      if (want.size && !want.has(e.aggregateType)) return;
      if (tk.current?.(e)) return;
      batch.push(e);
      if (timer === undefined) {
        timer = setTimeout(() => {
          const b = batch;
          batch = [];
          timer = undefined;
          fn.current(Math.max(...b.map((x) => x.seq)), b);
        }, 50);
      }
    };
    listeners.add(l);
    return () => {
      listeners.delete(l);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [key]);
}
