// Sign in, for the account pages and the console alike: the password step, then the code step when the account has a second factor, where a
// recovery code may stand in for the app's code.
import { useState } from 'preact/hooks';
import { login, loginWithSecondFactor } from './api';
import { navigate } from './router';
import { strings } from './strings';
import {
  Button,
  CodeField,
  EmailField,
  Field,
  Form,
  Notice,
  Page,
  PasswordField,
  Submit,
  useForm,
} from './ui';

const t = strings.signIn;

const NOTICES: Readonly<Record<string, string>> = {
  ended: t.sessionEnded,
  'password-changed': t.passwordChanged,
  deleted: strings.deleteAccount.done,
};

/**
 * `home`: where a signed-in reader goes. `signUp` and `forgot`: the links under the form, when
 * the app offers them (the console does not).
 */
export const SignIn = ({
  notice,
  home,
  signUp,
  forgot,
}: {
  notice: string | null;
  home: string;
  signUp?: string;
  forgot?: string;
}) => {
  const [challenge, setChallenge] = useState<{ email: string; token: string } | undefined>();
  const form = useForm({ email: '', password: '' });
  if (challenge) return <SecondFactor email={challenge.email} mfaToken={challenge.token} home={home} />;
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
          else navigate(home);
        }}
      >
        <EmailField form={form} name="email" autoComplete="username" />
        <PasswordField form={form} name="password" kind="signIn" />
        <Submit form={form}>{strings.buttons.signIn}</Submit>
      </Form>
      {forgot && (
        <p>
          <a href={forgot}>{t.forgot}</a>
        </p>
      )}
      {signUp && (
        <p>
          {t.noAccount} <a href={signUp}>{t.createAccount}</a>
        </p>
      )}
    </Page>
  );
};

const SecondFactor = ({ email, mfaToken, home }: { email: string; mfaToken: string; home: string }) => {
  const [recovery, setRecovery] = useState(false);
  const form = useForm({ code: '', recovery_code: '' });
  return (
    <Page title={t.codeTitle}>
      <Form
        form={form}
        onSubmit={async () => {
          const { code, recovery_code } = form.values;
          await loginWithSecondFactor(email, mfaToken, recovery ? { recovery_code } : { code });
          navigate(home);
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
