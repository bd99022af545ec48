import { plainToInstance, type ClassConstructor, type ClassTransformOptions } from 'class-transformer';
import {
  getMetadataStorage,
  validate,
  validateSync,
  ValidationTypes,
  type ValidationError,
  type ValidatorOptions,
} from 'class-validator';
import { capDetails, MAX_DETAILS } from '../errors/validation-details';
import { WebSocketValidationError, type ValidationDetail } from '../errors/message-errors';
import { DtoShape } from './dto-shape';
import { hasTransformerMetadata, nestedClasses, type DtoClass } from './transformer-metadata';

export { warnIfTransformerStorageMissing } from './transformer-metadata';
export type { DtoClass } from './transformer-metadata';

/** What validation means unless a gateway or `receiveJson()` call says otherwise. */
export const DEFAULT_VALIDATION: Readonly<ValidatorOptions> = Object.freeze({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
});

/** The result of a failed check; returned, not thrown, so bad input costs no stack trace. */
export class ValidationFailure {
  constructor(
    /** The first problems (see `capDetails`). */
    readonly details: readonly ValidationDetail[],
    /** How many problems were found in all. */
    readonly total = details.length,
  ) {}
}

const NOT_AN_OBJECT = new ValidationFailure([
  { property: '', constraints: { isObject: 'the message must be a JSON object' } },
]);

/**
 * Turns plain payloads into validated instances of one DTO class. Built once per class at boot.
 * Validation is synchronous (`validateSync`, no promise per message) unless the class, or a
 * nested DTO, uses an async constraint; class-validator's `validateSync` would silently skip those.
 */
export class DtoValidator<T extends object = object> {
  readonly isAsync: boolean;
  private readonly validatorOptions: ValidatorOptions;
  /** No class-transformer decorator and no options: {@link copyPlainly} gives what plainToInstance would. */
  private readonly copiesPlainly: boolean;
  /** The keys the whitelist accepts, to find unknown ones before the transform; null without a whitelist. */
  private readonly shape: DtoShape | null;
  /** Whether unknown keys fail validation (else the whitelist strips them). */
  private readonly forbidsUnknownKeys: boolean;

  constructor(
    readonly dto: DtoClass<T>,
    validation: ValidatorOptions = {},
    private readonly transformOptions?: ClassTransformOptions,
  ) {
    this.validatorOptions = {
      ...DEFAULT_VALIDATION,
      ...validation,
      // Errors are flattened into details; keeping the target would only retain the message.
      validationError: { target: false, value: false, ...validation.validationError },
    };
    this.isAsync = isAsyncDto(dto);
    this.copiesPlainly = transformOptions === undefined && !hasTransformerMetadata(dto);
    this.shape = DtoShape.of(dto, this.validatorOptions, transformOptions);
    this.forbidsUnknownKeys = this.validatorOptions.forbidNonWhitelisted === true;
  }

  /** Whether validation would reject every message: no decorators while `forbidUnknownValues` is on. */
  get rejectsEverything(): boolean {
    return this.validatorOptions.forbidUnknownValues !== false && !hasValidationMetadata(this.dto);
  }

  /** The payload as a validated instance, or what is wrong with it; a promise only if {@link isAsync}. */
  check(payload: unknown): T | ValidationFailure | Promise<T | ValidationFailure> {
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return NOT_AN_OBJECT;
    if (this.shape !== null) {
      const refused = this.checkKeys(payload);
      if (refused !== undefined) return refused;
    }
    const instance = this.copiesPlainly
      ? copyPlainly(this.dto, payload)
      : plainToInstance(this.dto as ClassConstructor<T>, payload, this.transformOptions);
    if (this.isAsync) return this.checkAsync(instance);
    return outcome(instance, validateSync(instance, this.validatorOptions));
  }

  /** Like {@link check}, but throws `WebSocketValidationError`. */
  async parse(payload: unknown): Promise<T> {
    const result = await this.check(payload);
    if (result instanceof ValidationFailure) throw new WebSocketValidationError(this.dto.name, result.details, result.total);
    return result;
  }

  /**
   * Unknown keys, found before the transform copies them: more than {@link MAX_DETAILS} refuse the
   * message at once (or, when the whitelist strips, are deleted). Fewer go on to the transform
   * and validation, which report them with every other problem.
   */
  private checkKeys(payload: object): ValidationFailure | undefined {
    const found = this.shape!.findUnknownKeys(payload, MAX_DETAILS, false);
    if (found.count <= MAX_DETAILS) return undefined;
    if (this.forbidsUnknownKeys) return new ValidationFailure(capDetails(found.details), found.count);
    this.shape!.findUnknownKeys(payload, 0, true);
    return undefined;
  }

