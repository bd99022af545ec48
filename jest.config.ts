import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    // Type checking runs once in `npm run typecheck`; per-file transpiling keeps jest fast.
    '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true }, diagnostics: false }],
  },
  // lib/client imports its siblings as `./x.js`, so the same files load in browsers as ES modules.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // Installs Chromium for the browser specs when it is missing and this user may (else says how).
  globalSetup: '<rootDir>/spec/browser/global-setup.ts',
  testTimeout: 30_000,
  // Integration specs each start real servers; two workers match the two cores CI has.
  maxWorkers: 2,
};

export default config;
