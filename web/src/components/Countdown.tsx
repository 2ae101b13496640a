import { useEffect, useState } from 'react';

/** The current time, ticking every `ms` while mounted. */
export function useNow(ms = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** 93784 s → "1d 02:03:04"; 125 s → "02:05". */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  const two = (n: number) => String(n).padStart(2, '0');
  const clock = h > 0 || d > 0 ? `${two(h)}:${two(m)}:${two(s % 60)}` : `${two(m)}:${two(s % 60)}`;
  return d > 0 ? `${d}d ${clock}` : clock;
}

/**
 * A live countdown to `to`: "Ends in 04:59". Screen readers get the label and the time without
 * a per-second announcement (role timer is not live by default).
 */
export function Countdown({ to, label, done = 'Ended' }: { to: string; label: string; done?: string }) {
  const now = useNow();
  const left = (Date.parse(to) - now) / 1_000;
  return (
    <span
      className="countdown"
      role="timer"
      aria-label={`${label} ${left > 0 ? formatDuration(left) : done}`}
    >
      {left > 0 ? (
        <>
          {label} <strong>{formatDuration(left)}</strong>
        </>
      ) : (
        done
      )}
    </span>
  );
}
