import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type CreatedToken, type NewToken, type Token, type TokenPolicy } from '../api';
import { ConfirmDialog, Dialog } from '../components/dialog';
import { Field, TextField, fieldMessages } from '../components/field';
import { DialogForm, useSubmission } from '../components/form';
import { CheckIcon, CopyIcon, KeyIcon, PlusIcon } from '../components/icons';
import { RevokeTokenDialog } from '../components/revoke-token-dialog';
import { TokenTable } from '../components/token-table';
import { EmptyState, PageHeader, Pending } from '../components/ui';
import {
  addDays,
  dateInputToInstant,
  formatDate,
  formatLongDate,
  toDateInputValue,
} from '../format';
import { useResource } from '../resource';
import { AccountNav } from './account-nav';

/** Account Settings → Personal access tokens. */
export function TokensPage() {
  const { resource, reload, update } = useResource(api.myTokens, 'my-tokens');
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);

  const replace = (token: Token) =>
    update((tokens) => tokens.map((t) => (t.id === token.id ? token : t)));

  return (
    <>
      <PageHeader title="Account settings" />
      <AccountNav current="/tokens" />
      <section class="section" aria-labelledby="tokens-heading">
        <header class="section-header">
          <div>
            <h2 id="tokens-heading" class="section-title">
              Personal access tokens
            </h2>
            <p class="section-description">
              Tokens let scripts and tools call the API as you, with your current permissions. Treat
              them like passwords.
            </p>
          </div>
          <button type="button" class="button button-primary" onClick={() => setCreating(true)}>
            <PlusIcon />
            Create token
          </button>
        </header>

        {created && <NewTokenPanel token={created} onDone={() => setCreated(null)} />}

        <Pending resource={resource} loading="Loading tokens…" what="tokens" onRetry={reload} />
        {resource.state === 'ready' &&
          (resource.data.length === 0 ? (
            <div class="card">
              <EmptyState icon={<KeyIcon size={22} />} title="No tokens yet">
                Create a token to call the API from a script, a CI job or an AI assistant.
              </EmptyState>
            </div>
          ) : (
            <div class="card">
              <TokenTable
                tokens={resource.data}
                caption="Your personal access tokens"
                onRevoke={setRevoking}
              />
            </div>
          ))}
      </section>

      {creating && (
        <CreateTokenDialog
          onClose={() => setCreating(false)}
          onCreated={(token) => {
            const { token: _secret, ...view } = token;
            update((tokens) => [view, ...tokens]);
            setCreated(token);
            setCreating(false);
          }}
        />
      )}
      {revoking && (
        <RevokeTokenDialog
          token={revoking}
          revoke={api.revokeMyToken}
          onClose={() => setRevoking(null)}
          onRevoked={(token) => {
            replace(token);
            setRevoking(null);
          }}
        />
      )}
    </>
  );
}

const CUSTOM = 'custom';
const TOKEN_FIELDS = ['name', 'expiresInDays', 'expiresAt'];

function CreateTokenDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (token: CreatedToken) => void;
}) {
  const { resource: policy, reload } = useResource(api.tokenPolicy, 'token-policy');
  return (
    <Dialog
      title="Create a personal access token"
      description="The token acts as you. You'll see it once, right after you create it."
      onClose={onClose}
    >
      {policy.state === 'ready' ? (
        <CreateTokenForm policy={policy.data} onClose={onClose} onCreated={onCreated} />
      ) : (
        <>
          <div class="dialog-body">
            <Pending
              resource={policy}
              loading="Loading the token policy…"
              what="token policy"
              onRetry={reload}
            />
          </div>
          <footer class="dialog-footer">
            <button type="button" class="button button-secondary" onClick={onClose}>
              Cancel
            </button>
          </footer>
        </>
      )}
    </Dialog>
  );
}

