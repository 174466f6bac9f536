import { ROLE_LABELS, type Me } from '../api';
import { Badge, Card, PageHeader } from '../components/ui';
import { AccountNav } from './account-nav';
import { ChangePasswordCard } from './change-password';

/** Account Settings → Profile: who you are signed in as. */
export function ProfilePage({ me }: { me: Me }) {
  return (
    <>
      <PageHeader title="Account settings" />
      <AccountNav current="/account" />
      <div class="stack">
        <Card title="Your details" description="Your administrator manages these details.">
          <dl class="details">
            <div>
              <dt>Username</dt>
              <dd>{me.username}</dd>
            </div>
            <div>
              <dt>Name</dt>
              <dd>{me.name ?? <span class="muted">Not set</span>}</dd>
            </div>
            <div>
              <dt>Email</dt>
              <dd>{me.email ?? <span class="muted">Not set</span>}</dd>
            </div>
            <div>
              <dt>Access</dt>
              <dd class="badges">
                {me.isAdmin && <Badge tone="accent">System administrator</Badge>}
                {me.isAuditor && <Badge tone="accent">Auditor</Badge>}
                {!me.isAdmin && !me.isAuditor && 'Member'}
              </dd>
            </div>
          </dl>
        </Card>
        <Card title="Projects" description="Your role in each project you belong to." flush>
          {me.projects.length === 0 ? (
            <p class="card-empty">You're not a member of any project yet.</p>
          ) : (
            <table class="table">
              <caption class="visually-hidden">Your projects</caption>
              <thead>
                <tr>
                  <th scope="col">Project</th>
                  <th scope="col">Your role</th>
                </tr>
              </thead>
              <tbody>
                {me.projects.map((project) => (
                  <tr key={project.id}>
                    <th scope="row">{project.name}</th>
                    <td>{ROLE_LABELS[project.role]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        {me.authMethod === 'session' && <ChangePasswordCard />}
      </div>
    </>
  );
}
