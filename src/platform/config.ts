import { envSchema } from 'env-schema';
import { Type, type Static } from 'typebox';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isCountryCode } from './countries.js';

const Bool = (def: boolean) => Type.Boolean({ default: def });
const Int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  Type.Integer({ default: def, minimum: min, maximum: max });

/** `499` (the default currency's) or `USD:499,EUR:499,JPY:500`: minor units per ISO 4217 currency. */
const CURRENCY_AMOUNTS = '^([0-9]{1,16}|[A-Z]{3}:[0-9]{1,16}(,[A-Z]{3}:[0-9]{1,16})*)$';

/**
 * Every setting Agora reads, from the environment. `.env.example` lists them with their meaning.
 * A wrong value stops the process with a message naming the variable (env-schema + ajv).
 */
const ConfigSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')], {
    default: 'development',
  }),
  PORT: Int(3000, 0, 65535),
  HOST: Type.String({ default: '0.0.0.0', minLength: 1 }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATABASE_POOL_MAX: Int(10, 1, 200),
  DATABASE_POOL_TIMEOUT_MS: Int(5_000, 100, 600_000),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  REDIS_PREFIX: Type.String({ default: 'agora:', pattern: '^[\\w:.-]{1,64}$' }),
  AMQP_URL: Type.Optional(Type.String({ pattern: '^amqps?://' })),
  AMQP_PREFIX: Type.String({ default: 'agora', pattern: '^[a-z0-9][a-z0-9._-]{0,60}$' }),
  AGORA_EVENTS_POLL_MS: Int(3_000, 50, 60_000),
  AGORA_EVENTS_BATCH: Int(500, 1, 10_000),
  AGORA_EVENTS_RELAY_LANES: Int(2, 1, 16),
  AGORA_EVENTS_PREFETCH: Int(50, 1, 1_000),
  AGORA_EVENTS_CONSUMER_CONCURRENCY: Int(8, 1, 100),
  AGORA_EVENTS_RETRY_BASE_MS: Int(1_000, 1, 3_600_000),
  AGORA_EVENTS_HANDLER_TIMEOUT_MS: Int(30_000, 100, 600_000),
  AGORA_BROKER_TIMEOUT_MS: Int(5_000, 100, 120_000),
  AGORA_JOBS_POLL_MS: Int(2_000, 50, 60_000),
  AGORA_JOBS_CONCURRENCY: Int(4, 1, 256),
  AGORA_RETENTION_DAYS: Int(7, 1, 3_650),
  AGORA_WEBHOOKS_ALLOW_PRIVATE: Bool(false),
  AGORA_WEBHOOK_TIMEOUT_MS: Int(5_000, 100, 60_000),
  AGORA_WEBHOOK_MAX_ATTEMPTS: Int(8, 1, 50),
  AGORA_WEBHOOK_RETRY_BASE_MS: Int(10_000, 1, 3_600_000),
  AGORA_SMTP_TIMEOUT_MS: Int(10_000, 100, 120_000),
  AGORA_EMAIL_RETRY_BASE_MS: Int(5_000, 1, 3_600_000),
  AGORA_ANNOUNCE_PAGE_SIZE: Int(500, 1, 10_000),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  // OpenTelemetry traces (platform/tracing.ts): on when an OTLP/HTTP endpoint is set
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  OTEL_SERVICE_NAME: Type.String({ default: 'agora', minLength: 1, maxLength: 200 }),
  AGORA_TRACES_SAMPLE_RATIO: Type.Number({ default: 1, minimum: 0, maximum: 1 }),
  AGORA_DATA_DIR: Type.String({ default: './data', minLength: 1 }),
  AGORA_PUBLIC_URL: Type.String({ default: 'http://localhost:3000', pattern: '^https?://' }),
  AGORA_SEED_DEMO: Bool(true),
  AGORA_ADMIN_EMAIL: Type.Optional(Type.String({ minLength: 3 })),
  AGORA_ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 10 })),
  AGORA_JWT_PRIVATE_KEY: Type.Optional(Type.String({ pattern: 'BEGIN PRIVATE KEY' })),
  AGORA_ACCESS_TOKEN_TTL: Int(900, 30, 86_400),
  AGORA_REFRESH_TOKEN_TTL: Int(30 * 86_400, 60, 365 * 86_400),
  AGORA_CORS_ORIGINS: Type.String({ default: '*' }),
  AGORA_TRUST_PROXY: Bool(false),
  AGORA_BODY_LIMIT: Int(1_048_576, 1024, 100 * 1_048_576),
  AGORA_RATE_LIMIT: Bool(true),
  AGORA_RATE_LIMIT_BROWSE_MAX: Int(3000, 1),
  AGORA_RATE_LIMIT_AUTH_MAX: Int(20, 1),
  AGORA_LOGIN_MAX_FAILURES: Int(5, 1, 1000),
  AGORA_LOGIN_LOCK_SECONDS: Int(900, 1),
  AGORA_MAX_EVENT_LOOP_DELAY_MS: Int(1000, 0),
  AGORA_SHUTDOWN_TIMEOUT_MS: Int(10_000, 0),
  AGORA_DEGRADE_EVENT_LOOP_MS: Int(200, 0, 60_000),
  AGORA_DEGRADE_ENTER_MS: Int(3_000, 0, 600_000),
  AGORA_DEGRADE_EXIT_MS: Int(10_000, 0, 3_600_000),
  AGORA_DEGRADE_DEFER_MS: Int(30_000, 10, 3_600_000),
  AGORA_FLAGS_REFRESH_MS: Int(5_000, 100, 600_000),
  AGORA_ARGON2_MEMORY_KIB: Int(19_456, 1024, 1_048_576),
  AGORA_ARGON2_TIME_COST: Int(2, 1, 10),
  // Payments
  AGORA_PAYMENT_SANDBOX: Type.Optional(Type.Boolean()),
  AGORA_PAYMENT_TIMEOUT_MS: Int(10_000, 20, 120_000),
  AGORA_PAYMENT_RETRIES: Int(2, 0, 10),
  AGORA_PAYMENT_RETRY_BASE_MS: Int(100, 1, 60_000),
  AGORA_PAYMENT_BREAKER_THRESHOLD: Int(5, 1, 10_000),
  AGORA_PAYMENT_BREAKER_ERROR_PERCENT: Int(50, 1, 100),
  AGORA_PAYMENT_BREAKER_RESET_MS: Int(30_000, 10, 3_600_000),
  AGORA_PAYMENT_FALLBACK_PROVIDER: Type.Optional(
    Type.Union([Type.Literal('sandbox'), Type.Literal('stripe')]),
  ),
  AGORA_SANDBOX_WEBHOOK_SECRET: Type.Optional(Type.String({ minLength: 16 })),
  STRIPE_SECRET_KEY: Type.Optional(Type.String({ pattern: '^(sk|rk)_' })),
  STRIPE_WEBHOOK_SECRET: Type.Optional(Type.String({ pattern: '^whsec_' })),
  STRIPE_API_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  // Checkout
  AGORA_IDEMPOTENCY_LEASE_MS: Int(60_000, 100, 3_600_000),
  AGORA_IDEMPOTENCY_WAIT_MS: Int(30_000, 100, 600_000),
  AGORA_CHECKOUT_LEASE_MS: Int(60_000, 50, 3_600_000),
  AGORA_CHECKOUT_RECOVERY_MS: Int(10_000, 50, 3_600_000),
  AGORA_CHECKOUT_PAYMENT_TTL_MS: Int(1_800_000, 1_000, 7 * 86_400_000),
  AGORA_CHECKOUT_MAX_ATTEMPTS: Int(5, 1, 100),
  AGORA_FLASH_HOLD_TTL_S: Int(600, 1, 86_400),
  AGORA_FLASH_MAX_INFLIGHT: Int(1_000, 1, 1_000_000),
  AGORA_FLASH_QUEUE_MAX: Int(100_000, 0, 10_000_000),
  AGORA_FLASH_ADMIT_WINDOW_MS: Int(10_000, 100, 600_000),
  AGORA_FLASH_QUEUE_SECRET: Type.Optional(Type.String({ minLength: 16 })),
  AGORA_FLASH_SWEEP_MS: Int(1_000, 50, 600_000),
  AGORA_FLASH_REFRESH_MS: Int(1_000, 50, 600_000),
  AGORA_FLASH_RECONCILE_MS: Int(30_000, 100, 3_600_000),
  AGORA_FLASH_BATCH_MAX: Int(500, 1, 10_000),
  AGORA_FLASH_BATCH_WINDOW_MS: Int(0, 0, 1_000),
  AGORA_FLASH_BATCHES_IN_FLIGHT: Int(4, 1, 64),
  AGORA_INVENTORY_WEBHOOK_SECRET: Type.Optional(Type.String({ minLength: 16 })),
  AGORA_INVENTORY_WEBHOOK_TOLERANCE_S: Int(300, 1, 86_400),
  AGORA_HOLD_SWEEP_MS: Int(5_000, 50, 3_600_000),
  AGORA_HOLD_SWEEP_BATCH: Int(500, 1, 10_000),
  AGORA_CART_TTL_HOURS: Int(168, 1, 365 * 24),
  AGORA_USER_CART_TTL_HOURS: Int(720, 1, 10 * 365 * 24),
  AGORA_CART_EXPIRY_INTERVAL_MS: Int(600_000, 1_000, 86_400_000),
  AGORA_SHIPPING_FLAT_AMOUNT: Type.String({ default: 'USD:499,EUR:499,GBP:499', pattern: CURRENCY_AMOUNTS }),
  AGORA_FREE_SHIPPING_FROM: Type.String({ default: 'USD:5000,EUR:5000,GBP:5000', pattern: CURRENCY_AMOUNTS }),
  AGORA_TAX_RATES: Type.String({
    default: 'US:0,DE:1900,GB:2000,FR:2000',
    pattern: '^[A-Z]{2}:[0-9]{1,5}(,[A-Z]{2}:[0-9]{1,5})*$',
  }),
  AGORA_DEFAULT_COUNTRY: Type.String({ default: 'US', pattern: '^[A-Z]{2}$' }),
  AGORA_DEFAULT_CURRENCY: Type.String({ default: 'USD', pattern: '^[A-Z]{3}$' }),
});

