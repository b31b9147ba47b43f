// Profile: the name, and the email and password changes that ask for the current password. A
// password change ends every session (SPEC), so the reader signs in again with the new one.
import { useEffect, useState } from 'preact/hooks';
import { call, forget, type User, updateUser } from '../api';
import { navigate } from '../router';
import { strings } from '../strings';
import {
  Button,
  EmailField,
  Field,
  Form,
  formatTime,
  Notice,
  Page,
  PasswordField,
  SavingSection,
  Submit,
  useForm,
} from '../ui';
import { paths } from './paths';

const t = strings.profile;

export const Profile = ({ user }: { user: User }) => {
  useEffect(() => {
    call<User>('GET', `/users/${user.id}`).then(updateUser, () => undefined);
  }, [user.id]);
  return (
    <Page title={t.title}>
      <dl class="details">
        <dt>{strings.fields.email}</dt>
        <dd>
          {user.email} <span class="badge">{user.email_verified ? t.verified : t.unverified}</span>
        </dd>
        <dt>{t.lastLogin}</dt>
        <dd>{formatTime(user.last_login)}</dd>
        <dt>{t.memberSince}</dt>
        <dd>{formatTime(user.created_at)}</dd>
      </dl>
      {!user.email_verified && <ResendVerification email={user.email} />}
      <NameForm user={user} />
      <EmailForm user={user} />
      <PasswordForm user={user} />
    </Page>
  );
};

const ResendVerification = ({ email }: { email: string }) => {
  const form = useForm({});
  const [sent, setSent] = useState(false);
  return (
    <Form
      form={form}
      onSubmit={async () => {
        await call('POST', '/email-verification', { body: { email }, auth: false });
        setSent(true);
      }}
    >
      {sent ? (
        <Notice>{t.resent}</Notice>
      ) : (
        <Button kind="secondary" busy={form.busy}>
          {strings.buttons.resendVerification}
        </Button>
      )}
    </Form>
  );
};

const NameForm = ({ user }: { user: User }) => {
  const form = useForm({ name: user.name });
  return (
    <SavingSection
      id="name-title"
      title={t.nameTitle}
      form={form}
      save={async () => {
        updateUser(await call<User>('PATCH', `/users/${user.id}`, { body: { name: form.values.name } }));
      }}
    >
      <Field form={form} name="name" label={strings.fields.name} autoComplete="name" />
    </SavingSection>
  );
};

const EmailForm = ({ user }: { user: User }) => {
  const form = useForm({ email: user.email, current_password: '' });
  return (
    <SavingSection
      id="email-title"
      title={t.emailTitle}
      form={form}
      save={async () => {
        const { email, current_password } = form.values;
        updateUser(await call<User>('PATCH', `/users/${user.id}`, { body: { email, current_password } }));
        form.reset({ email: email.trim().toLowerCase() });
      }}
    >
      <EmailField form={form} name="email" hint={t.emailHint} />
      <PasswordField form={form} name="current_password" kind="current" />
    </SavingSection>
  );
};

const PasswordForm = ({ user }: { user: User }) => {
  const form = useForm({ current_password: '', password: '' });
  return (
    <section aria-labelledby="password-title">
      <h2 id="password-title">{t.passwordTitle}</h2>
      <p>{t.passwordHint}</p>
      <Form
        form={form}
        label="password-title"
        onSubmit={async () => {
          const { current_password, password } = form.values;
          await call('PATCH', `/users/${user.id}`, { body: { password, current_password } });
          // Every session of the user has ended with the change: this one too.
          forget();
          navigate(`${paths.signIn}?notice=password-changed`);
        }}
      >
        <PasswordField form={form} name="current_password" kind="current" />
        <PasswordField form={form} name="password" kind="new" />
        <Submit form={form}>{strings.buttons.save}</Submit>
      </Form>
    </section>
  );
};
