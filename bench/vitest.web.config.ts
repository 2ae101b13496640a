import { defineConfig } from 'vitest/config';
import base from '../vitest.config.js';

// `npm run bench:web`: the web render A/B runs in Vitest for the e2e helpers (embedded database dump).
export default defineConfig({ test: { ...base.test, include: ['bench/**/*.e2e.ts'] } });