export type Config = Static<typeof ConfigSchema> & {
  /** Absolute path of AGORA_DATA_DIR. */
  dataDir: string;
  /** AGORA_TAX_RATES parsed: basis points per ISO 3166-1 alpha-2 country. */
  taxRates: Readonly<Record<string, number>>;
  /**
   * AGORA_SHIPPING_FLAT_AMOUNT and AGORA_FREE_SHIPPING_FROM parsed: per ISO 4217 currency, the flat
   * shipping rate and the goods total from which shipping is free (0 = never), in its minor units.
   * A currency missing here has no shipping rate: its carts cannot be checked out.
   */
  shippingRates: Readonly<Record<string, ShippingRate>>;
};

/** Shipping of a cart in one currency (minor units of that currency). */
export interface ShippingRate {
  /** Flat shipping per cart. */
  flatAmount: number;
  /** Goods total (after discount) from which shipping is free; 0 = never free. */
  freeFrom: number;
}

/**
 * `US:0,DE:1900` → `{US: 0, DE: 1900}` (basis points: 1900 = 19 %).
 * @throws Error naming the variable for a rate above 100 %, a code that is no assigned ISO 3166-1
 * country, a repeated country, or a default country without a rate.
 */
export function parseTaxRates(value: string, defaultCountry: string): Record<string, number> {
  const rates: Record<string, number> = {};
  for (const entry of value.split(',')) {
    const [country, bp] = entry.split(':');
    const rate = Number(bp);
    if (!/^[A-Z]{2}$/.test(country) || !Number.isInteger(rate) || rate < 0 || rate > 10_000)
      throw new Error(`AGORA_TAX_RATES: "${entry}" is not COUNTRY:basis points (0 to 10000)`);
    if (!isCountryCode(country))
      throw new Error(`AGORA_TAX_RATES: ${country} is not an ISO 3166-1 alpha-2 country code`);
    if (country in rates) throw new Error(`AGORA_TAX_RATES: ${country} appears twice`);
    rates[country] = rate;
  }
  if (!isCountryCode(defaultCountry))
    throw new Error(`AGORA_DEFAULT_COUNTRY: ${defaultCountry} is not an ISO 3166-1 alpha-2 country code`);
  if (!(defaultCountry in rates))
    throw new Error(`AGORA_TAX_RATES has no rate for AGORA_DEFAULT_COUNTRY (${defaultCountry})`);
  return rates;
}

