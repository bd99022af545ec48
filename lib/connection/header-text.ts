/*
 * Request headers as one flat string instead of ~20 small ones (an idle connection keeps them for
 * its lifetime): names and values alternate, each as `<length>:<text>`, so no header content can
 * be mistaken for a separator. `4:host9:127.0.0.1`.
 */

/** Appends one header to the parts of a header text (join the parts with `''`). */
export function appendHeader(parts: (string | number)[], name: string, value: string): void {
  parts.push(name.length, ':', name, value.length, ':', value);
}

/** The headers of a header text; repeated headers are joined with ", ". */
export function decodeHeaderText(headerText: string): ReadonlyMap<string, string> {
  const map = new Map<string, string>();
  let at = 0;
  const next = (): string => {
    const colon = headerText.indexOf(':', at);
    const end = colon + 1 + Number(headerText.slice(at, colon));
    const text = headerText.slice(colon + 1, end);
    at = end;
    return text;
  };
  while (at < headerText.length) {
    const name = next();
    const value = next();
    const previous = map.get(name);
    map.set(name, previous === undefined ? value : `${previous}, ${value}`);
  }
  return map;
}
