// The pieces every page is made of: a page with its heading, forms whose fields carry visible
// labels and their own error beside them, buttons that show when they are waiting on the API,
// and the form state that turns an API problem into those errors and moves focus to the first.
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { ApiError, NetworkError } from './api';
import { strings } from './strings';

/** The product's name, as the server wrote it into the page from its configuration. */
export const productName = (): string =>
  document.querySelector('meta[name="application-name"]')?.getAttribute('content') ||
  strings.product.fallbackName;

/** The accent colour from the page's `theme-color` (set through the CSSOM: no inline style). */
export const applyBrand = (): void => {
  const color = document.querySelector('meta[name="theme-color"]')?.getAttribute('content');
  if (color && /^#[0-9a-f]{3,6}$/i.test(color)) document.documentElement.style.setProperty('--accent', color);
};

export const Page = ({ title, children }: { title: string; children: ComponentChildren }) => {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} – ${productName()}`;
    // A new page: its heading takes the focus, so a screen reader announces it.
    heading.current?.focus();
  }, [title]);
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        {title}
      </h1>
      {children}
    </>
  );
};

export type FieldErrors = Readonly<Record<string, string>>;

/** A field the page itself refuses (before or instead of an API call), said beside that field. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** How a form reads the API's problem: field errors by the body's field name, or one message. */
export const describeFailure = (
  error: unknown,
  fields: readonly string[],
): { fieldErrors: FieldErrors; message: string | undefined } => {
  if (error instanceof FieldError)
    return { fieldErrors: { [error.field]: error.message }, message: undefined };
  if (error instanceof NetworkError) return { fieldErrors: {}, message: strings.errors.network };
  if (!(error instanceof ApiError)) return { fieldErrors: {}, message: strings.errors.unexpected };
  if (error.status === 429) return { fieldErrors: {}, message: strings.errors.tooMany(error.retryAfter) };
  const fieldErrors: Record<string, string> = {};
  const elsewhere: string[] = [];
  for (const { path, message } of error.problem?.errors ?? []) {
    const field = path.split('.')[0] ?? path;
    if (fields.includes(field) && !fieldErrors[field]) fieldErrors[field] = message;
    else elsewhere.push(message);
  }
  const message =
    Object.keys(fieldErrors).length > 0 && elsewhere.length === 0
      ? undefined
      : elsewhere.join(' ') || error.problem?.detail || error.problem?.title || strings.errors.unexpected;
  return { fieldErrors, message };
};

export interface FormState<F extends string> {
  readonly values: Readonly<Record<F, string>>;
  readonly set: (field: F) => (event: Event) => void;
  readonly fieldErrors: FieldErrors;
  readonly message: string | undefined;
  readonly busy: boolean;
  readonly formRef: { current: HTMLFormElement | null };
  /** Runs `work` with the button busy; a failure becomes errors, and focus moves to the first. */
  readonly submit: (work: () => Promise<void>) => (event?: Event) => Promise<void>;
  readonly reset: (values?: Partial<Record<F, string>>) => void;
  readonly fail: (error: unknown) => void;
}

export const useForm = <F extends string>(initial: Record<F, string>): FormState<F> => {
  const [values, setValues] = useState(initial);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [failures, setFailures] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  const fields = Object.keys(initial);

  useEffect(() => {
    if (failures === 0) return;
    const form = formRef.current;
    const target =
      form?.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      form?.querySelector<HTMLElement>('.form-error');
    target?.focus();
  }, [failures]);

  const fail = (error: unknown) => {
    const described = describeFailure(error, fields);
    setFieldErrors(described.fieldErrors);
    setMessage(described.message);
    setFailures((count) => count + 1);
  };

  return {
    values,
    set: (field) => (event) => {
      const value = (event.currentTarget as HTMLInputElement).value;
      setValues((current) => ({ ...current, [field]: value }));
    },
    fieldErrors,
    message,
    busy,
    formRef,
    fail,
    reset: (next = {}) => {
      setValues({ ...initial, ...next });
      setFieldErrors({});
      setMessage(undefined);
    },
    submit: (work) => async (event) => {
      event?.preventDefault();
      if (busy) return;
      // Empty required fields are caught here: the reader hears which one at once.
      const missing: Record<string, string> = {};
      for (const input of formRef.current?.querySelectorAll<HTMLInputElement>('input[required]') ?? []) {
        if (input.value.trim() === '')
          missing[input.name] = strings.errors.required(input.dataset.label ?? input.name);
      }
      if (Object.keys(missing).length > 0) {
        setFieldErrors(missing);
        setMessage(undefined);
        setFailures((count) => count + 1);
        return;
      }
      setBusy(true);
      setFieldErrors({});
      setMessage(undefined);
      try {
        await work();
      } catch (error) {
        fail(error);
      } finally {
        setBusy(false);
      }
    },
  };
};

export const Form = <F extends string>({
  form,
  onSubmit,
  label,
  children,
}: {
  form: FormState<F>;
  onSubmit: () => Promise<void>;
  /** The id of the heading that names the form, when a page has several. */
  label?: string;
  children: ComponentChildren;
}) => (
  <form ref={form.formRef} noValidate aria-labelledby={label} onSubmit={form.submit(onSubmit)}>
    {form.message && (
      <p class="form-error" role="alert" tabIndex={-1}>
        {form.message}
      </p>
    )}
    {children}
  </form>
);

export const Field = <F extends string>({
  form,
  name,
  label,
  type = 'text',
  autoComplete,
  hint,
  required = true,
  inputMode,
}: {
  form: FormState<F>;
  name: F;
  label: string;
  type?: 'text' | 'email' | 'password';
  autoComplete: string;
  hint?: string;
  required?: boolean;
  inputMode?: 'numeric' | 'text';
}) => {
  const id = useId();
  const error = form.fieldErrors[name];
  const describedBy = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <input
        id={id}
        name={name}
        // Preact types each input type apart; these three take the same attributes.
        type={type as 'text'}
        autoComplete={autoComplete}
        inputMode={inputMode}
        required={required}
        data-label={label}
        value={form.values[name]}
        onInput={form.set(name)}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy}
      />
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
};

/** A button that calls the API: disabled and marked busy while it waits, its name unchanged. */
export const Button = ({
  busy = false,
  children,
  onClick,
  kind = 'primary',
  type = 'submit',
  describedBy,
}: {
  busy?: boolean;
  children: ComponentChildren;
  onClick?: () => void;
  kind?: 'primary' | 'secondary' | 'danger';
  type?: 'submit' | 'button';
  describedBy?: string;
}) => (
  <button
    type={type}
    class={`button ${kind}${busy ? ' busy' : ''}`}
    aria-disabled={busy ? 'true' : undefined}
    aria-describedby={describedBy}
    onClick={(event) => {
      if (busy) event.preventDefault();
      else onClick?.();
    }}
  >
    {children}
  </button>
);

/** A polite announcement of what just happened ("Saved."). */
export const Notice = ({ children }: { children: ComponentChildren }) => (
  <p class="notice" role="status">
    {children}
  </p>
);

export const formatTime = (iso: string | null): string =>
  iso
    ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
    : strings.time.never;

/** The form's one submit button, in its row. */
export const Submit = <F extends string>({
  form,
  kind = 'primary',
  children,
}: {
  form: FormState<F>;
  kind?: 'primary' | 'secondary' | 'danger';
  children: ComponentChildren;
}) => (
  <div class="actions">
    <Button busy={form.busy} kind={kind}>
      {children}
    </Button>
  </div>
);

const PASSWORDS = {
  current: { label: strings.fields.currentPassword, autoComplete: 'current-password', hint: undefined },
  new: { label: strings.fields.newPassword, autoComplete: 'new-password', hint: strings.signUp.passwordHint },
  /** Signing in: the account's password, which a password manager fills in. */
  signIn: { label: strings.fields.password, autoComplete: 'current-password', hint: undefined },
  /** A password chosen for a new account, by its owner or by an admin. */
  chosen: { label: strings.fields.password, autoComplete: 'new-password', hint: strings.signUp.passwordHint },
} as const;

/** A password field, labelled and hinted for what it is, with what a password manager needs to know. */
export const PasswordField = <F extends string>({
  form,
  name,
  kind,
}: {
  form: FormState<F>;
  name: F;
  kind: keyof typeof PASSWORDS;
}) => {
  const { label, autoComplete, hint } = PASSWORDS[kind];
  return (
    <Field form={form} name={name} label={label} type="password" autoComplete={autoComplete} hint={hint} />
  );
};

/** An email address field; `username` where it signs in, `off` where an admin types someone else's. */
export const EmailField = <F extends string>({
  form,
  name,
  autoComplete = 'email',
  hint,
}: {
  form: FormState<F>;
  name: F;
  autoComplete?: 'email' | 'username' | 'off';
  hint?: string;
}) => (
  <Field
    form={form}
    name={name}
    label={strings.fields.email}
    type="email"
    autoComplete={autoComplete}
    hint={hint}
  />
);

/**
 * A titled section holding one form that saves in place: the notice says it was saved, and goes
 * away when the next save starts, so a second "Saved." is announced again.
 */
export const SavingSection = <F extends string>({
  id,
  title,
  form,
  save,
  children,
}: {
  id: string;
  title: string;
  form: FormState<F>;
  save: () => Promise<void>;
  children: ComponentChildren;
}) => {
  const [saved, setSaved] = useState(false);
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <Form
        form={form}
        label={id}
        onSubmit={async () => {
          setSaved(false);
          await save();
          setSaved(true);
        }}
      >
        {children}
        <Submit form={form}>{strings.buttons.save}</Submit>
        {saved && <Notice>{strings.saved}</Notice>}
      </Form>
    </section>
  );
};

/** The 6-digit code of an authenticator app. */
export const CodeField = <F extends string>({
  form,
  name,
  hint,
}: {
  form: FormState<F>;
  name: F;
  hint?: string;
}) => (
  <Field
    form={form}
    name={name}
    label={strings.fields.code}
    hint={hint}
    autoComplete="one-time-code"
    inputMode="numeric"
  />
);

/** A table's caption and column headings. */
export const TableHead = ({ caption, columns }: { caption: string; columns: readonly string[] }) => (
  <>
    <caption>{caption}</caption>
    <thead>
      <tr>
        {columns.map((column) => (
          <th key={column} scope="col">
            {column}
          </th>
        ))}
      </tr>
    </thead>
  </>
);
