import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, onPasswordChangeRequired, onSessionEnded, type Me } from './api';
import { ReauthenticatePrompt } from './components/reauthenticate-dialog';
import { Toasts } from './components/toasts';
import { LoadError, Loading, NotFound, PageHeader } from './components/ui';
import { ProjectPage } from './pages/admin/project';
import { ProjectsPage } from './pages/admin/projects';
import { TokenPolicyPage } from './pages/admin/token-policy';
import { UserPage } from './pages/admin/user';
import { UsersPage } from './pages/admin/users';
import { ProfilePage } from './pages/profile';
import { MyProjectsPage } from './pages/projects';
import { SetNewPasswordPage } from './pages/set-new-password';
import { SignInPage } from './pages/sign-in';
import { TokensPage } from './pages/tokens';
import { asApiError, type Resource } from './resource';
import { match, navigate, useHashPath } from './router';
import { Shell } from './shell';

type Session = Resource<Me | null>;

export function App() {
  const path = useHashPath();
  const [session, setSession] = useState<Session>({ state: 'loading' });

  const loadMe = useCallback(async () => {
    try {
      setSession({ state: 'ready', data: await api.me() });
    } catch (failure) {
      const error = asApiError(failure);
      setSession(error.status === 401 ? { state: 'ready', data: null } : { state: 'error', error });
    }
  }, []);

  useEffect(() => {
    onSessionEnded(() => setSession({ state: 'ready', data: null }));
    // GET /me says so, and the page that asks for a new password follows.
    onPasswordChangeRequired(() => void loadMe());
    void loadMe();
  }, [loadMe]);

  useEffect(() => {
    if (path === '/') navigate('/tokens');
  }, [path]);

  const signOut = async () => {
    try {
      await api.signOut();
    } finally {
      setSession({ state: 'ready', data: null });
    }
  };

  let page;
  if (session.state === 'loading') {
    page = <Loading label="Loading…" />;
  } else if (session.state === 'error') {
    page = (
      <main class="main main-plain">
        <LoadError error={session.error} what="app" onRetry={() => void loadMe()} />
      </main>
    );
  } else if (session.data === null) {
    page = <SignInPage onSignedIn={() => void loadMe()} />;
  } else if (session.data.passwordChangeRequired) {
    page = (
      <SetNewPasswordPage
        me={session.data}
        onChanged={() => void loadMe()}
        onSignOut={() => void signOut()}
      />
    );
  } else {
    const me = session.data;
    page = (
      <Shell me={me} path={path} onSignOut={() => void signOut()}>
        <Route path={path} me={me} />
      </Shell>
    );
  }
  return (
    <>
      {page}
      <ReauthenticatePrompt />
      <Toasts />
    </>
  );
}

function Route({ path, me }: { path: string; me: Me }) {
  let params: Record<string, string> | null;
  switch (path) {
    case '/':
    case '/tokens':
      return <TokensPage />;
    case '/account':
      return <ProfilePage me={me} />;
    case '/projects':
      return <MyProjectsPage />;
    case '/admin/users':
      return <UsersPage me={me} />;
    case '/admin/projects':
      return <ProjectsPage />;
    case '/admin/token-policy':
      return <TokenPolicyPage />;
  }
  if ((params = match('/admin/users/:id', path))) {
    return <UserPage key={params.id} userId={params.id} me={me} />;
  }
  if ((params = match('/admin/projects/:id', path))) {
    return <ProjectPage key={params.id} projectId={params.id} />;
  }
  return (
    <>
      <PageHeader title="Page not found" />
      <NotFound />
    </>
  );
}
