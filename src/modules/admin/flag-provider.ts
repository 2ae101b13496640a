import {
  ErrorCode,
  FlagNotFoundError,
  OpenFeatureEventEmitter,
  ProviderEvents,
  StandardResolutionReasons,
  TypeMismatchError,
  type JsonValue,
  type Provider,
  type ResolutionDetails,
} from '@openfeature/server-sdk';
import type { FlagStore } from './flag-store.js';

/**
 * The OpenFeature provider over Agora's feature flags: boolean flags, resolved from the process's
 * in-memory copy of `admin.feature_flags` (no I/O per evaluation). It emits
 * PROVIDER_CONFIGURATION_CHANGED with the changed keys whenever the copy changes.
 */
export class DatabaseFlagProvider implements Provider {
  readonly metadata = { name: 'agora-database' } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();
  private readonly unsubscribe: () => void;

  constructor(private readonly store: FlagStore) {
    this.unsubscribe = store.onChange((flagsChanged) =>
      this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged }),
    );
  }

  /**
   * The synchronous resolution behind both `FeatureFlags.isEnabled` and the SDK's evaluation: an
   * unknown flag yields the default with FLAG_NOT_FOUND instead of throwing.
   */
  resolveBoolean(flagKey: string, defaultValue: boolean): ResolutionDetails<boolean> {
    const flag = this.store.get(flagKey);
    if (!flag)
      return {
        value: defaultValue,
        reason: StandardResolutionReasons.ERROR,
        errorCode: ErrorCode.FLAG_NOT_FOUND,
        errorMessage: `no feature flag "${flagKey}"`,
      };
    return {
      value: flag.enabled,
      // one value for everyone: no targeting rules, so the resolution is static
      reason: StandardResolutionReasons.STATIC,
      variant: flag.enabled ? 'on' : 'off',
      flagMetadata: { version: flag.version, updatedAt: flag.updatedAt.toISOString() },
    };
  }

  async resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
  ): Promise<ResolutionDetails<boolean>> {
    const details = this.resolveBoolean(flagKey, defaultValue);
    if (details.errorCode === ErrorCode.FLAG_NOT_FOUND) throw new FlagNotFoundError(details.errorMessage);
    return details;
  }

  async resolveStringEvaluation(flagKey: string): Promise<ResolutionDetails<string>> {
    throw this.mismatch(flagKey, 'string');
  }

  async resolveNumberEvaluation(flagKey: string): Promise<ResolutionDetails<number>> {
    throw this.mismatch(flagKey, 'number');
  }

  async resolveObjectEvaluation<T extends JsonValue>(flagKey: string): Promise<ResolutionDetails<T>> {
    throw this.mismatch(flagKey, 'object');
  }

  async onClose(): Promise<void> {
    this.unsubscribe();
  }

  private mismatch(flagKey: string, type: string): Error {
    if (!this.store.get(flagKey)) return new FlagNotFoundError(`no feature flag "${flagKey}"`);
    return new TypeMismatchError(`feature flag "${flagKey}" is boolean, not ${type}`);
  }
}
