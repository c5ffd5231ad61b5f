import { parseArgs } from 'node:util';
import type { DeadLetterFilter } from '../core/messaging/dead-letter-replay.js';
import { resolveConnection, UsageError, usageErrors, type Connection } from './cli.js';

export const DLQ_USAGE = `List, show and replay what the bus gave up on (dead-letter queues and parked poison).

Usage: npm run dlq -- list [--entity <path>] [--reason <reason>]
       npm run dlq -- show <messageId>
       npm run dlq -- replay [--entity <path>] [--reason <reason>] [--id <messageId>] [--dry-run]

  --target servicebus|embedded  default: servicebus when SERVICEBUS_CONNECTION or SERVICEBUS_NAMESPACE
                                is set, else the embedded host (npm start)
  --entity <path>               liveops-ingress, or liveops-verified/subscriptions/progression
                                (a topic name matches both subscriptions)
  --reason <reason>             e.g. InvalidEnvelope, MaxDeliveryCountExceeded
  --id <messageId>              one message (the eventId)
  --dry-run                     print what a replay would resend, change nothing
  --url, --kid, --key           the embedded host and an ADMIN_KEY_IDS key, as for npm run send
                                (default $LIVEOPS_URL / $LIVEOPS_KID / $LIVEOPS_KEY, then the dev key)
  -h, --help

Service Bus: the bus settings of the deployment (BUS_*, SERVICEBUS_NAMESPACE with an Entra identity
allowed to receive the dead-letter queues and send to the entities). Output: JSON.`;

export type DlqCommand =
  | { readonly kind: 'list'; readonly filter: DeadLetterFilter }
  | { readonly kind: 'show'; readonly filter: DeadLetterFilter }
  | { readonly kind: 'replay'; readonly filter: DeadLetterFilter; readonly dryRun: boolean };

export type DlqTarget = { readonly kind: 'servicebus' } | { readonly kind: 'embedded'; readonly connection: Connection };

export type DlqArgs = { readonly help: true } | { readonly help: false; readonly command: DlqCommand; readonly target: DlqTarget };

type Env = Readonly<Record<string, string | undefined>>;

/** Parses the command line; throws UsageError with a one-line reason. */
export function parseDlqArgs(argv: readonly string[], env: Env): DlqArgs {
  const { values, positionals } = usageErrors(() =>
    parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        target: { type: 'string' },
        entity: { type: 'string' },
        reason: { type: 'string' },
        id: { type: 'string' },
        'dry-run': { type: 'boolean' },
        url: { type: 'string' },
        kid: { type: 'string' },
        key: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help === true) return { help: true };
  const [verb, id, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra.join(' ')}'`);
  const filter: DeadLetterFilter = {
    ...(values.entity === undefined ? {} : { entity: values.entity }),
    ...(values.reason === undefined ? {} : { reason: values.reason }),
    ...(values.id === undefined ? {} : { messageId: values.id }),
  };
  let command: DlqCommand;
  switch (verb) {
    case 'list':
      if (id !== undefined) throw new UsageError(`list takes no argument (got '${id}'); use --entity, --reason`);
      command = { kind: 'list', filter };
      break;
    case 'show':
      if (id === undefined) throw new UsageError('show needs a messageId: npm run dlq -- show <messageId>');
      command = { kind: 'show', filter: { ...filter, messageId: id } };
      break;
    case 'replay':
      if (id !== undefined) throw new UsageError(`replay takes no argument (got '${id}'); use --id <messageId>`);
      command = { kind: 'replay', filter, dryRun: values['dry-run'] === true };
      break;
    default:
      throw new UsageError(verb === undefined ? 'missing command: list, show or replay (see --help)' : `unknown command '${verb}': list, show or replay`);
  }
  const hasServiceBus = [env.SERVICEBUS_CONNECTION, env.SERVICEBUS_NAMESPACE].some((v) => v !== undefined && v !== '');
  const targetName = values.target ?? (hasServiceBus ? 'servicebus' : 'embedded');
  if (targetName === 'servicebus') return { help: false, command, target: { kind: 'servicebus' } };
  if (targetName !== 'embedded') throw new UsageError(`--target must be servicebus or embedded (got '${targetName}')`);
  const connection = resolveConnection({ ...(values.url === undefined ? {} : { url: values.url }), ...(values.kid === undefined ? {} : { kid: values.kid }), ...(values.key === undefined ? {} : { key: values.key }) }, env);
  return { help: false, command, target: { kind: 'embedded', connection } };
}
