// Step-up: when the API answers 403 `reauthentication-required` to a sensitive call, the reader
// types their password (and a code when the account has a factor), and the same call is sent
// again with them in its body (SPEC, "Recent authentication").
import { useState } from 'preact/hooks';
import { currentUser, isStepUpRequired } from './api';
import { strings } from './strings';
import { Button, CodeField, Form, PasswordField, useForm } from './ui';

export interface Proof {
  readonly current_password: string;
  readonly code?: string;
}

type Action = (proof: Proof | undefined) => Promise<void>;

export const useStepUp = () => {
  const [pending, setPending] = useState<Action | undefined>();
  return {
    /** Runs `action`; when the API asks for recent authentication, holds it for the prompt. */
    run: async (action: Action): Promise<void> => {
      try {
        await action(undefined);
      } catch (error) {
        if (!isStepUpRequired(error)) throw error;
        setPending(() => action);
      }
    },
    prompt: pending && <StepUpForm action={pending} done={() => setPending(undefined)} />,
  };
};

const StepUpForm = ({ action, done }: { action: Action; done: () => void }) => {
  const withCode = currentUser()?.mfa_enabled ?? false;
  const form = useForm({ current_password: '', code: '' });
  const t = strings.stepUp;
  return (
    <section class="step-up" aria-labelledby="step-up-title">
      <h2 id="step-up-title">{t.title}</h2>
      <p>{withCode ? t.introWithCode : t.intro}</p>
      <Form
        form={form}
        label="step-up-title"
        onSubmit={async () => {
          const { current_password, code } = form.values;
          await action(withCode ? { current_password, code } : { current_password });
          done();
        }}
      >
        <PasswordField form={form} name="current_password" kind="current" />
        {withCode && <CodeField form={form} name="code" />}
        <div class="actions">
          <Button busy={form.busy}>{strings.buttons.continue}</Button>
          <Button type="button" kind="secondary" onClick={done}>
            {strings.buttons.cancel}
          </Button>
        </div>
      </Form>
    </section>
  );
};
