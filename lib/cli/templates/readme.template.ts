import { ownRange } from '../own-package';
import type { ProjectTemplateOptions, TemplateFile } from './template-file';

export function readme({ name, proapiSpec }: ProjectTemplateOptions): TemplateFile {
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

## TypeScript

The project uses TypeScript 5 (\`typescript\` is pinned to ${ownRange('typescript')} in package.json).
TypeScript 7, npm's \`latest\`, type-checks and builds it (\`npm run build && node dist/main.js\`),
but ts-node (\`npm start\`, \`proapi routes\`) and ts-jest (\`npm test\`) need TypeScript 5's
compiler API and fail with 7. If \`npm install typescript\` gave you 7, go back with
\`npm install --save-dev typescript@5\`.
${vendored(proapiSpec)}`,
  };
}

/** A section on where ProAPI comes from, when it is a tarball in vendor/ rather than the registry. */
function vendored(proapiSpec: string): string {
  if (!proapiSpec.startsWith('file:vendor/')) return '';
  const file = proapiSpec.slice('file:'.length);
  return `
## Where ProAPI comes from

ProAPI is not on the npm registry yet, so this project was given a copy: \`${file}\`, packed from
the ProAPI checkout that ran \`proapi new\` (package.json: \`"proapi": "${proapiSpec}"\`). Keep it
with the project. To take a newer ProAPI, run \`npm pack\` in a newer checkout and install that
tarball (\`npm install ../proapi/proapi-<version>.tgz\`). Once ProAPI is published, switch to the
registry with \`npm install proapi@<version>\` and delete vendor/.
`;
}
