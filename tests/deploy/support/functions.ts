/**
 * The functions the manifests may enable, with their triggers: the app catalogue
 * (src/functions/catalog.ts) plus the PLANNED list below.
 */
import { functions } from '../../../src/functions/catalog.js';

export type Trigger =
  | { readonly kind: 'http' }
  | { readonly kind: 'serviceBusQueue'; readonly queueName: string }
  | { readonly kind: 'serviceBusTopic'; readonly topicName: string; readonly subscriptionName: string }
  | { readonly kind: 'timer'; readonly schedule: string };

/**
 * PLANNED — functions that k8s-keda already deploys but that src/functions/catalog.ts does not
 * register yet (issue #8 names them; other issues write them). Each entry says which trigger the
 * function will have, so the ScaledObject and binding checks already hold for its role today.
 *
 * Once a function with the same name is in the catalogue, the catalogue's real definition is used
 * instead and its entry here no longer matters: delete it then. A PLANNED name that never arrives
 * (or arrives under another name) still fails the "every catalogue function is deployed" test
 * for the real name, which is how a mismatch surfaces.
 */
export const PLANNED: Readonly<Record<string, Trigger>> = {};

/** Every function of the app catalogue, by name. */
export function catalogueTriggers(): Map<string, Trigger> {
  const byName = new Map<string, Trigger>();
  for (const definition of functions) {
    byName.set(definition.name, triggerOf(definition));
  }
  return byName;
}

/** The catalogue, completed with the PLANNED functions it does not have yet. */
export function knownTriggers(): Map<string, Trigger> {
  const known = new Map<string, Trigger>(Object.entries(PLANNED));
  for (const [name, trigger] of catalogueTriggers()) known.set(name, trigger);
  return known;
}

function triggerOf(definition: (typeof functions)[number]): Trigger {
  switch (definition.kind) {
    case 'http':
      return { kind: 'http' };
    case 'serviceBusQueue':
      return { kind: 'serviceBusQueue', queueName: definition.options.queueName };
    case 'serviceBusTopic':
      return { kind: 'serviceBusTopic', topicName: definition.options.topicName, subscriptionName: definition.options.subscriptionName };
    case 'timer':
      return { kind: 'timer', schedule: definition.options.schedule };
  }
}

/** `%NAME%` → NAME; a plain value is returned as is (the host uses it literally). */
export function bindingSetting(value: string): string | undefined {
  const match = /^%([A-Za-z0-9_]+)%$/.exec(value);
  return match?.[1];
}

/** The app settings a trigger's binding expressions need in the host's environment. */
export function bindingSettings(trigger: Trigger): string[] {
  const values: string[] = [];
  switch (trigger.kind) {
    case 'http':
      break;
    case 'serviceBusQueue':
      values.push(trigger.queueName);
      break;
    case 'serviceBusTopic':
      values.push(trigger.topicName, trigger.subscriptionName);
      break;
    case 'timer':
      values.push(trigger.schedule);
      break;
  }
  return values.flatMap((value) => {
    const setting = bindingSetting(value);
    return setting === undefined ? [] : [setting];
  });
}
