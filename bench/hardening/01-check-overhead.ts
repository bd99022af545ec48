/**
 * Defect 1: what the fix costs ordinary messages. Times `DtoValidator.check()` on a
 * small flat DTO (the chat sample's shape) and on one with a nested `@Type()` DTO; the key check
 * before the transform walks every message. Prints the best of 20 rounds of 20,000 checks.
 *
 *   npx ts-node --transpile-only bench/hardening/01-check-overhead.ts
 */
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsString, Length, ValidateNested } from 'class-validator';
import { DtoValidator } from '../../lib/messages/dto-validator';

class Author {
  @IsString()
  @Length(1, 40)
  name!: string;
}

class Chat {
  @IsString()
  @Length(1, 2000)
  message!: string;
}

class Post {
  @IsString()
  text!: string;

  @ValidateNested()
  @Type(() => Author)
  author!: Author;
}

const cases: [string, DtoValidator, () => object][] = [
  ['flat DTO', new DtoValidator(Chat), () => ({ message: 'hello there' })],
  ['nested @Type() DTO', new DtoValidator(Post), () => ({ text: 'hi', author: { name: 'ann' } })],
];
for (const [name, validator, payload] of cases) {
  let best = Infinity;
  for (let round = 0; round < 20; round++) {
    const started = performance.now();
    for (let i = 0; i < 20_000; i++) validator.check(payload());
    best = Math.min(best, (performance.now() - started) / 20_000);
  }
  console.log(JSON.stringify({ dto: name, microsecondsPerCheck: Number((best * 1000).toFixed(2)) }));
}
