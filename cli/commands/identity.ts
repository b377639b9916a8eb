import type { Command } from 'commander';
import type { Identity, IdentityView } from '#platform';
import { exitCodes, type CliIo } from '../cli-io.ts';
import { createError } from '../errors.ts';
import { formatTable } from '../format-table.ts';

const day = (d: Date | null) => (d === null ? '-' : d.toISOString().replace(/\.\d{3}Z$/, 'Z'));

/** Opens the store (migrated: a fresh database has no identity tables yet) and the identities on it. */
async function withIdentity<T>(io: CliIo, json: boolean, run: (identity: Identity) => Promise<T>): Promise<T> {
  const { createIdentity, createLogger, loadConfig, migrate, openStore } = await import('#platform');
  const config = loadConfig(io.env);
  const log = createLogger(json ? 'silent' : 'warn');
  const store = await openStore(config, log);
  try {
    await migrate(store, { log });
    return await run(await createIdentity({ settings: config.identity, store, log }));
  } finally {
    await store.close();
  }
}

function showText(view: IdentityView): string {
  const fragment = (kid: string) => kid.slice(kid.indexOf('#'));
  return [
    `${view.did}\n`,
    view.subject === 'platform' ? '' : `Lifecycle: ${view.lifecycle.state}\n`,
    '\n',
    formatTable(
      ['KEY', 'STATE', 'KMS', 'CREATED', 'SIGNS FROM', 'SIGNS UNTIL', 'VERIFIES UNTIL', 'RETIRED'],
      view.keys.map((k) => [
        fragment(k.kid),
        k.state,
        k.kms,
        day(k.createdAt),
        day(k.signsFrom),
        day(k.signsUntil),
        day(k.verifiesUntil),
        day(k.retiredAt),
      ]),
      'no keys',
    ),
    '\n',
    formatTable(
      ['AT', 'KEY', 'EVENT', 'BY', 'WHY'],
      view.history.map((h) => [day(h.at), fragment(h.kid), h.event, h.actor, h.reason]),
      'no history',
    ),
    ...(view.lifecycle.history.length === 0
      ? []
      : [
          '\n',
          formatTable(
            ['AT', 'LIFECYCLE', 'BY', 'WHY'],
            view.lifecycle.history.map((h) => [day(h.at), h.event, h.actor, h.reason]),
            'no lifecycle changes',
          ),
        ]),
    ...(view.subject === 'platform' ? [] : credentialsText(view)),
  ].join('');
}

/** An agent's credentials, its attestation and the approvals it was given. */
function credentialsText(view: IdentityView): string[] {
  const attested =
    view.attestation === null
      ? 'no attestation yet: deploy the agent (`wow deploy`)'
      : `tree ${view.attestation.treeHash}, ${view.attestation.status} until ${day(view.attestation.expiresAt)} (${view.attestation.id})`;
  const withheld = view.credentials.find((c) => c.kind === 'capability' && c.status === 'active')?.withheld ?? [];
  return [
    '\n',
    formatTable(
      ['CREDENTIAL', 'KIND', 'STATUS', 'ISSUED', 'EXPIRES', 'GRANTS'],
      view.credentials.map((c) => [
        c.id,
        c.kind,
        c.status,
        day(c.issuedAt),
        day(c.expiresAt),
        c.kind === 'attestation' ? `tree ${c.treeHash.slice(0, 12)}` : c.capabilities.join(' ') || '-',
      ]),
      'no credentials: deploy the agent (`wow deploy`)',
    ),
    `\nAttestation: ${attested}\n`,
    ...(withheld.length === 0
      ? []
      : [
          `Waiting for approval (beyond its tier): ${withheld.join(', ')}; \`wow identity approve ${view.subject} <capability> --by <login>\`\n`,
        ]),
    ...(view.approvals.length === 0
      ? []
      : [
          '\n',
          formatTable(
            ['APPROVED', 'CAPABILITY', 'BY', 'VIA', 'WHY'],
            view.approvals.map((a) => [day(a.approvedAt), a.capability, a.approvedBy, a.via, a.reason]),
            'no approvals',
          ),
        ]),
  ];
}

