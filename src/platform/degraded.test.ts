import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { DegradedMode, PressureDetector, type DegradedState } from './degraded.js';

const opts = { eventLoopThresholdMs: 100, enterAfterMs: 3_000, exitAfterMs: 10_000 };

describe('event-loop pressure detection', () => {
  it('turns on only after the delay stayed above the threshold for the whole enter period', () => {
    const d = new PressureDetector(opts);
    expect(d.observe(500, 0)).toBe(false);
    expect(d.observe(500, 2_000)).toBe(false);
    expect(d.observe(500, 2_999)).toBe(false);
    expect(d.observe(500, 3_000)).toBe(true);
  });

  it('ignores a short spike: one calm sample restarts the count', () => {
    const d = new PressureDetector(opts);
    d.observe(500, 0);
    d.observe(500, 2_500);
    d.observe(20, 2_600);
    expect(d.observe(500, 3_000)).toBe(false);
    expect(d.observe(500, 5_900)).toBe(false);
    expect(d.observe(500, 6_000)).toBe(true);
  });

  it('clears with hysteresis: only after the delay stayed below half the threshold for the exit period', () => {
    const d = new PressureDetector(opts);
    d.observe(500, 0);
    expect(d.observe(500, 3_000)).toBe(true);
    // between half the threshold and the threshold: neither calm nor pressured, the state holds
    expect(d.observe(80, 4_000)).toBe(true);
    expect(d.observe(80, 30_000)).toBe(true);
    expect(d.observe(10, 31_000)).toBe(true);
    expect(d.observe(10, 40_000)).toBe(true);
    expect(d.observe(10, 41_000)).toBe(false);
  });

  it('never turns on when the threshold is 0 (automatic mode off)', () => {
    const d = new PressureDetector({ ...opts, eventLoopThresholdMs: 0 });
    for (let t = 0; t < 60_000; t += 500) expect(d.observe(10_000, t)).toBe(false);
  });
});

describe('degraded mode', () => {
  const make = () => {
    const metrics = new Registry();
    const mode = new DegradedMode({ ...opts, deferMs: 30_000, metrics });
    const changes: DegradedState[] = [];
    mode.onChange((s) => changes.push(s));
    return { mode, metrics, changes };
  };
  const gauge = async (metrics: Registry) =>
    (await metrics.getSingleMetricAsString('agora_degraded')).split('\n').pop();

  it('is active while the flag is on or the event loop is under pressure, and says why', async () => {
    const { mode, metrics, changes } = make();
    expect(mode.active()).toBe(false);
    expect(await gauge(metrics)).toBe('agora_degraded 0');

    mode.setFlag(true);
    expect(mode.state()).toMatchObject({ active: true, reasons: ['flag'] });
    expect(mode.state().since).toBeInstanceOf(Date);
    expect(await gauge(metrics)).toBe('agora_degraded 1');

    mode.observe(400, 1_000);
    mode.observe(400, 4_000);
    expect(mode.state().reasons).toEqual(['flag', 'event_loop']);
    mode.setFlag(false);
    expect(mode.state()).toMatchObject({ active: true, reasons: ['event_loop'], eventLoopDelayMs: 400 });

    mode.observe(5, 5_000);
    mode.observe(5, 15_000);
    expect(mode.state()).toMatchObject({ active: false, reasons: [], since: null });
    expect(await gauge(metrics)).toBe('agora_degraded 0');
    // one notification per switch of active(), not per reason
    expect(changes.map((c) => c.active)).toEqual([true, false]);
    expect(await metrics.getSingleMetricAsString('agora_degraded_reason')).toContain(
      'agora_degraded_reason{reason="event_loop"} 0',
    );
  });

  it('defers work by the configured delay', () => {
    const { mode } = make();
    expect(mode.deferUntil(1_000).getTime()).toBe(31_000);
  });

  it('samples the real event loop: a stalled loop turns it on, a calm one off again', async () => {
    const mode = new DegradedMode({
      eventLoopThresholdMs: 40,
      enterAfterMs: 0,
      exitAfterMs: 0,
      deferMs: 1_000,
      sampleIntervalMs: 100,
    });
    mode.start();
    try {
      const until = Date.now() + 5_000;
      while (!mode.active() && Date.now() < until) {
        const stall = Date.now() + 150;
        while (Date.now() < stall); // block the loop
        await new Promise((r) => setTimeout(r, 1));
      }
      expect(mode.state().reasons).toEqual(['event_loop']);
      const calm = Date.now() + 5_000;
      while (mode.active() && Date.now() < calm) await new Promise((r) => setTimeout(r, 50));
      expect(mode.active()).toBe(false);
    } finally {
      mode.stop();
    }
  });
});
