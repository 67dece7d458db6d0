import { useState, type FormEvent } from 'react';
import { ApiError, gql, lastSeq, noteSeq } from '../api/client';
import { ChangeRoleDocument, InviteMemberDocument, CreateTokenDocument, MembersDocument, RemoveMemberDocument, RevokeTokenDocument, TokensDocument, type Role } from '../api/generated';
import { useLoad } from '../hooks';
import { useLive } from '../live';
import { Badge, Copy, Empty, ErrorNote, Field, Loading, When, fieldError, formError } from '../ui';

const roles: Role[] = ['AUDITOR', 'MEMBER', 'ADMIN', 'OWNER'];

function MembersSection() {
  const q = useLoad((minSeq) => gql(MembersDocument, { first: 200, minSeq: minSeq ?? lastSeq() }), []);
  useLive(['team'], (seq) => q.reload(seq));
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role>('MEMBER');
  const [err, setErr] = useState<ApiError | null>(null);
  const [invited, setInvited] = useState('');
  const act = async (f: () => Promise<number>) => {
    try {
      const seq = await f();
      noteSeq(seq);
      setErr(null);
      q.reload(seq);
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  // Someone joins a team by accepting an invitation, never by being added:
  // the answer is the same whether or not the username is held, so the
  // form tells nobody which usernames exist.
  const invite = (e: FormEvent) => {
    e.preventDefault();
    const name = username.trim();
    act(async () => (await gql(InviteMemberDocument, { input: { username: name, role } })).inviteMember.seq).then(() => {
      setUsername('');
      setInvited(name);
    });
  };
  const members = q.data?.team?.members.edges.map((e) => e.node) ?? [];
  const pending = q.data?.team?.invitations ?? [];
  return (
    <section>
      <h2>Members</h2>
      {q.error && <ErrorNote error={q.error} what="list members" />}
      {!q.data ? (
        !q.error && <Loading what="members" />
      ) : (
        <table>
          <caption className="sr">Members</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Username</th><th scope="col">Role</th><th scope="col">Since</th><th scope="col"><span className="sr">Actions</span></th></tr></thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.user.id}>
                <td>{m.user.displayName}</td>
                <td>{m.user.username}</td>
                <td>
                  <select aria-label={`Role of ${m.user.username}`} value={m.role} onChange={(e) => act(async () => (await gql(ChangeRoleDocument, { input: { userId: m.user.id, role: e.target.value as Role } })).changeRole.seq)}>
                    {roles.map((r) => <option key={r} value={r}>{r.toLowerCase()}</option>)}
                  </select>
                </td>
                <td><When t={m.since} /></td>
                <td><button type="button" className="small danger" aria-label={`Remove ${m.user.username}`} onClick={() => confirm(`Remove ${m.user.username} from the team?`) && act(async () => (await gql(RemoveMemberDocument, { input: { userId: m.user.id } })).removeMember.seq)}>Remove</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pending.length > 0 && (
        <table>
          <caption>Invitations not yet answered</caption>
          <thead><tr><th scope="col">Username</th><th scope="col">Role offered</th></tr></thead>
          <tbody>
            {pending.map((i) => (
              <tr key={i.username} data-invitation={i.username}>
                <td>{i.username}</td>
                <td>{i.role.toLowerCase()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={invite} className="inline-form" aria-label="Invite a member">
        <Field label="Username" error={fieldError(err, 'username', 'userId')}>
          {(id, d) => <input id={id} aria-describedby={d} required value={username} onChange={(e) => setUsername(e.target.value)} />}
        </Field>
        <Field label="Role" error={fieldError(err, 'role')}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {roles.map((r) => <option key={r} value={r}>{r.toLowerCase()}</option>)}
            </select>
          )}
        </Field>
        <button type="submit">Invite</button>
      </form>
      {invited && !err && (
        <p role="status">
          Invited {invited}. They join when they accept: in the portal when they sign in, or with <code>weft invitation accept {q.data?.team?.slug}</code>.
        </p>
      )}
      <ErrorNote error={formError(err, ['username', 'userId', 'role'])} what="change the members" />
    </section>
  );
}

function TokensSection() {
  const q = useLoad((minSeq) => gql(TokensDocument, { first: 100, minSeq: minSeq ?? lastSeq() }), []);
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const [secret, setSecret] = useState('');
  const [err, setErr] = useState<ApiError | null>(null);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const r = await gql(CreateTokenDocument, { input: { name: name.trim() || undefined, expiresAt: expires ? new Date(expires).toISOString() : undefined } });
      noteSeq(r.createToken.seq);
      setSecret(r.createToken.secret);
      setName('');
      setErr(null);
      q.reload(r.createToken.seq);
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  const revoke = async (id: string) => {
    if (!confirm('Revoke this token? Anything using it is refused at once.')) return;
    try {
      const r = await gql(RevokeTokenDocument, { id });
      noteSeq(r.revokeToken.seq);
      q.reload(r.revokeToken.seq);
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  const tokens = q.data?.tokens.edges.map((e) => e.node) ?? [];
  return (
    <section>
      <h2>Your API tokens</h2>
      {secret && (
        <div className="notice" role="region" aria-label="New token">
          <p>Your new token. <strong>It is shown only this once</strong>: keep it somewhere safe.</p>
          <pre data-testid="new-token">{secret}</pre>
          <Copy text={secret} label="token" /> <button type="button" className="small" onClick={() => setSecret('')}>I have saved it</button>
        </div>
      )}
      {q.error && <ErrorNote error={q.error} what="list tokens" />}
      {!q.data ? (
        !q.error && <Loading what="tokens" />
      ) : tokens.length === 0 ? (
        <Empty>No token.</Empty>
      ) : (
        <table>
          <caption className="sr">API tokens</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col">Expires</th><th scope="col">State</th><th scope="col"><span className="sr">Actions</span></th></tr></thead>
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id} data-token={t.name ?? t.id}>
                <td>{t.name ?? <span className="muted">{t.bootstrap ? 'bootstrap token' : 'unnamed'}</span>}</td>
                <td><When t={t.createdAt} /></td>
                <td>{t.expiresAt ? <When t={t.expiresAt} /> : 'never'}</td>
                <td>{t.revoked ? <Badge tone="bad">revoked</Badge> : <Badge tone="ok">active</Badge>}</td>
                <td>{!t.revoked && <button type="button" className="small danger" onClick={() => revoke(t.id)} aria-label={`Revoke token ${t.name ?? t.id}`}>Revoke</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={create} className="inline-form" aria-label="Create a token">
        <Field label="Token name" error={fieldError(err, 'name')}>
          {(id, d) => <input id={id} aria-describedby={d} value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. ci" />}
        </Field>
        <Field label="Expires" error={fieldError(err, 'expiresAt')} hint="never when empty">
          {(id, d) => <input id={id} aria-describedby={d} type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} />}
        </Field>
        <button type="submit">Create token</button>
      </form>
      <ErrorNote error={formError(err, ['name', 'expiresAt'])} what="change your tokens" />
    </section>
  );
}

export function Members() {
  return (
    <>
      <h1>Members and tokens</h1>
      <MembersSection />
      <TokensSection />
    </>
  );
}
