import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from './logger.js';

/** Why the degraded mode is on: switched by the `degraded_mode` flag, or by event-loop pressure. */
export type DegradedReason = 'flag' | 'event_loop';

export interface DegradedState {
  active: boolean;
  reasons: DegradedReason[];
  /** The last event-loop delay sample, in ms (mean over the last sampling interval). */
  eventLoopDelayMs: number;
  /** When the mode last turned on, while it is on. */
  since: Date | null;
}

export interface DegradedModeOptions {
  /** Mean event-loop delay above which the process is under pressure; 0 turns automatic mode off. */
  eventLoopThresholdMs: number;
  /** How long the delay must stay above the threshold before the mode turns on. */
  enterAfterMs: number;
  /** How long the delay must stay below half the threshold before automatic mode turns off again. */
  exitAfterMs: number;
  /** How long deferred work waits before it is tried again. */
  deferMs: number;
  /** How often the event-loop delay is sampled (default 500 ms). */
  sampleIntervalMs?: number;
  metrics?: Registry;
  log?: Logger;
}

/**
 * Hysteresis over event-loop delay samples: pressure starts once every sample for `enterAfterMs`
 * was above the threshold, and ends once every sample for `exitAfterMs` was below half of it.
 * Samples in between keep the current state, so a delay hovering at the threshold does not flap.
 */
export class PressureDetector {
  private pressured = false;
  private highSince: number | null = null;
  private lowSince: number | null = null;

  constructor(
    private readonly opts: Pick<DegradedModeOptions, 'eventLoopThresholdMs' | 'enterAfterMs' | 'exitAfterMs'>,
  ) {}

  get underPressure(): boolean {
    return this.pressured;
  }

  /** Feeds one sample; returns whether the process is under pressure afterwards. */
  observe(delayMs: number, now: number): boolean {
    const { eventLoopThresholdMs: threshold, enterAfterMs, exitAfterMs } = this.opts;
    if (threshold <= 0) return (this.pressured = false);
    if (delayMs > threshold) {
      this.lowSince = null;
      this.highSince ??= now;
      if (!this.pressured && now - this.highSince >= enterAfterMs) this.pressured = true;
    } else if (delayMs < threshold / 2) {
      this.highSince = null;
      this.lowSince ??= now;
      if (this.pressured && now - this.lowSince >= exitAfterMs) this.pressured = false;
    } else {
      this.highSince = null;
      this.lowSince = null;
    }
    return this.pressured;
  }
}

/**
 * The degraded mode: while it is active, non-critical work (search indexing, analytics, marketing
 * email, analytics queries, recommendations) is deferred so that checkout and reservations keep
 * the capacity. It is on when the `degraded_mode` feature flag is on (the flag's owner calls
 * `setFlag`) or when the event loop stays congested (perf_hooks `monitorEventLoopDelay`, with
 * hysteresis).
 *
 * `active()` is a field read: callers may ask on every request or event.
 */
export class DegradedMode {
  private flagOn = false;
  private pressured = false;
  private lastDelayMs = 0;
  private since: Date | null = null;
  private readonly detector: PressureDetector;
  private readonly listeners = new Set<(state: DegradedState) => void>();
  private histogram: IntervalHistogram | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: DegradedModeOptions) {
    this.detector = new PressureDetector(opts);
    if (opts.metrics) {
      const read = () => ({ active: this.active(), flag: this.flagOn, pressure: this.pressured });
      new Gauge({
        name: 'agora_degraded',
        help: 'Whether the degraded mode is active (1: non-critical work is deferred) or not (0)',
        registers: [opts.metrics],
        collect() {
          this.set(read().active ? 1 : 0);
        },
      });
      new Gauge({
        name: 'agora_degraded_reason',
        help: 'Why the degraded mode is active: the degraded_mode flag, or event-loop pressure',
        labelNames: ['reason'],
        registers: [opts.metrics],
        collect() {
          const s = read();
          this.set({ reason: 'flag' }, s.flag ? 1 : 0);
          this.set({ reason: 'event_loop' }, s.pressure ? 1 : 0);
        },
      });
    }
  }

  active(): boolean {
    return this.flagOn || this.pressured;
  }

  state(): DegradedState {
    const reasons: DegradedReason[] = [];
    if (this.flagOn) reasons.push('flag');
    if (this.pressured) reasons.push('event_loop');
    return { active: reasons.length > 0, reasons, eventLoopDelayMs: this.lastDelayMs, since: this.since };
  }

  /** When work deferred now should be tried again. */
  deferUntil(now = Date.now()): Date {
    return new Date(now + this.opts.deferMs);
  }

  /** Set by the owner of the `degraded_mode` flag whenever its value is (re)loaded. */
  setFlag(on: boolean): void {
    this.update(() => (this.flagOn = on));
  }

  /** Feeds one event-loop delay sample (what the sampling timer does; tests call it directly). */
  observe(delayMs: number, now = Date.now()): void {
    this.lastDelayMs = delayMs;
    this.update(() => (this.pressured = this.detector.observe(delayMs, now)));
  }

  /** Called on every change of `active()`. Returns a function that unsubscribes. */
  onChange(listener: (state: DegradedState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts sampling the event loop (no-op when automatic mode is off). */
  start(): void {
    if (this.timer || this.opts.eventLoopThresholdMs <= 0) return;
    const resolution = 10;
    const histogram = monitorEventLoopDelay({ resolution });
    histogram.enable();
    this.histogram = histogram;
    const interval = this.opts.sampleIntervalMs ?? 500;
    let last = performance.now();
    this.timer = setInterval(() => {
      // Mean of the interval's samples, minus the sampling resolution itself (as under-pressure
      // does). The histogram drops its first tick after a reset, so a loop stalled for longer than
      // the interval leaves it empty; this timer's own lateness covers that case.
      const now = performance.now();
      const late = now - last - interval;
      last = now;
      const mean = Number.isNaN(histogram.mean) ? 0 : histogram.mean / 1e6 - resolution;
      histogram.reset();
      this.observe(Math.max(0, mean, late));
    }, interval);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.histogram?.disable();
    this.histogram = null;
  }

  private update(change: () => void): void {
    const before = this.active();
    change();
    const after = this.active();
    if (before === after) return;
    this.since = after ? new Date() : null;
    const state = this.state();
    const detail = { reasons: state.reasons, eventLoopDelayMs: Math.round(state.eventLoopDelayMs) };
    if (after) this.opts.log?.warn(detail, 'degraded mode on: deferring non-critical work');
    else this.opts.log?.info(detail, 'degraded mode off');
    for (const listener of this.listeners) listener(state);
  }
}
