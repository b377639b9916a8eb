import { defineErrors, type CodesOf } from './define-errors.ts';

/** The platform's own errors: configuration, manifests, the agent host, the bus, the store, deploys. docs/errors.md documents each code. */
export const errors = defineErrors({
  WOW_ERR_GIT: {
    message: 'git {command} failed in {dir}: {reason}',
    retryable: false,
    status: 500,
  },
  WOW_ERR_CONFIG: { message: 'Configuration is invalid:\n{problems}', retryable: false, status: 500 },
  WOW_ERR_MANIFEST_INVALID: { message: '{summary}: {problems}', retryable: false, status: 400 },
  WOW_ERR_AGENT_NOT_FOUND: {
    message: 'No agent "{id}" under {dir}. Known agents: {known}.',
    retryable: false,
    status: 404,
  },
  WOW_ERR_AGENT_ENTRY: { message: 'Agent "{id}": {problem}', retryable: false, status: 500 },
  WOW_ERR_AGENT_STORES: {
    message:
      'Agent "{id}": agent.yml `stores` must list exactly the tables its migrations create. Not listed: {missing}. Listed but created by no migration: {extra}. Make `stores` match the create table statements in {migrations}.',
    retryable: false,
    status: 500,
  },
  WOW_ERR_AGENT_USES: {
    message: 'Agent "{id}": agent.yml `uses` names {table}, which {problem}. Remove it from `uses`, or {fix}.',
    retryable: false,
    status: 500,
  },
  WOW_ERR_DOMAIN_INVALID: {
    message: '{count} problem(s) in domain declarations (domains/<name>/domain.yml):{problems}',
    retryable: false,
    status: 400,
  },
  WOW_ERR_DOMAIN_MODEL_INVALID: {
    message: '{count} problem(s) in domain models (domains/<name>/model.yml):{problems}',
    retryable: false,
    status: 400,
  },
  WOW_ERR_EVENT_SCHEMA: {
    message:
      'The data of "{type}" does not match its schema in {model} (version {version}): {field} {problem}. Send the data the model describes, or change the model (bump the event\'s version if the change is incompatible).',
    retryable: false,
    status: 400,
  },
  WOW_ERR_EVENT_INVALID: { message: 'Event is not a valid CloudEvent: {problems}', retryable: false, status: 400 },
  WOW_ERR_EVENT_TYPE: { message: 'Event type "{type}" is invalid: {expected}', retryable: false, status: 400 },
  WOW_ERR_CAPABILITY_MISSING: {
    message:
      'Agent "{agent}" used {what} without the capability: add "{capability}" to `capabilities` in its agent.yml.',
    retryable: false,
    status: 403,
  },
  WOW_ERR_CAPABILITY_WITHHELD: {
    message:
      'Agent "{agent}" used {what}, but "{capability}" is beyond what its tier holds without an approver, and nobody has approved it: `wow identity approve {agent} {capability} --by <login>`.',
    retryable: false,
    status: 403,
  },
  WOW_ERR_EVENT_UNDECLARED: {
    message:
      'Agent "{agent}" sent "{type}" (an event or a request), which its agent.yml does not list in `emits`. Add it there.',
    retryable: false,
    status: 400,
  },
  WOW_ERR_MEMORY_NO_CUSTOMER: {
    message:
      "Agent \"{agent}\" asked for a customer's memory while handling {what}, which is no customer's work. A customer's memory is read only while handling an event whose envelope names that customer (`customer`, set by the side that emits it).",
    retryable: false,
    status: 403,
  },
  WOW_ERR_MEMORY_OTHER_CUSTOMER: {
    message:
      'Agent "{agent}" is handling customer "{customer}"\'s work and asked for customer "{asked}"\'s memory (or named them on an event it emits). An agent reaches only the memory of the customer whose work it is doing.',
    retryable: false,
    status: 403,
  },
  WOW_ERR_EMBEDDINGS: {
    message:
      'The embedding model {model} did not answer ({reason}). Check {variables}_BASE_URL, {variables}_API_KEY and {variables}_MODEL; meanwhile searches go on by words alone.',
    retryable: true,
    status: 502,
  },
  WOW_ERR_REQUEST_TIMEOUT: {
    message: 'No reply to "{type}" within {timeoutMs} ms. Is an agent that wakes on it running? (`wow agents list`)',
    retryable: true,
    status: 504,
  },
  WOW_ERR_NO_RESPONDER: {
    message: 'Request "{correlationId}" failed in its responder: {error}',
    retryable: false,
    status: 502,
  },
  WOW_ERR_REQUEST_UNANSWERED: {
    message:
      'Agent "{agent}" requested "{type}", which no agent declares in `answers` (answered: {known}). Add the type to `answers` in the agent.yml of the agent that wakes on it, or ask for an answered type.',
    retryable: false,
    status: 404,
  },
  WOW_ERR_REQUEST_INVALID: {
    message: 'The request "{type}" from "{agent}" does not match its protocol, so it was not sent: {problems}',
    retryable: false,
    status: 400,
  },
  WOW_ERR_REPLY_INVALID: {
    message:
      'The reply to "{type}" does not match its protocol ({side}): {problems}. The agent answering it and the one asking disagree on the message; deploy the two together.',
    retryable: false,
    status: 502,
  },
  WOW_ERR_REQUEST_OPTIONS: {
    message:
      'Request "{type}": timeoutMs {timeoutMs} is outside what its answering agent allows, 1 to {maxTimeoutMs} ms.',
    retryable: false,
    status: 400,
  },
  WOW_ERR_CIRCUIT_OPEN: {
    message:
      'Requests to "{type}" fail fast: its circuit opened after {failures} failures in a row and is tried again in {retryInMs} ms. See `wow protocols` and the answering agent\'s health.',
    retryable: true,
    status: 503,
  },
  WOW_ERR_BULKHEAD_FULL: {
    message:
      'Requests to "{type}" refused: {concurrency} in flight and {queue} waiting from this process already. Raise `answers.{type}.concurrency`, or ask less at once.',
    retryable: true,
    status: 429,
  },
  WOW_ERR_MESSAGE_REFUSED: {
    message:
      'Message {eventId} ({type} from {source}) refused ({reason}): {problem}. It went to the security dead letters and reached no handler.',
    retryable: false,
    status: 401,
  },
  WOW_ERR_UNFINISHED: {
    message:
      'Delivered {attempts} times without finishing: the consumers handling it stopped responding (crashed or were killed) each time.',
    retryable: false,
    status: 500,
  },
  WOW_ERR_BUS_CLOSED: { message: 'The bus is closed; {what} was not done.', retryable: true, status: 503 },
  WOW_ERR_DLQ_ENTRY_NOT_FOUND: {
    message: 'No dead-lettered entry {id} for agent "{agent}". List them with `wow bus dlq list --agent {agent}`.',
    retryable: false,
    status: 404,
  },
  WOW_ERR_MIGRATION: { message: 'Migration {migration} failed: {problem}', retryable: false, status: 500 },
  WOW_ERR_MIGRATION_CHANGED: {
    message:
      'Migration {migration} was changed after it was applied (checksum {checksum}, applied {appliedChecksum}). Add a new migration instead of editing an applied one.',
    retryable: false,
    status: 500,
  },
  WOW_ERR_STORE_UNREACHABLE: {
    message:
      'PostgreSQL at {location} is unreachable: {reason}. Start it, or unset DATABASE_URL to use the embedded database.',
    retryable: true,
    status: 503,
  },
  WOW_ERR_STORE_FORBIDDEN: {
    message:
      'Agent "{agent}" was refused by the store: {reason}. Its role may use only its `stores` ({access}) and what `uses` declares: add the table to `uses` in its agent.yml (":write" to change it, with "store:write"), or reach it through the agent that owns it.',
    retryable: false,
    status: 403,
  },
  WOW_ERR_STORE_LOCKED: {
    message:
      'The embedded database in {dir} is in use by process {pid} (a running `wow start`?), and cannot be shared: a second runtime needs a database of its own, and a command needs the owner to answer. Stop that process, or set DATABASE_URL so that several processes share one PostgreSQL.',
    retryable: false,
    status: 503,
  },
  WOW_ERR_CACHE_ARGUMENT: {
    message: 'ctx.cache: {what} {problem}. {fix}',
    retryable: false,
    status: 400,
  },
  WOW_ERR_CACHE_VALUE: {
    message:
      'ctx.cache: the loader of "{key}" in namespace {namespace} returned no JSON value ({problem}). Return JSON: objects, arrays, strings, numbers, booleans or null.',
    retryable: false,
    status: 500,
  },
  WOW_ERR_REDIS_UNREACHABLE: {
    message: 'Redis at {url} is unreachable: {reason}. Start it, or unset REDIS_URL to use the in-process bus.',
    retryable: true,
    status: 503,
  },
  WOW_ERR_SHUTDOWN_TIMEOUT: {
    message:
      '{abandoned} handler(s) still running after the {timeoutMs} ms drain deadline; their messages stay pending and will be redelivered.',
    retryable: true,
    status: 503,
  },
  WOW_ERR_BACKUP_EXISTS: {
    message: '{file} already exists; a backup never overwrites a file. Choose another --out, or move that one away.',
    retryable: false,
    status: 409,
  },
  WOW_ERR_BACKUP_EMBEDDED_SHARED: {
    message:
      'The embedded database ({location}) is owned by a running process, and only its owner can copy its data directory: its scheduled backups run inside it (BACKUP_INTERVAL_SECONDS), or stop it and run `wow db backup` again.',
    retryable: true,
    status: 409,
  },
  WOW_ERR_BACKUP_MANIFEST: {
    message: 'The backup manifest {path} cannot be used: {problem}.',
    retryable: false,
    status: 400,
  },
  WOW_ERR_BACKUP_CORRUPT: {
    message:
      '{file} is not the file its manifest describes ({problem}); it was changed or cut short since the backup. Restore another backup.',
    retryable: false,
    status: 400,
  },
  WOW_ERR_PG_TOOL: { message: '{tool} failed: {problem}', retryable: false, status: 500 },
  WOW_ERR_RESTORE_TARGET: { message: 'Cannot restore into {target}: {problem}.', retryable: false, status: 400 },
  WOW_ERR_RESTORE_NOT_EMPTY: {
    message:
      '{target} is not empty ({tables}); a restore never overwrites data unless told to. Restore into a new database, or add --force to replace what the backup holds.',
    retryable: false,
    status: 409,
  },
  WOW_ERR_RESTORE_VERIFY: {
    message: 'The restore into {target} finished but does not match the backup:\n{problems}',
    retryable: false,
    status: 500,
  },
  WOW_ERR_DEPLOY: { message: 'Cannot deploy {agent}: {problem}', retryable: false, status: 400 },
  WOW_ERR_ROLLBACK: { message: 'Cannot roll back {agent}: {problem}', retryable: false, status: 409 },
  WOW_ERR_PLATFORM_ACTION: {
    message: 'Agent "{agent}" cannot {action} {target}: {problem}.',
    retryable: false,
    status: 400,
  },
  WOW_ERR_GIT_REVISION: { message: '"{rev}" is not a commit in {repo}; {hint}.', retryable: false, status: 400 },
  WOW_ERR_GITHUB_LOGIN: {
    message:
      'GitHub did not say which login this client writes as ({answer}), so its own marked comments and issues cannot be told from copies. Use an installation token, a GITHUB_TOKEN or a personal token; the App itself (a JWT) cannot write comments.',
    retryable: true,
    status: 502,
  },
});

export const { createError } = errors;

declare module './define-errors.ts' {
  interface WowErrorCodes extends CodesOf<typeof errors> {}
}
