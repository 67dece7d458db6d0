import { createRoot } from 'react-dom/client';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import './styles.css';
import { ApiError, gql, loadSession, noteSeq, saveSession, setUnauthenticatedHandler, useSessionForRequests, whenQuiet, type Session } from './api/client';
import { AcceptInvitationDocument, CreateTeamDocument, DeclineInvitationDocument, MeDocument, MembersDocument, type MeQuery } from './api/generated';
import { Link, match, navigate, usePath } from './router';
import { startLive, stopLive, onLiveStatus } from './live';
import { ErrorNote, Field, Names, fieldError, formError } from './ui';
import { Overview } from './pages/overview';
import { AllApps, Environments, EnvironmentPage } from './pages/environments';
import { AppPage } from './pages/app';
import { Audit } from './pages/audit';
import { Clusters } from './pages/clusters';
import { Devices } from './pages/devices';
import { Policies } from './pages/policies';
import { Members } from './pages/members';
import { NetworkMap } from './pages/network';
import { prefetchPage } from './prefetch';

// A restored session's page asks for its list now, while React draws the
// shell, not once the page's component has mounted.
if (loadSession()) prefetchPage(location.pathname);

// What a page shows first is its data: the account and members' names are
// asked for once its own queries have answered (whenQuiet).
const whenIdle = whenQuiet;

