import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

const lua = (name: string) => readFileSync(new URL(`./lua/${name}`, import.meta.url), 'utf8');
const publishLua = lua('publish-3.lua');
const publishBatchLua = lua('publish-batch.lua');
const publishSealedLua = lua('publish-sealed-1.lua');
const redriveLua = lua('redrive-2.lua');
const groupProgressLua = lua('group-progress-2.lua');

/** The bus's Lua scripts as typed calls (EVALSHA, falling back to EVAL once per connection). */
export interface BusScripts {
  publish(
    keys: [stream: string, dedupe: string, lastOfKey: string],
    args: [maxLen: number, envelope: string, dedupeTtl: number, linkTtl: number, onlyGroup: string],
  ): Promise<[string, number]>;
  /** KEYS: the stream, then each event's de-duplication and last-of-key keys; ARGV as publish-batch.lua says. */
  publishBatch(keys: string[], args: (string | number)[]): Promise<(string | number)[]>;
  /** A batch asking for nothing but the append: its envelopes, then its proof (publish-sealed-1.lua). */
  publishSealed(stream: string, maxLen: number, proof: string, envelopes: readonly string[]): Promise<string[]>;
  redrive(
    keys: [deadLetters: string, stream: string],
    args: [id: string, group: string, maxLen: number, envelope: string],
  ): Promise<string | null>;
  groupProgress(keys: [epoch: string, stream: string], args: [epoch: string]): Promise<string[] | null>;
}

export function loadBusScripts(client: Redis): BusScripts {
  client.defineCommand('wowPublish', { numberOfKeys: 3, lua: publishLua });
  // Its number of keys varies with the batch: given with each call.
  client.defineCommand('wowPublishBatch', { lua: publishBatchLua });
  client.defineCommand('wowPublishSealed', { numberOfKeys: 1, lua: publishSealedLua });
  client.defineCommand('wowRedrive', { numberOfKeys: 2, lua: redriveLua });
  client.defineCommand('wowGroupProgress', { numberOfKeys: 2, lua: groupProgressLua });
  // defineCommand adds methods at run time; this is their shape.
  const commands = client as unknown as {
    wowPublish(...a: (string | number)[]): Promise<[string, number]>;
    wowPublishBatch(...a: (string | number)[]): Promise<(string | number)[]>;
    wowPublishSealed(...a: (string | number)[]): Promise<string[]>;
    wowRedrive(...a: (string | number)[]): Promise<string | null>;
    wowGroupProgress(...a: string[]): Promise<string[] | null>;
  };
  return {
    publish: (keys, args) => commands.wowPublish(...keys, ...args),
    publishBatch: (keys, args) => commands.wowPublishBatch(keys.length, ...keys, ...args),
    publishSealed: (stream, maxLen, proof, envelopes) => commands.wowPublishSealed(stream, maxLen, proof, ...envelopes),
    redrive: (keys, args) => commands.wowRedrive(...keys, ...args),
    groupProgress: (keys, args) => commands.wowGroupProgress(...keys, ...args),
  };
}
