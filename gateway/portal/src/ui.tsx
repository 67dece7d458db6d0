import { createContext, useContext, useId, type ReactNode } from 'react';
import { ApiError } from './api/client';

export function Loading({ what }: { what: string }) {
  return <p className="muted" role="status" aria-live="polite">Loading {what}…</p>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

// advice says what to do about an error of each code.
function advice(code: string): string {
  switch (code) {
    case 'FORBIDDEN':
      return 'Your role in this team does not allow it; ask a team admin.';
    case 'UNAVAILABLE':
      return 'The server is busy or restarting; try again in a moment.';
    case 'NOT_FOUND':
      return 'It may have been deleted; reload the list.';
    case 'CONFLICT':
      return 'Someone changed it at the same time, or the name is taken; reload and try again.';
    case 'INTERNAL':
      return 'The server logged the details; tell your weft operator the request id if it repeats.';
    default:
      return '';
  }
}

export function ErrorNote({ error, what }: { error: ApiError | Error | null; what?: string }) {
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : 'INTERNAL';
  const field = error instanceof ApiError ? error.field : undefined;
  return (
    <div className="error" role="alert">
      <strong>{what ? `Could not ${what}: ` : ''}</strong>
      {field ? `${field}: ` : ''}
      {error.message}
      {advice(code) && <span className="muted"> {advice(code)}</span>}
    </div>
  );
}

// fieldError is the API's message for a form field: the error's
// extensions.field is the input path (e.g. spec.ports[0].port), matched
// on its first name below the input.
export function fieldError(err: ApiError | null, ...names: string[]): string | undefined {
  if (!err || err.code !== 'BAD_USER_INPUT' || !err.field) return undefined;
  const f = err.field.replace(/^input\./, '').replace(/^(spec|rule)\./, '');
  const head = f.split(/[.[]/)[0];
  return names.includes(head) || names.includes(f) ? err.message : undefined;
}

// formError is the error to show above a form: any error no field shows.
export function formError(err: ApiError | null, fields: string[]): ApiError | null {
  if (!err) return null;
  return fields.some((n) => fieldError(err, n)) ? null : err;
}

export function Field(props: { label: string; error?: string; hint?: string; children: (id: string, describedBy?: string) => ReactNode }) {
  const id = useId();
  const errId = id + '-err';
  const hintId = id + '-hint';
  const describedBy = [props.error ? errId : '', props.hint ? hintId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={'field' + (props.error ? ' invalid' : '')}>
      <label htmlFor={id}>{props.label}</label>
      {props.children(id, describedBy)}
      {props.hint && <small id={hintId} className="muted">{props.hint}</small>}
      {props.error && <small id={errId} className="field-error" role="alert">{props.error}</small>}
    </div>
  );
}

export function When({ t }: { t?: string | null }) {
  if (!t) return <span className="muted">—</span>;
  const d = new Date(t);
  return <time dateTime={t} title={d.toISOString()}>{d.toLocaleString()}</time>;
}

// Names turns actor strings (user:<id>, system:<name>) and user ids into
// names, from the team's members.
export const Names = createContext<Map<string, string>>(new Map());

export function Actor({ actor }: { actor: string }) {
  const names = useContext(Names);
  const [kind, id] = actor.includes(':') ? actor.split(/:(.*)/s) : ['user', actor];
  if (kind === 'user') {
    const n = names.get(id);
    return <span title={actor}>{n ?? `user ${id.slice(0, 8)}…`}</span>;
  }
  return <span title={actor}>{kind === 'system' ? `weft (${id})` : actor}</span>;
}

export function Badge({ tone, children }: { tone: 'ok' | 'warn' | 'bad' | 'info'; children: ReactNode }) {
  return <span className={'badge ' + tone}>{children}</span>;
}

export function Copy({ text, label }: { text: string; label: string }) {
  return (
    <button type="button" className="small" onClick={() => navigator.clipboard?.writeText(text)} aria-label={'Copy ' + label}>
      Copy
    </button>
  );
}
