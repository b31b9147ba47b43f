// What cannot be undone asks first, naming the user: the first press shows the question, the
// second (in it) acts. The question takes the focus so a screen reader reads it out.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { strings } from '../strings';
import { Button } from '../ui';

export const Confirmed = ({
  action,
  question,
  kind = 'danger',
  busy,
  onConfirm,
}: {
  action: string;
  question: ComponentChildren;
  kind?: 'danger' | 'secondary';
  busy: boolean;
  onConfirm: () => Promise<void>;
}) => {
  const [asking, setAsking] = useState(false);
  const prompt = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (asking) prompt.current?.focus();
  }, [asking]);
  if (!asking)
    return (
      <Button type="button" kind={kind} onClick={() => setAsking(true)}>
        {action}
      </Button>
    );
  return (
    <fieldset class="confirm" aria-label={action}>
      <p tabIndex={-1} ref={prompt}>
        {question}
      </p>
      <div class="actions">
        <Button
          type="button"
          kind={kind}
          busy={busy}
          onClick={async () => {
            await onConfirm();
            setAsking(false);
          }}
        >
          {action}
        </Button>
        <Button type="button" kind="secondary" onClick={() => setAsking(false)}>
          {strings.buttons.cancel}
        </Button>
      </div>
    </fieldset>
  );
};
