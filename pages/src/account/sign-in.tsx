// Sign in: the password step, then the code step when the account has a second factor, where a
// recovery code may stand in for the app's code.
import { useState } from 'preact/hooks';
import { login, loginWithSecondFactor } from '../api';
import { navigate } from '../router';
import { strings } from '../strings';
import { Button, CodeField, Field, Form, Notice, Page, Submit, useForm } from '../ui';
import { paths } from './paths';

const t = strings.signIn;

const NOTICES: Readonly<Record<string, string>> = {
  ended: t.sessionEnded,
  'password-changed': t.passwordChanged,
  deleted: strings.deleteAccount.done,
};

export const SignIn = ({ notice }: { notice: string | null }) => {
  const [challenge, setChallenge] = useState<{ email: string; token: string } | undefined>();
  const form = useForm({ email: '', password: '' });
  if (challenge) return <SecondFactor email={challenge.email} mfaToken={challenge.token} />;
  const message = notice ? NOTICES[notice] : undefined;
  return (
    <Page title={t.title}>
      {message && <Notice>{message}</Notice>}
      <Form
        form={form}
        onSubmit={async () => {
          const { email, password } = form.values;
          const step = await login(email, password);
          if (step) setChallenge({ email, token: step.mfa_token });
          else navigate(paths.profile);
        }}
      >
        <Field form={form} name="email" label={strings.fields.email} type="email" autoComplete="username" />
        <Field
          form={form}
          name="password"
          label={strings.fields.password}
          type="password"
          autoComplete="current-password"
        />
        <Submit form={form}>{strings.buttons.signIn}</Submit>
      </Form>
      <p>
        <a href={paths.forgot}>{t.forgot}</a>
      </p>
      <p>
        {t.noAccount} <a href={paths.signUp}>{t.createAccount}</a>
      </p>
    </Page>
  );
};

const SecondFactor = ({ email, mfaToken }: { email: string; mfaToken: string }) => {
  const [recovery, setRecovery] = useState(false);
  const form = useForm({ code: '', recovery_code: '' });
  return (
    <Page title={t.codeTitle}>
      <Form
        form={form}
        onSubmit={async () => {
          const { code, recovery_code } = form.values;
          await loginWithSecondFactor(email, mfaToken, recovery ? { recovery_code } : { code });
          navigate(paths.profile);
        }}
      >
        {recovery ? (
          <Field
            form={form}
            name="recovery_code"
            label={strings.fields.recoveryCode}
            hint={t.recoveryHint}
            autoComplete="off"
          />
        ) : (
          <CodeField form={form} name="code" hint={t.codeHint} />
        )}
        <div class="actions">
          <Button busy={form.busy}>{strings.buttons.continue}</Button>
          <Button
            type="button"
            kind="secondary"
            onClick={() => {
              setRecovery(!recovery);
              form.reset();
            }}
          >
            {recovery ? strings.buttons.useCode : strings.buttons.useRecoveryCode}
          </Button>
        </div>
      </Form>
    </Page>
  );
};
