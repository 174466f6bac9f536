import type {
  ComponentChildren,
  InputHTMLAttributes,
  JSX,
  PartialInputHTMLAttributes,
} from 'preact';
import { useId } from 'preact/hooks';

export interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: 'true';
}

/**
 * A labelled control with its hint and its error messages (as the API wrote them), tied to the
 * control by aria-describedby so a screen reader reads them with it.
 */
export function Field({
  label,
  hint,
  errors,
  optional,
  children,
}: {
  label: string;
  hint?: ComponentChildren;
  errors?: readonly string[];
  optional?: boolean;
  children: (control: ControlProps) => JSX.Element;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const invalid = !!errors && errors.length > 0;
  const describedBy = [invalid ? errorId : null, hint ? hintId : null].filter(Boolean).join(' ');
  return (
    <div class={invalid ? 'field field-invalid' : 'field'}>
      <label class="field-label" for={id}>
        {label}
        {optional && <span class="field-optional"> (optional)</span>}
      </label>
      {children({
        id,
        'aria-describedby': describedBy || undefined,
        'aria-invalid': invalid ? 'true' : undefined,
      })}
      {invalid && (
        <div class="field-error" id={errorId}>
          {errors.map((message) => (
            <p key={message}>{message}</p>
          ))}
        </div>
      )}
      {hint && (
        <p class="field-hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}

export function Checkbox({
  label,
  hint,
  checked,
  onChange,
  disabled,
}: {
  label: string;
  hint?: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div class="checkbox">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(event) => onChange(event.currentTarget.checked)}
      />
      <div>
        <label for={id}>{label}</label>
        {hint && (
          <p class="field-hint" id={`${id}-hint`}>
            {hint}
          </p>
        )}
      </div>
    </div>
  );
}

/**
 * The API names fields in its messages ("expiresAt must be in the future"); show the label the
 * person sees instead ("Expiry date must be in the future"). The rest of the message is the API's.
 */
export function fieldMessages(
  fields: Readonly<Record<string, string[]>>,
  field: string,
  label: string,
): string[] | undefined {
  const messages = fields[field];
  if (!messages || messages.length === 0) return undefined;
  return messages.map((m) => (m.startsWith(`${field} `) ? label + m.slice(field.length) : m));
}

/** Messages for fields that have no control on the form, to show as one alert. */
export function otherMessages(
  fields: Readonly<Record<string, string[]>>,
  shown: readonly string[],
): string[] {
  return Object.entries(fields)
    .filter(([field]) => !shown.includes(field))
    .flatMap(([, messages]) => messages);
}

/** A labelled single-line input; `input` passes further attributes (autoComplete, min…) to it. */
export function TextField({
  label,
  value,
  onValue,
  type = 'text',
  hint,
  errors,
  optional,
  narrow,
  input,
}: {
  label: string;
  value: string;
  onValue: (value: string) => void;
  type?: 'text' | 'email' | 'number' | 'password';
  hint?: ComponentChildren;
  errors?: readonly string[];
  optional?: boolean;
  narrow?: boolean;
  input?: Pick<
    PartialInputHTMLAttributes<HTMLInputElement>,
    | 'autoCapitalize'
    | 'autoComplete'
    | 'autoFocus'
    | 'inputMode'
    | 'max'
    | 'maxLength'
    | 'min'
    | 'placeholder'
    | 'spellcheck'
    | 'step'
  >;
}) {
  return (
    <Field label={label} hint={hint} errors={errors} optional={optional}>
      {(control) => {
        // The attribute types of these input types differ only in the ARIA roles each allows;
        // no role is set here, so the one element serves them all.
        const attributes = {
          ...input,
          ...control,
          class: narrow ? 'input input-narrow' : 'input',
          type,
          value,
          onInput: (event: { currentTarget: HTMLInputElement }) =>
            onValue(event.currentTarget.value),
        } as InputHTMLAttributes<HTMLInputElement>;
        return <input {...attributes} />;
      }}
    </Field>
  );
}

/** A labelled password input: `current` to prove a password, `new` to set one. */
export function PasswordField({
  purpose,
  autoFocus,
  ...field
}: {
  label: string;
  purpose: 'current' | 'new';
  value: string;
  onValue: (value: string) => void;
  hint?: ComponentChildren;
  errors?: readonly string[];
  optional?: boolean;
  autoFocus?: boolean;
  narrow?: boolean;
}) {
  return (
    <TextField
      {...field}
      type="password"
      input={{ autoComplete: `${purpose}-password`, autoFocus }}
    />
  );
}