/**
 * An amount per currency: `USD:499,JPY:500` → `{USD: 499, JPY: 500}`; a bare amount (`499`, the
 * form these variables had before they took currencies) is `defaultCurrency`'s alone, since one
 * number of minor units means a different price in every other currency (499 cents, ¥499).
 * @throws Error naming `name` for an amount above `max`, a malformed entry or a repeated currency.
 */
export function parseCurrencyAmounts(
  name: string,
  value: string,
  defaultCurrency: string,
  max: number,
): Record<string, number> {
  const amounts: Record<string, number> = {};
  const entries = /^[0-9]+$/.test(value) ? [`${defaultCurrency}:${value}`] : value.split(',');
  for (const entry of entries) {
    const [currency, digits] = entry.split(':');
    const amount = Number(digits);
    if (!/^[A-Z]{3}$/.test(currency) || !/^[0-9]+$/.test(digits ?? '') || amount > max)
      throw new Error(`${name}: "${entry}" is not CURRENCY:minor units (0 to ${max}), e.g. USD:499,JPY:500`);
    if (currency in amounts) throw new Error(`${name}: ${currency} appears twice`);
    amounts[currency] = amount;
  }
  return amounts;
}

/**
 * The shipping rate per currency from AGORA_SHIPPING_FLAT_AMOUNT and AGORA_FREE_SHIPPING_FROM.
 * @throws Error naming the variable for a wrong entry, or a free-shipping threshold for a currency
 * that has no flat rate (it would never apply).
 */
