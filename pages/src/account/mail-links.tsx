// The anonymous pages: sign up, forgot password, and the two pages the mailed links open. Those
// two act only when the reader presses the button, so a link scanner that opens them spends nothing.
import { useState } from 'preact/hooks';
import { call, currentUser, type User, updateUser } from '../api';
import { strings } from '../strings';
import { EmailField, Field, Form, Notice, Page, PasswordField, Submit, useForm } from '../ui';
import { paths } from './paths';

export const SignUp = () => {
  const t = strings.signUp;
  const [done, setDone] = useState<string | undefined>();
  const form = useForm({ name: '', email: '', password: '' });
  if (done)
    return (
      <Page title={t.doneTitle}>
        <Notice>{t.done(done)}</Notice>
        <p>
          <a href={paths.signIn}>{strings.buttons.signIn}</a>
        </p>
      </Page>
    );
  return (
    <Page title={t.title}>
      <Form
        form={form}
        onSubmit={async () => {
          await call('POST', '/users', { body: form.values, auth: false });
          setDone(form.values.email.trim());
        }}
      >
        <Field form={form} name="name" label={strings.fields.name} autoComplete="name" />
        <EmailField form={form} name="email" />
        <PasswordField form={form} name="password" kind="chosen" />
        <Submit form={form}>{strings.buttons.signUp}</Submit>
      </Form>
      <p>
        {t.haveAccount} <a href={paths.signIn}>{strings.buttons.signIn}</a>
      </p>
    </Page>
  );
};

export const ForgotPassword = () => {
  const t = strings.forgot;
  const [done, setDone] = useState<string | undefined>();
  const form = useForm({ email: '' });
  return (
    <Page title={t.title}>
      {done ? (
        <Notice>{t.done(done)}</Notice>
      ) : (
        <Form
          form={form}
          onSubmit={async () => {
            await call('POST', '/password-reset', { body: form.values, auth: false });
            setDone(form.values.email.trim());
          }}
        >
          <p>{t.intro}</p>
          <EmailField form={form} name="email" />
          <Submit form={form}>{strings.buttons.sendResetLink}</Submit>
        </Form>
      )}
      <p>
        <a href={paths.signIn}>{t.back}</a>
      </p>
    </Page>
  );
};

export const VerifyEmail = ({ token }: { token: string | null }) => {
  const t = strings.verify;
  const [done, setDone] = useState(false);
  const form = useForm({});
  return (
    <Page title={t.title}>
      {!token ? (
        <p>{t.missing}</p>
      ) : done ? (
        <>
          <Notice>{t.done}</Notice>
          <p>
            <a href={currentUser() ? paths.profile : paths.signIn}>
              {currentUser() ? strings.nav.profile : strings.buttons.signIn}
            </a>
          </p>
        </>
      ) : (
        <Form
          form={form}
          onSubmit={async () => {
            const user = await call<User>('POST', '/email-verification/confirm', {
              body: { token },
              auth: false,
            });
            if (user.id === currentUser()?.id) updateUser(user);
            setDone(true);
          }}
        >
          <p>{t.intro}</p>
          <Submit form={form}>{strings.buttons.confirmAddress}</Submit>
        </Form>
      )}
    </Page>
  );
};

export const ResetPassword = ({ token }: { token: string | null }) => {
  const t = strings.reset;
  const [done, setDone] = useState(false);
  const form = useForm({ password: '' });
  return (
    <Page title={t.title}>
      {!token ? (
        <p>{strings.verify.missing}</p>
      ) : done ? (
        <>
          <Notice>{t.done}</Notice>
          <p>
            <a href={paths.signIn}>{t.signIn}</a>
          </p>
        </>
      ) : (
        <Form
          form={form}
          onSubmit={async () => {
            await call('POST', '/password-reset/confirm', {
              body: { token, password: form.values.password },
              auth: false,
            });
            setDone(true);
          }}
        >
          <PasswordField form={form} name="password" kind="new" />
          <Submit form={form}>{strings.buttons.setPassword}</Submit>
        </Form>
      )}
    </Page>
  );
};