export function registerIdentityCommands(program: Command, io: CliIo, setCode: (code: number) => void): void {
  const identity = program
    .command('identity')
    .description("DIDs and their signing keys: the platform's (did:web:<host>) and each agent's (…:agents:<id>)");

  identity
    .command('show')
    .description(
      "Print a DID with each of its keys' state (published, active, verifying, retired), dates and history; for an agent also its credentials (capabilities, issued, expiry, status), attestation and approvals",
    )
    .argument('<subject>', '"platform" or an agent id')
    .option(
      '--json',
      'print { subject, did, keys, history, credentials, attestation, approvals } as JSON; each credential carries its JWT',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 shown, 1 no identity yet (deploy the agent or start the platform), 2 bad usage.',
    )
    .action(async (subject: string, opts: { json?: boolean }) => {
      const json = opts.json === true;
      const view = await withIdentity(io, json, (ids) => ids.show(subject));
      if (view === undefined) {
        io.stderr.write(`${subject} has no identity yet: \`wow deploy ${subject}\` or \`wow start\` creates it.\n`);
        setCode(exitCodes.failed);
        return;
      }
      io.stdout.write(json ? JSON.stringify(view, null, 2) + '\n' : showText(view));
      setCode(exitCodes.ok);
    });

  identity
    .command('approve')
    .description(
      "Approve a capability an agent's agent.yml declares beyond what its tier allows (platform/identity/credentials/tier-policy.ts); " +
        'new credentials holding it are issued at once, and who, when and why are kept',
    )
    .argument('<id>', 'the agent id')
    .argument('<capability>', 'as agent.yml declares it, e.g. github:contents:write')
    .requiredOption('--by <login>', 'the GitHub login of the person approving')
    .option('--reason <text>', 'why, for the audit trail')
    .option('--json', 'print { approval, issued } as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  wow identity approve invoice-bot github:contents:write --by octocat --reason "commits monthly reports"\n' +
        '\nExit codes: 0 approved and issued, 1 refused (see the message), 2 bad usage.',
    )
    .action(async (id: string, capability: string, opts: { by: string; reason?: string; json?: boolean }) => {
      const json = opts.json === true;
      const result = await withIdentity(io, json, (ids) =>
        ids.credentials.approve(id, capability, {
          by: opts.by,
          ...(opts.reason === undefined ? {} : { reason: opts.reason }),
          via: 'wow identity approve',
        }),
      );
      if (json) io.stdout.write(JSON.stringify(result, null, 2) + '\n');
      else {
        const { approval, issued } = result;
        io.stdout.write(
          `✔ ${approval.capability} approved for ${id} by ${approval.approvedBy}; credential ${issued.capability.jti} holds it until ${day(issued.capability.expiresAt)}\n`,
        );
        if (issued.capability.withheld.length > 0)
          io.stdout.write(`  still waiting for approval: ${issued.capability.withheld.join(', ')}\n`);
      }
      setCode(exitCodes.ok);
    });

  identity
    .command('rotate')
    .description(
      'Rotate keys: each new key is published in its DID document at once and signs after IDENTITY_KEY_PUBLISH_SECONDS; ' +
        'the old one then verifies for IDENTITY_KEY_GRACE_SECONDS and is retired. Keys whose grace has ended are retired too.',
    )
    .argument('[subjects...]', '"platform" and/or agent ids')
    .option('--all', 'rotate every identity that has a key')
    .option('--reason <text>', 'why, for the audit trail', 'rotated by hand')
    .option('--json', 'print { rotated, retired, failed } as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  wow identity rotate platform\n  wow identity rotate --all --reason "key exposure drill"',
    )
    .action(async (subjects: string[], opts: { all?: boolean; reason: string; json?: boolean }) => {
      if ((opts.all === true) === subjects.length > 0)
        throw createError('WOW_ERR_CLI_USAGE', { problem: 'name the identities to rotate, or give --all (not both)' });
      const json = opts.json === true;
      const reason = opts.reason.slice(0, 500);
      const result = await withIdentity(io, json, async (ids) => {
        const targets = opts.all === true ? await ids.subjects() : subjects;
        const rotated = [];
        for (const subject of targets)
          rotated.push(await ids.rotate(subject, { actor: 'wow identity rotate', reason }));
        return { rotated, ...(await ids.retireExpired({ actor: 'wow identity rotate' })) };
      });
      if (json) io.stdout.write(JSON.stringify(result, null, 2) + '\n');
      else {
        for (const r of result.rotated)
          io.stdout.write(
            `↻ ${r.subject}: ${r.next.kid} is published and signs from ${day(r.next.signsFrom)}; ${r.previous.kid} verifies until ${day(r.previous.verifiesUntil)}\n`,
          );
        for (const kid of result.retired) io.stdout.write(`✖ ${kid} retired (its grace had ended)\n`);
        for (const f of result.failed) io.stderr.write(`could not retire ${f.kid}: ${f.error}\n`);
      }
      setCode(result.failed.length > 0 ? exitCodes.failed : exitCodes.ok);
    });
}
