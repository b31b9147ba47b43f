// Create a user, with a role: the admin's token on POST /users lets `role` through.
import { call, type User } from '../api';
import { navigate } from '../router';
import { strings } from '../strings';
import { EmailField, Field, Form, Page, PasswordField, Submit, useForm } from '../ui';
import { consolePaths } from './paths';
import { RoleField } from './user';

export const NewUser = () => {
  const form = useForm({ name: '', email: '', password: '', role: 'user' });
  return (
    <Page title={strings.console.newUser.title}>
      <Form
        form={form}
        onSubmit={async () => {
          const created = await call<User>('POST', '/users', { body: form.values });
          navigate(consolePaths.user(created.id));
        }}
      >
        <Field form={form} name="name" label={strings.fields.name} autoComplete="off" />
        <EmailField form={form} name="email" autoComplete="off" />
        <PasswordField form={form} name="password" kind="chosen" />
        <RoleField form={form} />
        <Submit form={form}>{strings.console.newUser.create}</Submit>
      </Form>
    </Page>
  );
};