  private async checkAsync(instance: T): Promise<T | ValidationFailure> {
    return outcome(instance, await validate(instance, this.validatorOptions));
  }
}

const sharedValidators = new WeakMap<DtoClass, DtoValidator>();

/**
 * The validator `receiveJson(dto, options)` uses: built once per class for the default options.
 * Loop-style handlers have no boot check, so a DTO that could never pass fails here, at first use.
 * @throws TypeError
 */
export function receiveValidatorFor<T extends object>(
  dto: DtoClass<T>,
  options: { validation?: ValidatorOptions; transform?: ClassTransformOptions } = {},
): DtoValidator<T> {
  const custom = options.validation !== undefined || options.transform !== undefined;
  let validator = custom ? undefined : (sharedValidators.get(dto) as DtoValidator<T> | undefined);
  if (validator) return validator;
  validator = new DtoValidator(dto, options.validation, options.transform);
  if (validator.rejectsEverything) {
    throw new TypeError(
      `receiveJson(${dto.name}): ${dto.name} has no class-validator decorators, so forbidUnknownValues would ` +
        'reject every message. Decorate its properties (e.g. @IsString()), or call receiveJson() without a class ' +
        'for unvalidated JSON',
    );
  }
  if (!custom) sharedValidators.set(dto, validator);
  return validator;
}

function outcome<T>(instance: T, errors: ValidationError[]): T | ValidationFailure {
  if (errors.length === 0) return instance;
  const details = flattenValidationErrors(errors, '', []);
  return new ValidationFailure(capDetails(details), details.length);
}

/** class-validator's error tree as a flat list with dotted property paths. */
export function flattenValidationErrors(
  errors: readonly ValidationError[],
  prefix: string,
  out: ValidationDetail[],
): ValidationDetail[] {
  for (const error of errors) {
    const property = error.property === undefined ? prefix : prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) out.push({ property, constraints: error.constraints });
    if (error.children && error.children.length > 0) flattenValidationErrors(error.children, property, out);
  }
  return out;
}

/** Whether `dto`, or a class it extends, puts a class-validator decorator on property `name`. */
export function validatesProperty(dto: DtoClass, name: string): boolean {
  return getMetadataStorage()
    .getTargetValidationMetadatas(dto, '', true, false)
    .some((metadata) => metadata.propertyName === name);
}

function hasValidationMetadata(dto: DtoClass): boolean {
  return getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false).length > 0;
}

const asyncDtos = new WeakMap<DtoClass, boolean>();

/** Whether validating `dto` needs class-validator's async `validate()`; computed once per class. */
function isAsyncDto(dto: DtoClass): boolean {
  let isAsync = asyncDtos.get(dto);
  if (isAsync === undefined) asyncDtos.set(dto, (isAsync = hasAsyncConstraints(dto, new Set())));
  return isAsync;
}

function hasAsyncConstraints(dto: DtoClass, seen: Set<DtoClass>): boolean {
  if (seen.has(dto)) return false;
  seen.add(dto);
  const storage = getMetadataStorage();
  for (const metadata of storage.getTargetValidationMetadatas(dto, '', true, false)) {
    switch (metadata.type) {
      case ValidationTypes.PROMISE_VALIDATION:
        return true;
      case ValidationTypes.CUSTOM_VALIDATION:
        if (storage.getTargetValidatorConstraints(metadata.constraintCls).some((c) => c.async)) return true;
        break;
      case ValidationTypes.NESTED_VALIDATION: {
        const nested = nestedClasses(dto, metadata.propertyName);
        if (nested === undefined || nested.some((cls) => hasAsyncConstraints(cls, seen))) return true;
        break;
      }
    }
  }
  return false;
}

/**
 * `plainToInstance(dto, payload)` for a class without class-transformer decorators, at a fraction
 * of the cost (the generic transformer looks metadata up for every key of every message: a
 * quarter of `@OnMessage` dispatch in the profile). Same rules: `new dto()`, then the payload's
 * own keys except `__proto__` and `constructor`, keys the prototype defines without a setter, and
 * keys that hold a function; nested arrays and objects are copied the same way (for a plain object,
 * the names of Object.prototype's members are the skipped keys).
 */
function copyPlainly<T extends object>(dto: DtoClass<T>, payload: object): T {
  const instance = new (dto as new () => T)() as Record<string, unknown>;
  const prototype = dto.prototype as object;
  for (const key of Object.keys(payload)) {
    if (key === '__proto__' || key === 'constructor' || instance[key] instanceof Function) continue;
    const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
    if (descriptor && !descriptor.set) continue;
    instance[key] = copyValue((payload as Record<string, unknown>)[key]);
  }
  return instance as T;
}

function copyValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyValue);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (!(key in Object.prototype)) copy[key] = copyValue((value as Record<string, unknown>)[key]);
  }
  return copy;
}
