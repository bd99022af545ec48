/** A route path compiled once at boot into what uWS matches and how to read its parameters. */
export interface CompiledPath {
  /** The uWS pattern (uWS understands `:name` and a trailing `*` natively). */
  readonly pattern: string;
  /** Parameter names in the order `req.getParameter(i)` returns them. */
  readonly paramNames: readonly string[];
  /** For a trailing `*`: how many segments come before it (-1 without one), so the tail can be cut off. */
  readonly wildcardSegment: number;
  /** The pattern with names erased, so `/a/:x` and `/a/:y` are seen as the same route. */
  readonly shape: string;
}

const STATIC_SEGMENT = /^[A-Za-z0-9\-._~!$&'()+,;=@%]+$/;
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `{room}` or `<room>`: parameter syntax from other frameworks (FastAPI, Flask), which uWS would match literally. */
const FOREIGN_PARAM = /^(?:\{([^{}]*)\}|<(?:\w+:)?([^<>]*)>)$/;

/** Compiles `/chat/:room` or `/files/*`; returns an error message instead of throwing. */
export function compilePath(path: string): CompiledPath | string {
  if (typeof path !== 'string' || !path.startsWith('/')) return `path ${JSON.stringify(path)} must start with "/"`;
  if (path === '/') return { pattern: '/', paramNames: [], wildcardSegment: -1, shape: '/' };
  if (path.endsWith('/')) return `path "${path}" must not end with "/"`;
  const segments = path.slice(1).split('/');
  const paramNames: string[] = [];
  const shape: string[] = [];
  let wildcardSegment = -1;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (segment === '*') {
      if (i !== segments.length - 1) return `path "${path}": "*" is only allowed as the last segment`;
      wildcardSegment = i;
      shape.push('*');
    } else if (segment.startsWith(':')) {
      const name = segment.slice(1);
      if (!PARAM_NAME.test(name)) return `path "${path}": parameter "${segment}" needs a name like ":room"`;
      if (paramNames.includes(name)) return `path "${path}": parameter ":${name}" appears twice`;
      paramNames.push(name);
      shape.push(':');
    } else if (FOREIGN_PARAM.test(segment)) {
      const [, braced, angled] = FOREIGN_PARAM.exec(segment)!;
      const name = PARAM_NAME.test(braced ?? angled) ? (braced ?? angled) : 'name';
      return `path "${path}": write the parameter "${segment}" as ":${name}" (e.g. "/chat/:room")`;
    } else if (!STATIC_SEGMENT.test(segment)) {
      return `path "${path}": segment "${segment}" is empty or has characters that need percent-encoding`;
    } else {
      shape.push(segment);
    }
  }
  return { pattern: path, paramNames, wildcardSegment, shape: '/' + shape.join('/') };
}

/** The part of a URL path after its first `segments` segments: `/u/42/docs/a.md`, 2 → `docs/a.md`. */
export function pathTail(path: string, segments: number): string {
  let index = 0;
  for (let n = 0; n <= segments; n++) {
    index = path.indexOf('/', index) + 1;
    if (index === 0) return '';
  }
  return path.slice(index);
}
