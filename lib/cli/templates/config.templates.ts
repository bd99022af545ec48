import { ownRange } from '../own-package';
import type { ProjectTemplateOptions, TemplateFile } from './template-file';

// The generated project uses the versions ProAPI itself is built and tested with, so a fresh
// project installs from the same npm cache and type-checks against the same compiler.
const DEV_DEPENDENCIES = ['@types/jest', '@types/node', 'jest', 'ts-jest', 'ts-node', 'typescript'];

export function packageJson({ name, proapiSpec }: ProjectTemplateOptions): TemplateFile {
  const pkg = {
    name,
    version: '0.1.0',
    private: true,
    scripts: {
      start: 'ts-node --transpile-only main.ts',
      test: 'tsc --noEmit && jest',
      build: 'tsc',
      routes: 'proapi routes',
      client: 'proapi client --out client/chat-api.ts',
      asyncapi: 'proapi asyncapi --out asyncapi.json',
    },
    // ProAPI's peers: the project owns the one copy its DTO decorators and ProAPI's validation share.
    dependencies: {
      'class-transformer': ownRange('class-transformer'),
      'class-validator': ownRange('class-validator'),
      proapi: proapiSpec,
    },
    devDependencies: Object.fromEntries(DEV_DEPENDENCIES.map((dep) => [dep, ownRange(dep)])),
  };
  return { path: 'package.json', content: `${JSON.stringify(pkg, null, 2)}\n` };
}

export function tsconfigJson(): TemplateFile {
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      // node16 resolution reads package "exports", which is where `proapi/testing` lives.
      module: 'node16',
      moduleResolution: 'node16',
      lib: ['ES2022'],
      types: ['node', 'jest'],
      strict: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      useDefineForClassFields: false,
      esModuleInterop: true,
      skipLibCheck: true,
      outDir: 'dist',
      rootDir: '.',
    },
    include: ['*.ts', 'client', 'gateways', 'middleware', 'spec'],
    exclude: ['node_modules', 'dist'],
  };
  return { path: 'tsconfig.json', content: `${JSON.stringify(tsconfig, null, 2)}\n` };
}

export function jestConfig(): TemplateFile {
  return {
    path: 'jest.config.ts',
    content: `import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    // \`npm test\` type-checks once with tsc; jest then only transpiles, which keeps it fast.
    '^.+\\\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true }, diagnostics: false }],
  },
};

export default config;
`,
  };
}

export function gitignore(): TemplateFile {
  return { path: '.gitignore', content: 'node_modules/\ndist/\ncoverage/\n' };
}
