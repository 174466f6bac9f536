import { useState } from 'preact/hooks';
import { api, type TokenPolicy } from '../../api';
import { TextField, fieldMessages } from '../../components/field';
import { Form, useSubmission } from '../../components/form';
import { notify } from '../../components/toasts';
import { Alert, Card, PageHeader, Pending } from '../../components/ui';
import { useResource } from '../../resource';

export function TokenPolicyPage() {
  const { resource, reload, update } = useResource(api.admin.tokenPolicy, 'admin-token-policy');
  return (
    <>
      <PageHeader
        title="Token policy"
        eyebrow="Administration"
        description="How long a personal access token may live."
      />
      <Pending
        resource={resource}
        loading="Loading the token policy…"
        what="token policy"
        onRetry={reload}
      />
      {resource.state === 'ready' && (
        <PolicyForm
          key={resource.data.maxLifetimeDays}
          policy={resource.data}
          onSaved={(policy) => update(() => policy)}
        />
      )}
    </>
  );
}

function PolicyForm({
  policy,
  onSaved,
}: {
  policy: TokenPolicy;
  onSaved: (policy: TokenPolicy) => void;
}) {
  const [days, setDays] = useState(String(policy.maxLifetimeDays));
  const { busy, fields, formError, run } = useSubmission({ shown: ['maxLifetimeDays'] });

  const submit = () =>
    run(async () => {
      const saved = await api.admin.setTokenPolicy(Number(days));
      notify(`Maximum lifetime set to ${saved.maxLifetimeDays} days`);
      onSaved(saved);
    });

  return (
    <Card
      title="Maximum lifetime"
      description="Applies to existing tokens too: lowering it expires longer-lived tokens at once, raising it again restores them."
    >
      <Form class="form" disabled={busy} onSubmit={submit}>
        {formError && <Alert>{formError}</Alert>}
        <TextField
          label="Maximum lifetime (days)"
          hint="Between 1 and 3650 days."
          errors={fieldMessages(fields, 'maxLifetimeDays', 'Maximum lifetime')}
          type="number"
          value={days}
          onValue={setDays}
          narrow
          input={{ inputMode: 'numeric', min: 1, max: 3650, step: 1 }}
        />
        <p class="muted">
          People choosing an expiry see{' '}
          {policy.presets.length > 0
            ? `${policy.presets.join(', ')} days`
            : 'no presets (the maximum is under 7 days)'}{' '}
          and a custom date up to {policy.maxLifetimeDays} days ahead.
        </p>
        <div class="form-actions">
          <button
            type="submit"
            class="button button-primary"
            disabled={busy || days === String(policy.maxLifetimeDays)}
          >
            {busy ? 'Saving…' : 'Save policy'}
          </button>
        </div>
      </Form>
    </Card>
  );
}
