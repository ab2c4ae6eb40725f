import { useI18n } from '../i18n/i18n.tsx';
import { ApiError } from './api.ts';
import { problemText } from './field-errors.ts';

/** A page's or a card's problem (a failed action), announced to screen readers; nothing when there is none. */
export function ProblemAlert({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  );
}

/** Why a list failed to load, in the reader's language; nothing while it has not failed. */
export function LoadError({ error }: { error: unknown }) {
  const { t } = useI18n();
  return <ProblemAlert message={error ? problemText(error, t) : null} />;
}

/** Why a page's main list failed to load: "no access" for a refusal, else what went wrong in the server's words. */
export function ListError({ error }: { error: Error | null }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <ProblemAlert
      message={
        error instanceof ApiError && error.status === 403
          ? t('error.forbidden')
          : t('error.generic', { message: error.message })
      }
    />
  );
}
