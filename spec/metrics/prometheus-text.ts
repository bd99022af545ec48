/** One sample of the Prometheus text format: `name{label="value",...} 12`. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Exposition {
  readonly types: ReadonlyMap<string, string>;
  readonly help: ReadonlyMap<string, string>;
  readonly samples: readonly Sample[];
  /** The value of the one sample with this name and exactly these labels; throws if there is none. */
  value(name: string, labels?: Record<string, string>): number;
  /** Every sample of `name`, as `labels -> value` lines, sorted: for whole-metric comparisons. */
  series(name: string): Record<string, number>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/y;

/**
 * Parses Prometheus exposition text (version 0.0.4), strictly enough that a malformed line fails
 * the spec: every sample belongs to a metric with `# HELP` and `# TYPE`, labels are quoted, values
 * are numbers.
 */
export function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (comment) {
      (comment[1] === 'HELP' ? help : types).set(comment[2], comment[3]);
      continue;
    }
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${JSON.stringify(line)}`);
    const [, name, labelText = '', valueText] = match;
    const labels: Record<string, string> = {};
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < labelText.length) {
      const label = LABEL.exec(labelText);
      if (!label) throw new Error(`bad labels in ${JSON.stringify(line)}`);
      labels[label[1]] = label[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const value = Number(valueText === '+Inf' ? Infinity : valueText);
    if (Number.isNaN(value)) throw new Error(`bad value in ${JSON.stringify(line)}`);
    const family = [...types.keys()].find((metric) => name === metric || /_(bucket|sum|count|total)$/.test(name) && name.startsWith(metric));
    if (family === undefined || !help.has(family)) throw new Error(`sample without # HELP and # TYPE: ${JSON.stringify(line)}`);
    samples.push({ name, labels, value });
  }
  const key = (labels: Readonly<Record<string, string>>): string =>
    Object.keys(labels)
      .sort()
      .map((k) => `${k}=${labels[k]}`)
      .join(',');
  return {
    types,
    help,
    samples,
    value(name, labels = {}) {
      const found = samples.filter((s) => s.name === name && key(s.labels) === key(labels));
      if (found.length !== 1) throw new Error(`${found.length} samples of ${name}{${key(labels)}}`);
      return found[0].value;
    },
    series(name) {
      const result: Record<string, number> = {};
      for (const s of samples.filter((sample) => sample.name === name)) result[key(s.labels)] = s.value;
      return result;
    },
  };
}
