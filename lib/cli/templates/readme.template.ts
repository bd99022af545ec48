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
  message classes they validate (\`chat-message.dto.ts\`) and send (\`chat-events.dto.ts\`).
- \`middleware/\`: code that runs before the upgrade (\`require-username.middleware.ts\` refuses
  connections without \`?username=\`).
- \`client/chat-api.ts\`: the gateway's API as TypeScript types, for \`createClient<ChatGatewayApi>(url)\`
  from \`proapi/client\` (a wrong message type or field is a compile error). \`npm run client\` writes it
  again after you change the gateway or its message classes.
- \`spec/\`: specs that talk to the app over real WebSockets with \`proapi/testing\` and \`proapi/client\`.

## More

- \`npx proapi generate gateway <name>\` adds a gateway and its spec (and registers it in \`app.ts\`).
- \`npx proapi routes\` prints the route table without starting a server.
- \`npm run asyncapi\` writes the app's AsyncAPI 3.0 document to \`asyncapi.json\`.
- \`npm run build && node dist/main.js\` runs the compiled app.
`,
  };
}