export function parseShippingRates(
  flat: string,
  freeFrom: string,
  defaultCurrency: string,
): Record<string, ShippingRate> {
  const flats = parseCurrencyAmounts('AGORA_SHIPPING_FLAT_AMOUNT', flat, defaultCurrency, 1_000_000_000);
  const thresholds = parseCurrencyAmounts(
    'AGORA_FREE_SHIPPING_FROM',
    freeFrom,
    defaultCurrency,
    1_000_000_000_000,
  );
  const orphans = Object.keys(thresholds).filter((c) => !(c in flats));
  if (orphans.length)
    throw new Error(
      `AGORA_FREE_SHIPPING_FROM: ${orphans.join(', ')} ${orphans.length > 1 ? 'have' : 'has'} no rate in AGORA_SHIPPING_FLAT_AMOUNT`,
    );
  return Object.fromEntries(
    Object.entries(flats).map(([currency, flatAmount]) => [
      currency,
      { flatAmount, freeFrom: thresholds[currency] ?? 0 },
    ]),
  );
}

/** Reads `.env` (when present) and the environment, validates, and returns the typed configuration. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: { dotenv?: boolean } = {}): Config {
  if (opts.dotenv !== false && env === process.env && existsSync('.env')) process.loadEnvFile('.env');
  // Empty strings mean "not set", so `DATABASE_URL=` in a .env selects the embedded default.
  const data = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema<Static<typeof ConfigSchema>>({ schema: ConfigSchema, data, dotenv: false });
  if (parsed.AGORA_ADMIN_EMAIL && !parsed.AGORA_ADMIN_PASSWORD) {
    throw new Error('AGORA_ADMIN_PASSWORD must be set when AGORA_ADMIN_EMAIL is set');
  }
  if (parsed.STRIPE_SECRET_KEY && !parsed.STRIPE_WEBHOOK_SECRET) {
    throw new Error('STRIPE_WEBHOOK_SECRET must be set when STRIPE_SECRET_KEY is set');
  }
  return {
    ...parsed,
    dataDir: path.resolve(parsed.AGORA_DATA_DIR),
    taxRates: parseTaxRates(parsed.AGORA_TAX_RATES, parsed.AGORA_DEFAULT_COUNTRY),
    shippingRates: parseShippingRates(
      parsed.AGORA_SHIPPING_FLAT_AMOUNT,
      parsed.AGORA_FREE_SHIPPING_FROM,
      parsed.AGORA_DEFAULT_CURRENCY,
    ),
  };
}

/** Which backing service each part uses: a server when its URL is set, the embedded default otherwise. */
export function describeBackends(config: Config) {
  return {
    database: config.DATABASE_URL ? 'postgres' : 'pglite',
    cache: config.REDIS_URL ? 'redis' : 'memory',
    events: config.AMQP_URL ? 'rabbitmq' : 'in-process',
    email: config.SMTP_URL ? 'smtp' : 'folder',
  } as const;
}
