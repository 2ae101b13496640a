import { ApiError, errorMessage } from '@/api/client';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="status" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

/** Asking again can help after a network error, a 5xx, a timeout or a rate limit; not after a 4xx. */
function retryable(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  return error.status === 0 || error.status >= 500 || error.status === 408 || error.status === 429;
}

/** A failed request, showing the problem's `detail`, with a retry when one makes sense. */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  const retry = retryable(error) ? onRetry : undefined;
  return (
    <div className="error" role="alert">
      <p>{errorMessage(error)}</p>
      {retry && (
        <button type="button" className="secondary" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}
