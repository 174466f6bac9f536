import { useState } from 'preact/hooks';
import { api, type TokenPolicy } from '../../api';
import { Field, fieldMessages } from '../../components/field';
import { notify } from '../../components/toasts';
import { Alert, Card, LoadError, Loading, PageHeader } from '../../components/ui';
import { asApiError, useResource } from '../../resource';

export function TokenPolicyPage() {
  const { resource, reload, update } = useResource(api.admin.tokenPolicy, 'admin-token-policy');
  return (
    <>
      <PageHeader
        title="Token policy"
        eyebrow="Administration"
        description="How long a personal access token may live."
      />
      {resource.state === 'loading' && <Loading label="Loading the token policy…" />}
      {resource.state === 'error' && (
        <LoadError error={resource.error} what="token policy" onRetry={() => void reload()} />
      )}
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
  const [busy, setBusy] = useState(false);
  const [fields, setFields] = useState<Record<string, string[]>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const submit = async () => {
    setBusy(true);
    setFields({});
    setFormError(null);
    try {
      const saved = await api.admin.setTokenPolicy(Number(days));
      notify(`Maximum lifetime set to ${saved.maxLifetimeDays} days`);
      onSaved(saved);
    } catch (failure) {
      const error = asApiError(failure);
      setFields(error.fields);
      if (!error.fields.maxLifetimeDays) setFormError(error.message);
      setBusy(false);
    }
  };

  return (
    <Card
      title="Maximum lifetime"
      description="Applies to existing tokens too: lowering it expires longer-lived tokens at once, raising it again restores them."
    >
      <form
        class="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!busy) void submit();
        }}
      >
        {formError && <Alert>{formError}</Alert>}
        <Field
          label="Maximum lifetime (days)"
          hint="Between 1 and 3650 days."
          errors={fieldMessages(fields, 'maxLifetimeDays', 'Maximum lifetime')}
        >
          {(control) => (
            <input
              {...control}
              class="input input-narrow"
              type="number"
              inputMode="numeric"
              min={1}
              max={3650}
              step={1}
              value={days}
              onInput={(event) => setDays(event.currentTarget.value)}
            />
          )}
        </Field>
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
      </form>
    </Card>
  );
}
