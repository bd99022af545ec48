import type { TemplateFile } from './template-file';

export function appTs(): TemplateFile {
  return {
    path: 'app.ts',
    content: `import { ProAPI, type ProAPIOptions } from 'proapi';
import { ChatGateway } from './gateways/chat.gateway';

/**
 * Builds the app without starting it: \`npm start\` runs it, the specs start it on a free port,
 * and \`npx proapi routes\` prints its route table.
 */
export function createApp(options: ProAPIOptions = {}): ProAPI {
  return new ProAPI({ ...options, gateways: [ChatGateway] });
}
`,
  };
}

export function mainTs(): TemplateFile {
  return {
    path: 'main.ts',
    content: `import { createApp } from './app';

// Listens on PORT (default 8000) and closes gracefully on Ctrl+C.
createApp()
  .run()
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
`,
  };
}
