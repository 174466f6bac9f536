import { href } from '../router';

const TABS = [
  { path: '/account', label: 'Profile' },
  { path: '/tokens', label: 'Personal access tokens' },
];

/** Account Settings' sections. */
export function AccountNav({ current }: { current: string }) {
  return (
    <nav class="tabs" aria-label="Account settings">
      {TABS.map((tab) => (
        <a
          key={tab.path}
          class="tab"
          href={href(tab.path)}
          aria-current={tab.path === current ? 'page' : undefined}
        >
          {tab.label}
        </a>
      ))}
    </nav>
  );
}
