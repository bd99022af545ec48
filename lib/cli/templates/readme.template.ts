import type { ProjectTemplateOptions, TemplateFile } from './template-file';

export function readme({ name }: ProjectTemplateOptions): TemplateFile {
  return {
    path: 'README.md',
    content: `# ${name}

A WebSocket app built with ProAPI.

\`\`\`sh
npm install && npm start   # serves ws://127.0.0.1:8000/chat/<room>?username=<name> (PORT=... to change)
npm test                   # type-checks, then runs the specs in spec/
\`\`\`

Try it with any WebSocket client, e.g. \`npx wscat -c 'ws://127.0.0.1:8000/chat/lobby?username=ann'\`,
open a second one with another username, and send \`{"type":"chat","text":"hello"}\`.

## Layout

- \`app.ts\`: \`createApp()\` builds the app; \`main.ts\` runs it.
- \`gateways/\`: one class per WebSocket route (\`chat.gateway.ts\`: rooms and broadcasting) and the
  message classes they validate (\`chat-message.dto.ts\`).
- \`middleware/\`: code that runs before the upgrade (\`require-username.middleware.ts\` refuses
  connections without \`?username=\`).
- \`spec/\`: specs that talk to the app over real WebSockets with \`proapi/testing\`.

## More

- \`npx proapi generate gateway <name>\` adds a gateway and its spec (and registers it in \`app.ts\`).
- \`npx proapi routes\` prints the route table without starting a server.
- \`npm run build && node dist/main.js\` runs the compiled app.
`,
  };
}
