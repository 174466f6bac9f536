import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { Me } from './api';
import { FolderIcon, KeyIcon, LogOutIcon, ShieldIcon, UsersIcon } from './components/icons';
import { initials } from './format';
import { href } from './router';

function NavLink({
  to,
  current,
  icon,
  children,
}: {
  to: string;
  current: string;
  icon: JSX.Element;
  children: ComponentChildren;
}) {
  const active = current === to || current.startsWith(`${to}/`);
  return (
    <a class="nav-link" href={href(to)} aria-current={active ? 'page' : undefined}>
      {icon}
      <span>{children}</span>
    </a>
  );
}

/** Sidebar (navigation, then the account button at the bottom) and the page. */
export function Shell({
  me,
  path,
  onSignOut,
  children,
}: {
  me: Me;
  path: string;
  onSignOut: () => void;
  children: ComponentChildren;
}) {
  const inAccount = path === '/account' || path === '/tokens';

  // A new route is a new page: focus its title, so a screen reader announces it and Tab
  // continues from the top of the content (not on the first load: focus stays where it is).
  const firstRoute = useRef(true);
  useEffect(() => {
    if (firstRoute.current) {
      firstRoute.current = false;
      return;
    }
    document.querySelector<HTMLElement>('main h1')?.focus({ preventScroll: true });
  }, [path]);

  const displayName = me.name ?? me.username;
  return (
    <div class="app">
      <a class="skip-link" href="#main" onClick={skipToMain}>
        Skip to content
      </a>
      <aside class="sidebar">
        <div class="brand">
          <span class="brand-mark" aria-hidden="true">
            <KeyIcon size={18} />
          </span>
          <span class="brand-name">Access Tokens</span>
        </div>
        <nav class="nav" aria-label="Main">
          <ul class="nav-list">
            <li>
              <NavLink to="/projects" current={path} icon={<FolderIcon />}>
                Projects
              </NavLink>
            </li>
          </ul>
          {me.isAdmin && (
            <>
              <h2 class="nav-heading" id="admin-nav">
                Administration
              </h2>
              <ul class="nav-list" aria-labelledby="admin-nav">
                <li>
                  <NavLink to="/admin/users" current={path} icon={<UsersIcon />}>
                    Users
                  </NavLink>
                </li>
                <li>
                  <NavLink to="/admin/projects" current={path} icon={<FolderIcon />}>
                    All projects
                  </NavLink>
                </li>
                <li>
                  <NavLink to="/admin/token-policy" current={path} icon={<ShieldIcon />}>
                    Token policy
                  </NavLink>
                </li>
              </ul>
            </>
          )}
        </nav>
        <div class="account">
          <a
            class="account-button"
            href={href('/account')}
            aria-current={inAccount ? 'page' : undefined}
            aria-label={`Account settings (${me.username})`}
          >
            <span class="avatar" aria-hidden="true">
              {initials(displayName)}
            </span>
            <span class="account-text" aria-hidden="true">
              <span class="account-name">{displayName}</span>
              <span class="account-sub">Account settings</span>
            </span>
          </a>
          <button
            type="button"
            class="icon-button"
            aria-label="Sign out"
            title="Sign out"
            onClick={onSignOut}
          >
            <LogOutIcon />
          </button>
        </div>
      </aside>
      <main id="main" class="main" tabIndex={-1}>
        <div class="content">{children}</div>
      </main>
    </div>
  );
}

/** Hash routing owns the fragment: move focus to the content without changing the route. */
function skipToMain(event: MouseEvent) {
  event.preventDefault();
  document.querySelector<HTMLElement>('main h1')?.focus();
}
