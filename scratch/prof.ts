import 'reflect-metadata';
import { IsInt, IsString, validateSync } from 'class-validator';
import { plainToInstance } from 'class-transformer';
class EchoDto { @IsInt() seq!: number; @IsString() text!: string; }
const N = 200000; const payload = { seq: 1, text: 'x'.repeat(64) };
const opts = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, validationError: { target: false, value: false } };
for (let r = 0; r < 3; r++) {
  let t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) plainToInstance(EchoDto, { ...payload });
  const a = Number(process.hrtime.bigint() - t) / N;
  const inst = plainToInstance(EchoDto, payload);
  t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) validateSync(inst, opts);
  const b = Number(process.hrtime.bigint() - t) / N;
  console.log(`plainToInstance=${a.toFixed(0)}ns validateSync=${b.toFixed(0)}ns`);
}
