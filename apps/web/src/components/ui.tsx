import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useId } from 'preact/hooks';
import type { ApiError } from '../api';
import type { Resource } from '../resource';
import { href } from '../router';
import { AlertIcon, LockIcon } from './icons';

export type Tone = 'success' | 'neutral' | 'danger' | 'warning' | 'accent';

/** A status with colour and text: the text alone carries the meaning. */
export function Badge({ tone, children }: { tone: Tone; children: ComponentChildren }) {
  return (
    <span class={`badge badge-${tone}`}>
      <span class="badge-dot" aria-hidden="true" />
      {children}
    </span>
  );
}

/** The page's title (the shell moves focus to it when the route changes). */
export function PageHeader({
  title,
  description,
  actions,
  eyebrow,
}: {
  title: string;
  description?: ComponentChildren;
  actions?: ComponentChildren;
  eyebrow?: ComponentChildren;
}) {
  useEffect(() => {
    document.title = `${title} · Access Tokens`;
  }, [title]);
  return (
    <header class="page-header">
      <div>
        {eyebrow && <div class="page-eyebrow">{eyebrow}</div>}
        <h1 tabIndex={-1}>{title}</h1>
        {description && <p class="page-description">{description}</p>}
      </div>
      {actions && <div class="page-actions">{actions}</div>}
    </header>
  );
}

export function Loading({ label }: { label: string }) {
  return (
    <div class="state state-loading" role="status">
      <span class="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export function EmptyState({
  icon,
  title,
  children,
}: {
  icon: JSX.Element;
  title: string;
  children?: ComponentChildren;
}) {
  return (
    <div class="state state-empty">
      <div class="state-icon" aria-hidden="true">
        {icon}
      </div>
      <p class="state-title">{title}</p>
      {children && <p class="state-body">{children}</p>}
    </div>
  );
}

export function NoAccess() {
  return (
    <div class="state state-blocked" role="alert">
      <div class="state-icon" aria-hidden="true">
        <LockIcon size={22} />
      </div>
      <h2 class="state-title">You don't have access</h2>
      <p class="state-body">
        This page is for system administrators. Ask an administrator if you need access.
      </p>
      <a class="button button-secondary" href={href('/tokens')}>
        Go to your tokens
      </a>
    </div>
  );
}

export function NotFound({ what = 'page' }: { what?: string }) {
  return (
    <div class="state state-empty" role="alert">
      <h2 class="state-title">This {what} doesn't exist</h2>
      <p class="state-body">It may have been deleted, or the link is wrong.</p>
    </div>
  );
}

/** Failed loads: 403 and 404 get their own states, the rest a message and a retry. */
export function LoadError({
  error,
  what,
  onRetry,
}: {
  error: ApiError;
  what: string;
  onRetry: () => void;
}) {
  if (error.status === 403) return <NoAccess />;
  if (error.status === 404) return <NotFound what={what} />;
  return (
    <div class="state state-error" role="alert">
      <div class="state-icon" aria-hidden="true">
        <AlertIcon size={22} />
      </div>
      <h2 class="state-title">Couldn't load the {what}</h2>
      <p class="state-body">{error.message}</p>
      <button type="button" class="button button-secondary" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}

/** A resource's loading and failed states, in its place on the page; nothing once it is ready. */
export function Pending({
  resource,
  loading,
  what,
  onRetry,
}: {
  resource: Resource<unknown>;
  loading: string;
  what: string;
  onRetry: () => unknown;
}) {
  if (resource.state === 'loading') return <Loading label={loading} />;
  if (resource.state === 'error') {
    return <LoadError error={resource.error} what={what} onRetry={() => void onRetry()} />;
  }
  return null;
}

/** The header of a table's last column, whose buttons act on their row. */
export function ActionsHeader() {
  return (
    <th scope="col">
      <span class="visually-hidden">Actions</span>
    </th>
  );
}

/** A row's destructive action: an icon, its name for screen readers, a tooltip. */
export function DangerIconButton({
  label,
  title,
  onClick,
  children,
}: {
  label: string;
  title: string;
  onClick: () => void;
  children: JSX.Element;
}) {
  return (
    <button
      type="button"
      class="icon-button icon-button-danger"
      aria-label={label}
      title={title}
      onClick={onClick}
    >
      {children}
    </button>
  );
}

/** A row's first cell for a person: the username, linked to their page, and their name. */
export function UserCell({
  user,
}: {
  user: { id: string; username: string; name: string | null };
}) {
  return (
    <th scope="row" class="cell-name">
      <a class="row-link" href={href(`/admin/users/${user.id}`)}>
        {user.username}
      </a>
      {user.name && <div class="cell-sub">{user.name}</div>}
    </th>
  );
}

/** A message about a whole form or action (not one field). */
export function Alert({ children }: { children: ComponentChildren }) {
  return (
    <div class="alert" role="alert">
      <AlertIcon />
      <div>{children}</div>
    </div>
  );
}

export function Card({
  title,
  description,
  actions,
  children,
  flush,
}: {
  title?: string;
  description?: ComponentChildren;
  actions?: ComponentChildren;
  children: ComponentChildren;
  flush?: boolean;
}) {
  const titleId = useId();
  return (
    <section class="card" aria-labelledby={title ? titleId : undefined}>
      {title && (
        <header class="card-header">
          <div>
            <h2 id={titleId} class="card-title">
              {title}
            </h2>
            {description && <p class="card-description">{description}</p>}
          </div>
          {actions}
        </header>
      )}
      <div class={flush ? 'card-body card-body-flush' : 'card-body'}>{children}</div>
    </section>
  );
}
