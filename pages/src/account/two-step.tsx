// Two-step verification: turn it on (QR code and key, then a code), the ten recovery codes shown
// once with copy and download, new codes, turn it off. Each call may ask for step-up first.
import { useEffect, useState } from 'preact/hooks';
import { call, type User, updateUser } from '../api';
import { QrCode } from '../qr';
import { type Proof, useStepUp } from '../step-up';
import { strings } from '../strings';
import { Button, CodeField, Form, Notice, Page, Submit, useForm } from '../ui';

const t = strings.twoStep;

interface Enrolment {
  readonly secret: string;
  readonly otpauth_uri: string;
}

const refreshUser = async (id: string) => updateUser(await call<User>('GET', `/users/${id}`));

export const TwoStep = ({ user }: { user: User }) => {
  const [enrolment, setEnrolment] = useState<Enrolment | undefined>();
  const [codes, setCodes] = useState<readonly string[] | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const stepUp = useStepUp();
  const form = useForm({});

  if (codes) return <RecoveryCodes codes={codes} done={() => setCodes(undefined)} />;
  if (enrolment)
    return (
      <Confirm
        user={user}
        enrolment={enrolment}
        done={(recovery) => {
          setEnrolment(undefined);
          setCodes(recovery);
        }}
      />
    );

  const run = (action: (proof: Proof | undefined) => Promise<void>) => async () => {
    setNotice(undefined);
    await stepUp.run(action);
  };

  return (
    <Page title={t.title}>
      {notice && <Notice>{notice}</Notice>}
      <p>{user.mfa_enabled ? t.on : t.off}</p>
      {stepUp.prompt}
      {!user.mfa_enabled ? (
        <Form
          form={form}
          onSubmit={run(async (proof) => {
            setEnrolment(
              await call<Enrolment>('POST', `/users/${user.id}/mfa/totp`, proof ? { body: proof } : {}),
            );
          })}
        >
          <Submit form={form}>{strings.buttons.turnOnTwoStep}</Submit>
        </Form>
      ) : (
        <ManageFactor
          user={user}
          run={run}
          showCodes={setCodes}
          removed={async () => {
            await refreshUser(user.id);
            setNotice(t.removed);
          }}
        />
      )}
    </Page>
  );
};

const ManageFactor = ({
  user,
  run,
  showCodes,
  removed,
}: {
  user: User;
  run: (action: (proof: Proof | undefined) => Promise<void>) => () => Promise<void>;
  showCodes: (codes: readonly string[]) => void;
  removed: () => Promise<void>;
}) => {
  const renew = useForm({});
  const remove = useForm({});
  return (
    <>
      <Form
        form={renew}
        onSubmit={run(async (proof) => {
          const answer = await call<{ recovery_codes: string[] }>(
            'POST',
            `/users/${user.id}/mfa/recovery-codes`,
            proof ? { body: proof } : {},
          );
          showCodes(answer.recovery_codes);
        })}
      >
        <Submit form={renew} kind="secondary">
          {strings.buttons.newRecoveryCodes}
        </Submit>
      </Form>
      <Form
        form={remove}
        onSubmit={run(async (proof) => {
          await call('DELETE', `/users/${user.id}/mfa/totp`, proof ? { body: proof } : {});
          await removed();
        })}
      >
        <Submit form={remove} kind="danger">
          {strings.buttons.turnOffTwoStep}
        </Submit>
      </Form>
    </>
  );
};

const Confirm = ({
  user,
  enrolment,
  done,
}: {
  user: User;
  enrolment: Enrolment;
  done: (codes: readonly string[]) => void;
}) => {
  const form = useForm({ code: '' });
  const stepUp = useStepUp();
  return (
    <Page title={t.title}>
      <p>{t.scan}</p>
      <QrCode text={enrolment.otpauth_uri} label={t.qrLabel} />
      <p>
        {t.secret}: <code class="secret">{enrolment.secret}</code>
      </p>
      {stepUp.prompt}
      <Form
        form={form}
        onSubmit={() =>
          stepUp.run(async (proof) => {
            const answer = await call<{ recovery_codes: string[] }>(
              'POST',
              `/users/${user.id}/mfa/totp/verify`,
              {
                body: { code: form.values.code.trim(), ...proof },
              },
            );
            await refreshUser(user.id);
            done(answer.recovery_codes);
          })
        }
      >
        <CodeField form={form} name="code" />
        <Submit form={form}>{strings.buttons.verify}</Submit>
      </Form>
    </Page>
  );
};

const RecoveryCodes = ({ codes, done }: { codes: readonly string[]; done: () => void }) => {
  const [copied, setCopied] = useState(false);
  const [download, setDownload] = useState<string | undefined>();
  useEffect(() => {
    const url = URL.createObjectURL(new Blob([`${codes.join('\n')}\n`], { type: 'text/plain' }));
    setDownload(url);
    return () => URL.revokeObjectURL(url);
  }, [codes]);
  return (
    <Page title={t.codesTitle}>
      <p>{t.codesIntro}</p>
      <ul class="codes" aria-label={t.codesTitle}>
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <div class="actions">
        <Button
          type="button"
          kind="secondary"
          onClick={() => {
            navigator.clipboard?.writeText(codes.join('\n')).then(
              () => setCopied(true),
              () => setCopied(false),
            );
          }}
        >
          {strings.buttons.copyCodes}
        </Button>
        {download && (
          <a class="button secondary" href={download} download={t.codesFile}>
            {strings.buttons.downloadCodes}
          </a>
        )}
        <Button type="button" onClick={done}>
          {strings.buttons.done}
        </Button>
      </div>
      {copied && <Notice>{t.copied}</Notice>}
    </Page>
  );
};
