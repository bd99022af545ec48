/**
 * Defect 1: the CPU one message costs in `@OnMessage` validation (safe parse, then the
 * DTO check: key check, transform, class-validator), for shapes that stay just under the
 * `maxJsonValues` limit, each the worst of its kind. Run in-process: this measures the work, not
 * the network. Reports the fastest and the median of 25 runs per shape (the fastest is the best
 * estimate on a shared machine).
 *
 *   npx ts-node --transpile-only bench/hardening/01-worst-shapes.ts [maxJsonValues...]
 */
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsString, Length, MaxLength, ValidateNested } from 'class-validator';
import { DtoValidator } from '../../lib/messages/dto-validator';
import { parseJsonSafely } from '../../lib/messages/safe-json';
import { DEFAULT_LIMITS } from '../../lib/options';

class Author {
  @IsString()
  @Length(1, 40)
  name!: string;
}

class Post {
  @IsString()
  text!: string;

  @ValidateNested()
  @Type(() => Author)
  author!: Author;

  @IsOptional()
  @IsObject()
  meta?: object;

  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => Author)
  coauthors?: Author[];

  @IsOptional()
  @IsString({ each: true })
  @MaxLength(20, { each: true })
  tags?: string[];

  @IsOptional()
  @IsInt({ each: true })
  numbers?: number[];
}

const HEAD = '"text":"hi","author":{"name":"ann"}';
/** Values the head uses: the top object's two members, the author's one. */
const HEAD_VALUES = 3;

const keys = (n: number): string => Array.from({ length: n }, (_, i) => `"${i.toString(36)}":0`).join(',');
const repeat = (item: string, n: number): string => Array(n).fill(item).join(',');

/** Each shape gets `n` values to spend. */
const SHAPES: Record<string, (n: number) => string> = {
  'unknown keys': (n) => `{${HEAD},${keys(n - HEAD_VALUES)}}`,
  'keys in a plain-object field': (n) => `{${HEAD},"meta":{${keys(n - HEAD_VALUES - 1)}}}`,
  'empty nested DTOs': (n) => `{${HEAD},"coauthors":[${repeat('{}', Math.floor((n - HEAD_VALUES - 1) / 2))}]}`,
  'valid nested DTOs': (n) => `{${HEAD},"coauthors":[${repeat('{"name":"bo"}', Math.floor((n - HEAD_VALUES - 1) / 2))}]}`,
  'constrained strings': (n) => `{${HEAD},"tags":[${repeat('"x"', n - HEAD_VALUES - 1)}]}`,
  'constrained numbers': (n) => `{${HEAD},"numbers":[${repeat('0', n - HEAD_VALUES - 1)}]}`,
};

function measure(text: string, limit: number): { fastest: number; median: number; outcome: string } {
  const validator = new DtoValidator(Post);
  const limits = { maxJsonDepth: DEFAULT_LIMITS.maxJsonDepth, maxJsonLength: DEFAULT_LIMITS.maxJsonLength, maxJsonValues: limit };
  const times: number[] = [];
  let outcome = '';
  for (let run = 0; run < 25; run++) {
    const started = performance.now();
    try {
      const result = validator.check(parseJsonSafely(text, limits));
      outcome = 'details' in (result as object) ? 'invalid' : 'valid';
    } catch (error) {
      outcome = `refused: ${(error as Error).message}`;
    }
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { fastest: times[0], median: times[Math.floor(times.length / 2)], outcome };
}

const limits = process.argv.slice(2).map(Number);
for (const limit of limits.length > 0 ? limits : [DEFAULT_LIMITS.maxJsonValues]) {
  for (const [shape, make] of Object.entries(SHAPES)) {
    const text = make(limit);
    const { fastest, median, outcome } = measure(text, limit);
    console.log(
      JSON.stringify({ maxJsonValues: limit, shape, kib: Math.round(text.length / 1024), fastestMs: +fastest.toFixed(1), medianMs: +median.toFixed(1), outcome }),
    );
  }
}
