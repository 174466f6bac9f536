import { Checkbox, TextField, fieldMessages } from '../../components/field';
import type { FieldErrors } from '../../components/form';

/** Name and email, both optional: on the new-user form and on a user's profile. */
export function ContactFields({
  name,
  email,
  fields,
  onChange,
}: {
  name: string;
  email: string;
  fields: FieldErrors;
  onChange: (change: { name?: string; email?: string }) => void;
}) {
  return (
    <div class="field-row">
      <TextField
        label="Name"
        optional
        errors={fieldMessages(fields, 'name', 'Name')}
        value={name}
        onValue={(value) => onChange({ name: value })}
      />
      <TextField
        label="Email"
        type="email"
        optional
        errors={fieldMessages(fields, 'email', 'Email')}
        value={email}
        onValue={(value) => onChange({ email: value })}
      />
    </div>
  );
}

/** The two system-wide roles; `ownAdmin` locks the first (nobody removes their own). */
export function AccessFields({
  isAdmin,
  isAuditor,
  ownAdmin = false,
  onChange,
}: {
  isAdmin: boolean;
  isAuditor: boolean;
  ownAdmin?: boolean;
  onChange: (change: { isAdmin?: boolean; isAuditor?: boolean }) => void;
}) {
  return (
    <fieldset class="fieldset">
      <legend class="field-label">Access</legend>
      <Checkbox
        label="System administrator"
        hint={
          ownAdmin
            ? 'You cannot remove your own administrator access.'
            : 'Manages users, projects and the token policy.'
        }
        checked={isAdmin}
        disabled={ownAdmin}
        onChange={(value) => onChange({ isAdmin: value })}
      />
      <Checkbox
        label="Auditor"
        hint="Reads the audit history."
        checked={isAuditor}
        onChange={(value) => onChange({ isAuditor: value })}
      />
    </fieldset>
  );
}