function SignIn({ reason, onSignedIn }: { reason: string; onSignedIn: (s: Session, me: MeQuery) => void }) {
  const [token, setToken] = useState('');
  const [err, setErr] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErr(null);
    const t = token.trim();
    try {
      const me = await gql(MeDocument, {}, { token: t, team: '' });
      const teams = me.myTeams.edges.map((x) => x.node.team.slug);
      const last = localStorage.getItem('weft.lastTeam') ?? '';
      onSignedIn({ token: t, team: teams.includes(last) ? last : (teams[0] ?? '') }, me);
    } catch (e) {
      setErr(e as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="signin" id="main">
      <h1>weft</h1>
      <p>Sign in with an API token. Make one with <code>weft token create</code>, or use the bootstrap token weft-server printed on its first start.</p>
      {reason && <div className="error" role="alert">{reason}</div>}
      <form onSubmit={submit}>
        <Field label="API token" error={err?.code === 'UNAUTHENTICATED' ? 'This token is not valid: it may be mistyped, expired or revoked.' : undefined}>
          {(id, d) => <input id={id} aria-describedby={d} type="password" autoComplete="off" required value={token} onChange={(e) => setToken(e.target.value)} placeholder="weft_…" autoFocus />}
        </Field>
        {err && err.code !== 'UNAUTHENTICATED' && <ErrorNote error={err} what="sign in" />}
        <button type="submit" disabled={busy || !token.trim()}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
      <p className="muted">The token stays in this tab's session storage and is cleared when you sign out or close the tab. The API and GraphiQL are at <a href="/graphiql">/graphiql</a>.</p>
    </main>
  );
}

function CreateTeam({ onCreated }: { onCreated: (slug: string) => void }) {
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const [err, setErr] = useState<ApiError | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const r = await gql(CreateTeamDocument, { input: { slug, displayName: name || slug } });
      onCreated(r.createTeam.team.slug);
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  return (
    <section>
      <h1>Create your first team</h1>
      <p>You are not a member of any team yet. A team holds clusters, environments, apps and devices; you become its owner.</p>
      <form onSubmit={submit} className="inline-form">
        <Field label="Slug" error={fieldError(err, 'slug')} hint="lowercase letters, digits and dashes; part of every DNS name">
          {(id, d) => <input id={id} aria-describedby={d} required value={slug} onChange={(e) => setSlug(e.target.value)} />}
        </Field>
        <Field label="Display name" error={fieldError(err, 'displayName')}>
          {(id, d) => <input id={id} aria-describedby={d} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <button type="submit">Create team</button>
      </form>
      <ErrorNote error={formError(err, ['slug', 'displayName'])} what="create the team" />
    </section>
  );
}

// MyInvitations lists the teams that invited the signed-in user, to accept
// or decline. The answers are team-less requests: the user is not a member
// of the team yet.
function MyInvitations({ me, token, onAnswered }: { me: MeQuery; token: string; onAnswered: (seq: number, joined?: string) => void }) {
  const [err, setErr] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState('');
  if (me.myInvitations.length === 0) return null;
  const answer = async (team: string, accept: boolean) => {
    setBusy(team);
    try {
      const seq = accept
        ? (await gql(AcceptInvitationDocument, { team }, { token, team: '' })).acceptInvitation.seq
        : (await gql(DeclineInvitationDocument, { team }, { token, team: '' })).declineInvitation.seq;
      noteSeq(seq);
      setErr(null);
      onAnswered(seq, accept ? team : undefined);
    } catch (e) {
      setErr(e as ApiError);
    } finally {
      setBusy('');
    }
  };
  return (
    <section className="notice" aria-label="Your invitations">
      <h2>Your invitations</h2>
      <ul className="plain">
        {me.myInvitations.map((i) => (
          <li key={i.team} data-invitation={i.team}>
            <strong>{i.team}</strong> invites you as {i.role.toLowerCase()}.{' '}
            <button type="button" className="small" disabled={busy !== ''} onClick={() => answer(i.team, true)} aria-label={`Accept the invitation to ${i.team}`}>Accept</button>{' '}
            <button type="button" className="small" disabled={busy !== ''} onClick={() => answer(i.team, false)} aria-label={`Decline the invitation to ${i.team}`}>Decline</button>
          </li>
        ))}
      </ul>
      {err && <ErrorNote error={err} what="answer the invitation" />}
    </section>
  );
}

const nav: [string, string][] = [
  ['/', 'Overview'],
  ['/environments', 'Environments'],
  ['/apps', 'Apps'],
  ['/clusters', 'Clusters'],
  ['/devices', 'Devices'],
  ['/policies', 'Policies'],
  ['/audit', 'Audit trail'],
  ['/network', 'Network map'],
  ['/members', 'Members & tokens'],
];

function Page({ path }: { path: string }) {
  let m: Record<string, string> | null;
  const p = path.split('?')[0];
  if (p === '/') return <Overview />;
  if (p === '/environments') return <Environments />;
  if ((m = match('/environments/:name', p))) return <EnvironmentPage name={m.name} />;
  if (p === '/apps') return <AllApps />;
  if ((m = match('/apps/:id', p))) return <AppPage id={m.id} />;
  if (p === '/clusters') return <Clusters />;
  if (p === '/devices') return <Devices />;
  if (p === '/policies') return <Policies />;
  if (p === '/audit') return <Audit />;
  if (p === '/network') return <NetworkMap />;
  if (p === '/members') return <Members />;
  return (
    <section>
      <h1>Not found</h1>
      <p>There is no page at {p}. <Link href="/">Go to the overview</Link>.</p>
    </section>
  );
}

function LiveIndicator() {
  const [s, setS] = useState('off');
  useEffect(() => onLiveStatus(setS), []);
  return <span className={'live ' + s} title={s === 'live' ? 'Live: changes appear as they happen' : 'Not live: reconnecting'}>{s === 'live' ? '● live' : '○ reconnecting'}</span>;
}

// Shell renders at once for a session restored from storage (the page's
// own queries start without waiting for the account); the team list and
// the user's name fill in when `me` arrives.
function Shell({ session, me, setTeam, signOut, invitationAnswered }: {
  session: Session;
  me: MeQuery | null;
  setTeam: (t: string) => void;
  signOut: () => void;
  invitationAnswered: (seq: number, joined?: string) => void;
}) {
  const path = usePath();
  const [menu, setMenu] = useState(false);
  const [members, setMembers] = useState<[string, string][]>([]);
  // The members' names, asked for beside the account (not after it) once
  // the page's own requests have answered.
  useEffect(() => {
    setMembers([]);
    if (!session.team) return;
    return whenIdle(() =>
      gql(MembersDocument, { first: 500 })
        .then((r) => setMembers(r.team?.members.edges.map((e) => [e.node.user.id, e.node.user.displayName || e.node.user.username]) ?? []))
        .catch(() => {}),
    );
  }, [session.team]);
  const names = useMemo(() => new Map<string, string>([...(me ? [[me.me.id, me.me.displayName || me.me.username] as [string, string]] : []), ...members]), [me, members]);
  // The live feed starts with the page, before its queries answer, so no
  // change falls between what a query read and what the feed brings.
  useEffect(() => {
    if (!session.team) return;
    startLive();
    return stopLive;
  }, [session.team, session.token]);
  useEffect(() => setMenu(false), [path]);
  const teams = me ? me.myTeams.edges.map((e) => e.node) : [{ team: { slug: session.team, displayName: session.team }, role: 'MEMBER' as const, since: '' }];
  return (
    <Names.Provider value={names}>
      <a href="#main" className="skip">Skip to content</a>
      <header className="top">
        <Link href="/" className="brand">weft</Link>
        {teams.length > 0 && session.team && (
          <label className="team">
            <span className="sr">Team</span>
            <select aria-label="Team" value={session.team} onChange={(e) => setTeam(e.target.value)}>
              {teams.map((t) => (
                <option key={t.team.slug} value={t.team.slug}>{t.team.displayName}{me ? ` (${t.role.toLowerCase()})` : ''}</option>
              ))}
            </select>
          </label>
        )}
        <LiveIndicator />
        <span className="spacer" />
        <span className="who">{me ? me.me.displayName || me.me.username : ''}</span>
        <button type="button" className="small" onClick={signOut}>Sign out</button>
        <button type="button" className="small menu-toggle" aria-expanded={menu} aria-controls="nav" onClick={() => setMenu(!menu)}>Menu</button>
      </header>
      <div className="layout">
        <nav id="nav" className={menu ? 'open' : ''} aria-label="Pages">
          <ul>
            {nav.map(([href, label]) => {
              const here = href === '/' ? path.split('?')[0] === '/' : path.startsWith(href) || (href === '/apps' && path.startsWith('/apps/'));
              return (
                <li key={href}>
                  <Link href={href} aria-current={here ? 'page' : undefined}>{label}</Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          {me && <MyInvitations me={me} token={session.token} onAnswered={invitationAnswered} />}
          {session.team ? <Page key={session.team} path={path} /> : me ? <CreateTeam onCreated={(slug) => setTeam(slug)} /> : <p role="status">Loading your teams…</p>}
        </main>
      </div>
    </Names.Provider>
  );
}

function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [me, setMe] = useState<MeQuery | null>(null);
  const [reason, setReason] = useState('');
  const [err, setErr] = useState<ApiError | null>(null);

  const apply = (s: Session | null) => {
    saveSession(s);
    useSessionForRequests(s);
    setSession(s);
    if (s?.team) localStorage.setItem('weft.lastTeam', s.team);
  };
  useMemo(() => useSessionForRequests(session), []); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    setUnauthenticatedHandler((msg) => {
      apply(null);
      setMe(null);
      setReason(`You were signed out: the server refused your API token (${msg}). It may have expired or been revoked. Sign in with a valid token.`);
      navigate('/', true);
    });
  }, []);
  // A session restored from storage: check the token and load the teams.
  const reloadMe = (s: Session, minSeq?: number) =>
    gql(MeDocument, { minSeq }, { token: s.token, team: '' }).then(
      (m) => {
        setMe(m);
        setErr(null);
        const teams = m.myTeams.edges.map((x) => x.node.team.slug);
        if (!teams.includes(s.team)) apply({ ...s, team: teams[0] ?? '' });
      },
      (e) => setErr(e),
    );
  useEffect(() => {
    if (session && !me) return whenIdle(() => reloadMe(session));
  }, [session, me]); // eslint-disable-line react-hooks/exhaustive-deps

  if (!session) {
    return (
      <SignIn
        reason={reason}
        onSignedIn={(s, m) => {
          setReason('');
          apply(s);
          setMe(m);
        }}
      />
    );
  }
  if (!me && (err || !session.team)) {
    return (
      <main id="main" className="signin">
        {err ? <ErrorNote error={err} what="load your account" /> : <p role="status">Signing in…</p>}
        {err && <button type="button" onClick={() => reloadMe(session)}>Try again</button>}
      </main>
    );
  }
  return (
    <Shell
      session={session}
      me={me}
      setTeam={(t) => {
        apply({ ...session, team: t });
        reloadMe({ ...session, team: t });
        navigate('/');
      }}
      invitationAnswered={(seq, joined) => {
        // Read back at the answer's sequence, so the team just joined is
        // among the user's teams when the switcher is drawn.
        const next = joined ? { ...session, team: joined } : session;
        if (joined) {
          apply(next);
          navigate('/');
        }
        reloadMe(next, seq);
      }}
      signOut={() => {
        apply(null);
        setMe(null);
        setReason('');
        navigate('/', true);
      }}
    />
  );
}

createRoot(document.getElementById('root')!).render(<App />);