function CreateTokenForm({
  policy,
  onClose,
  onCreated,
}: {
  policy: TokenPolicy;
  onClose: () => void;
  onCreated: (token: CreatedToken) => void;
}) {
  const defaultChoice = policy.presets.includes(30)
    ? '30'
    : policy.presets.length > 0
      ? String(policy.presets[policy.presets.length - 1])
      : CUSTOM;
  const [name, setName] = useState('');
  const [choice, setChoice] = useState(defaultChoice);
  const [date, setDate] = useState('');
  const { busy, fields, formError, refuse, run, setFields } = useSubmission({
    shown: TOKEN_FIELDS,
  });

  const today = new Date();
  const minDate = toDateInputValue(addDays(today, 1));
  const maxDate = toDateInputValue(addDays(today, policy.maxLifetimeDays));
  const custom = choice === CUSTOM;
  const expiry = custom ? dateInputToInstant(date) : addDays(today, Number(choice));

  const submit = async () => {
    const lifetime = custom ? dateInputToInstant(date) : null;
    if (custom && !lifetime) {
      refuse({ expiresAt: ['Choose an expiry date'] });
      return;
    }
    const body: NewToken = lifetime
      ? { name, expiresAt: lifetime.toISOString() }
      : { name, expiresInDays: Number(choice) };
    await run(async () => onCreated(await api.createToken(body)));
  };

  // A lifetime message belongs next to the control the person used.
  const lifetimeErrors = [
    ...(fieldMessages(fields, 'expiresInDays', 'Expiry') ?? []),
    ...(fieldMessages(fields, 'expiresAt', 'Expiry date') ?? []),
  ];

  return (
    <DialogForm
      busy={busy}
      formError={formError}
      submitLabel="Create token"
      busyLabel="Creating…"
      onSubmit={submit}
      onCancel={onClose}
    >
      <TextField
        label="Name"
        hint="What is this token for? For example ci-deploy or laptop-cli."
        errors={fieldMessages(fields, 'name', 'Name')}
        value={name}
        onValue={setName}
        input={{
          placeholder: 'ci-deploy',
          autoComplete: 'off',
          spellcheck: false,
          maxLength: 100,
          autoFocus: true,
        }}
      />
      <Field
        label="Expires in"
        hint={
          !custom && expiry
            ? `Expires on ${formatLongDate(expiry)}. Your organisation allows at most ${policy.maxLifetimeDays} days.`
            : `Your organisation allows at most ${policy.maxLifetimeDays} days.`
        }
        errors={custom ? undefined : lifetimeErrors.length ? lifetimeErrors : undefined}
      >
        {(control) => (
          <select
            {...control}
            class="input select"
            value={choice}
            onChange={(event) => {
              setChoice(event.currentTarget.value);
              setFields({});
            }}
          >
            {policy.presets.map((days) => (
              <option key={days} value={String(days)}>
                {days} days
              </option>
            ))}
            <option value={CUSTOM}>Custom date…</option>
          </select>
        )}
      </Field>
      {custom && (
        <Field
          label="Expiry date"
          hint={`Between ${formatDate(addDays(today, 1))} and ${formatDate(addDays(today, policy.maxLifetimeDays))}.`}
          errors={lifetimeErrors.length ? lifetimeErrors : undefined}
        >
          {(control) => (
            <input
              {...control}
              type="date"
              class="input input-date"
              min={minDate}
              max={maxDate}
              value={date}
              onInput={(event) => setDate(event.currentTarget.value)}
            />
          )}
        </Field>
      )}
    </DialogForm>
  );
}

/** The token, once: copy it now, it cannot be retrieved again. */
function NewTokenPanel({ token, onDone }: { token: CreatedToken; onDone: () => void }) {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  /** Copied at least once, with the button or the keyboard: "Done" needs no confirmation. */
  const [kept, setKept] = useState(false);
  const copyButton = useRef<HTMLButtonElement>(null);
  const [confirmingDone, setConfirmingDone] = useState(false);

  useEffect(() => copyButton.current?.focus(), []);
  useEffect(() => {
    if (copied !== 'yes') return;
    const timer = setTimeout(() => setCopied('no'), 2500);
    return () => clearTimeout(timer);
  }, [copied]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token.token);
      setCopied('yes');
      setKept(true);
    } catch {
      setCopied('failed');
    }
  };

  return (
    <section class="new-token" aria-labelledby="new-token-heading">
      <div class="new-token-icon" aria-hidden="true">
        <CheckIcon size={20} />
      </div>
      <div class="new-token-content">
        <div class="new-token-header">
          <div>
            <h3 id="new-token-heading" class="new-token-title">
              Copy your new token
            </h3>
            <p class="new-token-warning">
              Token <strong>{token.name}</strong> is ready. Copy it now and store it somewhere safe:
              you won't be able to see it again.
            </p>
          </div>
          <button
            type="button"
            class="button button-ghost"
            onClick={() => (kept ? onDone() : setConfirmingDone(true))}
          >
            Done
          </button>
        </div>
        <div class="copy-field">
          <label class="visually-hidden" for="new-token-value">
            New token {token.name}
          </label>
          <input
            id="new-token-value"
            class="input input-mono"
            type="text"
            readOnly
            value={token.token}
            spellcheck={false}
            onFocus={(event) => event.currentTarget.select()}
            onCopy={() => setKept(true)}
          />
          <button
            ref={copyButton}
            type="button"
            class={copied === 'yes' ? 'button button-success' : 'button button-secondary'}
            aria-label="Copy token"
            onClick={() => void copy()}
          >
            {copied === 'yes' ? <CheckIcon /> : <CopyIcon />}
            {copied === 'yes' ? 'Copied' : 'Copy'}
          </button>
        </div>
        <p class="copy-status" role="status">
          {copied === 'yes' && 'Token copied to the clipboard.'}
          {copied === 'failed' &&
            "Couldn't copy automatically: select the token and copy it with your keyboard."}
        </p>
      </div>
      {confirmingDone && (
        <ConfirmDialog
          title="Hide the token?"
          confirmLabel="Hide token"
          busyLabel="Hiding…"
          onClose={() => setConfirmingDone(false)}
          onConfirm={async () => onDone()}
        >
          <p>You haven't copied it yet. Once hidden, it can't be shown again.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
