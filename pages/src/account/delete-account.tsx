// Delete my account, confirmed with the password (sent as `current_password`, which step-up
// checks; with a factor on, the step-up prompt asks for a code as well).
import { call, forget, type User } from '../api';
import { navigate } from '../router';
import { useStepUp } from '../step-up';
import { strings } from '../strings';
import { Form, Page, PasswordField, Submit, useForm } from '../ui';
import { paths } from './paths';

const t = strings.deleteAccount;

export const DeleteAccount = ({ user }: { user: User }) => {
  const form = useForm({ current_password: '' });
  const stepUp = useStepUp();
  return (
    <Page title={t.title}>
      <p class="warning">{t.warning}</p>
      {stepUp.prompt}
      <Form
        form={form}
        onSubmit={() =>
          stepUp.run(async (proof) => {
            await call('DELETE', `/users/${user.id}`, {
              body: { current_password: form.values.current_password, ...proof },
            });
            forget();
            navigate(`${paths.signIn}?notice=deleted`);
          })
        }
      >
        <PasswordField form={form} name="current_password" kind="current" />
        <Submit form={form} kind="danger">
          {strings.buttons.deleteAccount}
        </Submit>
      </Form>
    </Page>
  );
};
