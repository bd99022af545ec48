/**
 * proapi-on-message with Prometheus metrics on (handler durations included): the same DTO and
 * gateway, so the two differ by the metrics alone (see docs/benchmarks.md, "Metrics").
 */
import { IsArray, IsBoolean, IsInt, IsString } from 'class-validator';
import { Message, OnMessage, ProAPI, WebSocket } from '../../index';

class JsonEcho {
  @IsInt() seq!: number;
  @IsInt() conn!: number;
  @IsString() name!: string;
  @IsArray() @IsString({ each: true }) tags!: string[];
  @IsBoolean() ok!: boolean;
}

@WebSocket('/json')
class JsonGateway {
  @OnMessage('json', JsonEcho)
  echo(@Message() message: JsonEcho): JsonEcho {
    return message;
  }
}

new ProAPI({ gateways: [JsonGateway], metrics: { path: '/metrics' } })
  .run({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
