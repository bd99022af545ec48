import 'reflect-metadata';
import { Expose, plainToInstance, Transform, Type } from 'class-transformer';
import { IsArray, IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';
import { DtoValidator } from '../../lib/messages/dto-validator';

// DtoValidator copies payloads into DTOs itself when class-transformer has nothing to do; each
// case here must come out exactly as class-transformer's plainToInstance makes it.
const lax = { whitelist: false, forbidNonWhitelisted: false, forbidUnknownValues: false };

class Plain {
  @IsInt() n!: number;
  @IsArray() tags!: string[];
  @IsOptional() nested?: { a: number; list: number[] };
}

class WithDefaults {
  @IsString() name = 'anonymous';
  @IsOptional() list: string[] = ['x'];
  @IsOptional() bag: Record<string, unknown> = { keep: true };
  @IsOptional() readonly createdAt = new Date(0);
}

class WithAccessors {
  @IsInt() n!: number;
  get doubled(): number {
    return this.n * 2;
  }
  private stored = '';
  get settable(): string {
    return this.stored;
  }
  set settable(value: string) {
    this.stored = `set:${value}`;
  }
  describe(): string {
    return `n=${this.n}`;
  }
}

class Author {
  @IsString() name!: string;
}

class WithType {
  @ValidateNested() @Type(() => Author) author!: Author;
}

class Exposed {
  @Expose({ name: 'user_name' }) @IsString() userName!: string;
}

class InheritsExposed extends Exposed {
  @IsInt() n!: number;
}

class Transformed {
  @Transform(({ value }) => String(value).toUpperCase()) @IsString() code!: string;
}

function viaValidator<T extends object>(dto: new () => T, payload: object): unknown {
  return new DtoValidator(dto, lax).check(payload);
}

function viaClassTransformer<T extends object>(dto: new () => T, payload: object): unknown {
  return plainToInstance(dto, payload);
}

describe('DtoValidator builds the same DTO as class-transformer', () => {
  const cases: [string, new () => object, object][] = [
    ['plain properties, arrays, nested plain objects, extra keys', Plain, { n: 1, tags: ['a'], nested: { a: 2, list: [3] }, extra: 'kept' }],
    [
      'keys named like Object.prototype members, at the top and nested',
      Plain,
      { n: 1, tags: [], toString: 'x', nested: { a: 1, valueOf: 2, hasOwnProperty: 3, list: [{ isPrototypeOf: 4, b: 5 }] } },
    ],
    ['defaults: primitives, arrays and plain objects replaced; absent ones kept', WithDefaults, { list: ['y'], bag: { other: 1 } }],
    ['a class-instance default met by a plain object', WithDefaults, { createdAt: { not: 'a date' } }],
    ['an array default met by an object', WithDefaults, { list: { 0: 'odd' } }],
    ['getter-only and method keys are skipped, setters are used', WithAccessors, { n: 3, doubled: 99, settable: 'v', describe: 'x' }],
    ['@Type nested classes', WithType, { author: { name: 'Ann' } }],
    ['@Expose renames', Exposed, { user_name: 'ann' }],
    ['@Expose on an ancestor', InheritsExposed, { user_name: 'ann', n: 1 }],
    ['@Transform', Transformed, { code: 'abc' }],
  ];

  it.each(cases)('%s', (_name, dto, payload) => {
    const ours = viaValidator(dto, JSON.parse(JSON.stringify(payload)) as object);
    const theirs = viaClassTransformer(dto, JSON.parse(JSON.stringify(payload)) as object);
    expect(Object.getPrototypeOf(ours)).toBe(Object.getPrototypeOf(theirs));
    expect(ours).toStrictEqual(theirs);
  });

  it('copies nested objects and arrays rather than sharing them with the payload', () => {
    const payload = { n: 1, tags: ['a'], nested: { a: 1, list: [1] } };
    const dto = viaValidator(Plain, payload) as Plain;
    expect(dto.tags).not.toBe(payload.tags);
    expect(dto.nested).not.toBe(payload.nested);
    expect(dto.nested?.list).not.toBe(payload.nested.list);
  });
});
