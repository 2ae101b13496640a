import { describe, expect, it } from 'vitest';
import { assertTransition, canTransition, isFinal, sourcesOf, type Transitions } from './state-machine.js';
import { PAYMENT_TRANSITIONS } from '../modules/payments/state.js';
import { ORDER_TRANSITIONS, PART_TRANSITIONS } from '../modules/orders/state.js';

type Light = 'red' | 'green' | 'amber';
const light: Transitions<Light> = { red: ['green'], green: ['amber'], amber: ['red'] };

describe('state machines', () => {
  it('allow only the transitions of their table', () => {
    expect(canTransition(light, 'red', 'green')).toBe(true);
    expect(canTransition(light, 'red', 'amber')).toBe(false);
    expect(() => assertTransition(light, 'green', 'red', 'light')).toThrow(/cannot become red/);
    expect(sourcesOf(light, 'red')).toEqual(['amber']);
  });

  it('orders: confirmed only from pending; cancelled only before shipping; shipped never back', () => {
    expect(sourcesOf(ORDER_TRANSITIONS, 'confirmed')).toEqual(['pending']);
    // partially_refunded: before shipping (the order service checks the parts)
    expect(sourcesOf(ORDER_TRANSITIONS, 'cancelled').sort()).toEqual([
      'confirmed',
      'partially_refunded',
      'pending',
    ]);
    expect(canTransition(ORDER_TRANSITIONS, 'shipped', 'cancelled')).toBe(false);
    expect(isFinal(ORDER_TRANSITIONS, 'cancelled')).toBe(true);
    expect(isFinal(ORDER_TRANSITIONS, 'refunded')).toBe(true);
    expect(canTransition(PART_TRANSITIONS, 'shipped', 'cancelled')).toBe(false);
  });

  it('payments: capture only after authorization; a voided or failed payment never moves again', () => {
    expect(sourcesOf(PAYMENT_TRANSITIONS, 'captured')).toEqual(['authorized']);
    expect(canTransition(PAYMENT_TRANSITIONS, 'voiding', 'authorized')).toBe(false);
    expect(isFinal(PAYMENT_TRANSITIONS, 'voided')).toBe(true);
    expect(isFinal(PAYMENT_TRANSITIONS, 'failed')).toBe(true);
    expect(sourcesOf(PAYMENT_TRANSITIONS, 'refunded').sort()).toEqual(['captured', 'partially_refunded']);
  });
});
