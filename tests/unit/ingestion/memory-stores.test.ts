import { MemoryIdempotencyStore } from '../../../src/adapters/memory/memory-idempotency-store.js';
import { MemoryRateLimiter } from '../../../src/adapters/memory/memory-rate-limiter.js';
import { MemorySanctionStore } from '../../../src/adapters/memory/memory-sanction-store.js';
import { gatewayStoresContract } from '../../contract/gateway-stores.contract.js';

gatewayStoresContract('memory', () => ({
  idempotency: new MemoryIdempotencyStore(),
  rateLimiter: new MemoryRateLimiter(),
  sanctions: new MemorySanctionStore(),
}));
