import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import TOPOLOGY from '../../../src/core/config/topology.json';
import { parseSettings } from '../../../src/core/config/settings.js';

const root = path.resolve(__dirname, '../../..');

interface EmulatorEntity { Name: string; Properties: Record<string, unknown> }
const emulator = JSON.parse(readFileSync(path.join(root, 'dev/servicebus-emulator/config.json'), 'utf8')) as {
  UserConfig: { Namespaces: { Queues: EmulatorEntity[]; Topics: (EmulatorEntity & { Subscriptions: EmulatorEntity[] })[] }[] };
};

describe('the Service Bus topology has one source', () => {
  it('the app defaults come from topology.json', () => {
    const { bus } = parseSettings({});
    expect(bus).toMatchObject({
      ingressQueue: TOPOLOGY.ingressQueue.name,
      verifiedTopic: TOPOLOGY.verifiedTopic.name,
      progressionSubscription: TOPOLOGY.verifiedTopic.subscriptions.progression.name,
      leaderboardSubscription: TOPOLOGY.verifiedTopic.subscriptions.leaderboard.name,
      maxDeliveryCount: TOPOLOGY.ingressQueue.maxDeliveryCount,
    });
  });

  it('the Service Bus emulator config declares the same entities and properties', () => {
    const ns = emulator.UserConfig.Namespaces[0];
    const queue = ns?.Queues.find((q) => q.Name === TOPOLOGY.ingressQueue.name);
    expect(queue?.Properties).toMatchObject({
      RequiresSession: TOPOLOGY.ingressQueue.requiresSession,
      RequiresDuplicateDetection: TOPOLOGY.ingressQueue.requiresDuplicateDetection,
      MaxDeliveryCount: TOPOLOGY.ingressQueue.maxDeliveryCount,
      DuplicateDetectionHistoryTimeWindow: TOPOLOGY.ingressQueue.duplicateDetectionHistoryTimeWindow,
    });
    const parked = ns?.Queues.find((q) => q.Name === TOPOLOGY.parkedQueue.name);
    expect(parked?.Properties).toMatchObject({ RequiresSession: false, RequiresDuplicateDetection: false, MaxDeliveryCount: TOPOLOGY.parkedQueue.maxDeliveryCount });
    const topic = ns?.Topics.find((t) => t.Name === TOPOLOGY.verifiedTopic.name);
    for (const sub of Object.values(TOPOLOGY.verifiedTopic.subscriptions)) {
      expect(topic?.Subscriptions.find((s) => s.Name === sub.name)?.Properties).toMatchObject({ RequiresSession: sub.requiresSession, MaxDeliveryCount: sub.maxDeliveryCount });
    }
  });
});
