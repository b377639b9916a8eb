import type { Command } from 'commander';
import { exitCodes, type CliIo } from '../cli-io.ts';
import { waitForShutdown } from '../wait-for-shutdown.ts';
import { createMemoryBackend } from '../create-memory-backend.ts';

export function registerStartCommand(program: Command, io: CliIo, setCode: (code: number) => void): void {
  program
    .command('start')
    .description(
      'Run the platform: the HTTP server (webhooks, /healthz, /readyz, /metrics) and every agent. ' +
        'Uses DATABASE_URL and REDIS_URL, or the embedded database and the in-process bus when they are unset.',
    )
    .option(
      '--no-agents',
      'serve the HTTP doors only, and run no agent here: agents run in `wow agents run` processes (Compose, Kubernetes)',
    )
    .action(async (opts: { agents: boolean }) => {
      const { createAgentHost, createGitHubPort, createLogger, loadConfig, openRuntime, readSharedSettings } =
        await import('#platform');
      const { supportSettings } = await import('#domains/support');
      const config = loadConfig(io.env);
      // The desk's doors (the ticket API, the form, mail) read its settings; a bad one stops here, before anything opens.
      const support = readSharedSettings(supportSettings, io.env);
      const log = createLogger(config.logLevel);
      const runtime = await openRuntime(config, log);
      try {
        const host = !opts.agents
          ? undefined
          : await createAgentHost({
              config,
              bus: runtime.bus,
              store: runtime.store,
              log,
              metrics: runtime.metrics,
              cache: runtime.cache,
              github:
                config.github === undefined
                  ? undefined
                  : createGitHubPort({ credentials: config.github, log, observer: runtime.metrics.github }),
              agentsDir: config.agents.dir,
              identity: runtime.identity,
              signed: runtime.signed,
              memory: await createMemoryBackend(runtime.store, runtime.metrics, log, io.env),
            });
        // Loaded here so that other commands do not pay for the HTTP stack.
        const { createServer } = await import('../../app/server/create-server.ts');
        const server = await createServer({
          config,
          bus: runtime.bus,
          store: runtime.store,
          log,
          metrics: runtime.metrics,
          support,
          secrets: runtime.identity.kms.secrets,
        });
        await host?.start();
        runtime.relay.start();
        // Deploys give identities; an agent run from its folder, never deployed, gets one here.
        for (const subject of ['platform', ...(host?.agents() ?? [])])
          await runtime.identity.ensure(subject, { actor: 'wow start' });
        if (config.github === undefined) {
          const { missingCredentialsMessage } = await import('../../app/probot/missing-credentials-message.ts');
          log.warn({ missing: config.githubMissing }, missingCredentialsMessage(config.githubMissing));
        }
        const address = await server.listen({ host: config.http.host, port: config.http.port });
        // The support desk's email door, only when SUPPORT_SMTP_PORT is set (loaded only then),
        // with tasks by mail to the agents' addresses when SUPPORT_TASKS_DOMAIN is set too.
        const tasksByMail =
          support.smtpListen === undefined || support.tasksDomain === undefined
            ? undefined
            : await (
                await import('../../app/tasks/task-mail.ts')
              ).startTaskMail(runtime.store, support, {
                domain: support.tasksDomain,
                agentsDir: config.agents.dir,
                publicUrl: config.identity.publicUrl,
                log,
              });
        const smtp =
          support.smtpListen === undefined
            ? undefined
            : await (
                await import('../../app/email/smtp-listener.ts')
              ).startSmtpListener({
                ...support.smtpListen,
                store: runtime.store,
                log,
                deskAddress: support.emailFrom,
                ...(tasksByMail === undefined ? {} : { tasks: tasksByMail.door }),
              });
        if (smtp !== undefined)
          log.info({ smtp: smtp.address }, `support mail is taken on ${smtp.address.host}:${smtp.address.port}`);
        log.info(
          { address, database: runtime.store.location, bus: runtime.bus.kind, agents: host?.agents() ?? [] },
          `WAOOAW is running: ${address}/healthz`,
        );

        const signal = await waitForShutdown();
        log.info({ signal }, 'stopping: no new webhooks, mails or messages; draining running handlers');
        await Promise.all([server.close(), smtp?.close()]);
        tasksByMail?.close();
        const agents = await host?.stop({ timeoutMs: config.agents.shutdownTimeoutMs });
        setCode(agents === undefined || agents.drained ? exitCodes.ok : exitCodes.failed);
      } finally {
        await runtime.close();
      }
    });
}
