import { CliError } from './cli.error';

/** The names of one generated gateway, all derived from what the user typed. */
export interface GatewayNames {
  /** `ChatRoomGateway` */
  readonly className: string;
  /** `chat-room`: the file stem and the route path segment. */
  readonly kebab: string;
  /** `chat-room.gateway.ts` */
  readonly fileName: string;
  /** `chat-room.gateway.spec.ts` */
  readonly specFileName: string;
  /** `/chat-room` */
  readonly path: string;
}

const NAME = /^[A-Za-z0-9]+(?:[-_ ]+[A-Za-z0-9]+)*$/;
// An upper-case run (HTTP), a capitalised or lower-case word (Room, chat), digits sticking to the
// word before, or leading digits with the lower-case letters after them (2fa).
const WORD = /[A-Z]+(?![a-z])[0-9]*|[A-Z]?[a-z]+[0-9]*|[0-9]+[a-z]*/g;

/**
 * Splits `chat-room`, `chat_room`, `chatRoom` or `ChatRoom` into lower-case words.
 * Returns an error message instead of throwing.
 */
export function splitWords(input: string): string[] | string {
  const name = input.trim();
  if (!NAME.test(name)) {
    return `"${input}" is not a usable name: use only letters, digits, "-" and "_" (e.g. chat-room or ChatRoom)`;
  }
  return (name.match(WORD) ?? []).map((word) => word.toLowerCase());
}

/**
 * Normalises a gateway name: `chat-room`, `chat_room`, `chatRoom`, `ChatRoom` and `ChatRoomGateway`
 * all give `ChatRoomGateway` in `chat-room.gateway.ts`, served at `/chat-room`.
 */
export function gatewayNames(input: string): GatewayNames {
  const words = splitWords(input);
  if (typeof words === 'string') throw new CliError(`gateway name ${words}`);
  if (/^[0-9]/.test(words[0])) {
    throw new CliError(
      `gateway name "${input}" starts with a digit, but it becomes a class name (${words.map(capitalise).join('')}Gateway), ` +
        `which must start with a letter: put a word first (e.g. room-${words.join('-')})`,
    );
  }
  // `chat-room-gateway` means the chat-room gateway, not a ChatRoomGatewayGateway.
  if (words.length > 1 && words[words.length - 1] === 'gateway') words.pop();
  const kebab = words.join('-');
  return {
    className: `${words.map(capitalise).join('')}Gateway`,
    kebab,
    fileName: `${kebab}.gateway.ts`,
    specFileName: `${kebab}.gateway.spec.ts`,
    path: `/${kebab}`,
  };
}

const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/** Whether npm accepts `name` as a package name (lower case, URL-safe, at most 214 characters). */
export function isValidPackageName(name: string): boolean {
  return name.length <= 214 && PACKAGE_NAME.test(name);
}

/** A package name made from a directory name (`My Chat` → `my-chat`), or undefined if there is none. */
export function packageNameFromDirectory(directoryName: string): string | undefined {
  const words = splitWords(directoryName.replace(/[^A-Za-z0-9_\- ]+/g, ' ').trim());
  if (typeof words === 'string') return undefined;
  const name = words.join('-');
  return isValidPackageName(name) ? name : undefined;
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
