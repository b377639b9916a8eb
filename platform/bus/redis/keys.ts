/**
 * Every Redis key the bus uses, built in one place (house rule 3). A prefix with a hash
 * tag ("{wow}:") keeps them in one slot on Redis Cluster, as the Lua scripts require.
 */
export function busKeys(prefix: string) {
  return {
    stream: (topic: string) => `${prefix}stream:${topic}`,
    streamPattern: `${prefix}stream:*`,
    topicOfStream: (key: string) => key.slice(`${prefix}stream:`.length),
    deadLetters: (group: string) => `${prefix}dlq:${group}`,
    deadLetterPattern: `${prefix}dlq:*`,
    groupOfDeadLetters: (key: string) => key.slice(`${prefix}dlq:`.length),
    dedupe: (key: string) => `${prefix}dedupe:${key}`,
    /** The newest entry id of a partition key in a topic: each event links to its predecessor. */
    lastOfKey: (topic: string, key: string) => `${prefix}last:${topic}:${key}`,
    replies: (instance: string) => `${prefix}reply:${instance}`,
    /** The bus's epoch (Bus.epoch): gone with the rest when Redis loses its data. */
    epoch: `${prefix}epoch`,
  };
}

export type BusKeys = ReturnType<typeof busKeys>;

/**
 * Field names inside a stream entry. A signed batch's entries each hold `toProof`, how many
 * entries on at most its batch's proof is; the proof is an entry of its own (`proof`) right
 * after the batch (lua/publish-batch.lua).
 */
export const entryFields = { event: 'e', onlyGroup: 'g', prev: 'p', toProof: 'b', proof: 'h' } as const;
