import { describe, expect, it } from 'vitest';
import { DEFAULT_BASELINE } from '../../src/baseline/config.js';
import { fnv1a } from '../../src/baseline/hash.js';
import { StateStore } from '../../src/baseline/state-store.js';
import { forgetInState } from '../../src/privacy/forget.js';
import { mentions, REDACTED, redact, redactJsonText } from '../../src/privacy/mentions.js';
import { scrubSnapshot } from '../../src/privacy/scrub-state.js';
import { analyzerWith, feed } from '../support/analyzer.js';
import { authEvent, failedSignIn, HOUR, MINUTE, serviceEvent, T0 } from '../support/events.js';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const CHECKOUT = 'spiffe://example.com/ns/shop/sa/checkout';
const PAYMENTS = 'spiffe://example.com/ns/shop/sa/payments';
const SPRAY_IP = '203.0.113.66';

describe('mentions of an identity', () => {
  it('finds the whole name and not a longer name that contains it', () => {
    expect(mentions('targets: alice@example.com, bob@example.com', ALICE)).toBe(true);
    expect(mentions('["alice@example.com"]', ALICE)).toBe(true);
    expect(mentions('malice@example.com', ALICE)).toBe(false);
    expect(mentions('alice@example.com.au', ALICE)).toBe(false);
  });

  it('redacts every whole-name mention and nothing else', () => {
    expect(redact('alice@example.com then malice@example.com then alice@example.com', ALICE)).toBe(
      `${REDACTED} then malice@example.com then ${REDACTED}`,
    );
    expect(JSON.parse(redactJsonText(JSON.stringify({ who: [ALICE, BOB], [ALICE]: 1 }), ALICE))).toEqual({
      who: [REDACTED, BOB],
      [REDACTED]: 1,
    });
  });

  it('finds an identity with quotes inside JSON text by its escaped form', () => {
    const odd = 'o"brien@example.com';
    const text = redactJsonText(JSON.stringify({ note: `by ${odd}` }), odd);
    expect(JSON.parse(text).note).toBe(`by ${REDACTED}`);
  });
});

/** State in which Alice has her own baseline and appears in Bob's source tracker entry and a workload's destinations. */
function populatedStore(): StateStore {
  const analyzer = analyzerWith(['password_spray', 'brute_force']);
  const events = [
    ...Array.from({ length: 5 }, (_, i) => authEvent({ identity: ALICE, time: T0 + i * HOUR })),
    ...Array.from({ length: 5 }, (_, i) => authEvent({ identity: BOB, time: T0 + i * HOUR })),
    failedSignIn({ identity: ALICE, src_ip: SPRAY_IP, time: T0 + 6 * HOUR }),
    failedSignIn({ identity: BOB, src_ip: SPRAY_IP, time: T0 + 6 * HOUR + MINUTE }),
    serviceEvent({ identity: CHECKOUT, destination: PAYMENTS, time: T0 + 7 * HOUR }),
    serviceEvent({ identity: PAYMENTS, destination: 'ledger.shop.svc', time: T0 + 7 * HOUR }),
  ];
  feed(analyzer, events);
  return analyzer.store;
}

describe('scrubbing a state snapshot', () => {
  it('drops the identity and its slots in the source tracker, keeping the others', () => {
    const snapshot = populatedStore().snapshot();
    expect(JSON.stringify(snapshot)).toContain(ALICE);
    const result = scrubSnapshot(snapshot, ALICE);
    expect(result.identitiesRemoved).toBe(1);
    expect(JSON.stringify(result.snapshot)).not.toContain(ALICE);
    const [, ring, , recent] = result.snapshot.sources.find(([ip]) => ip === SPRAY_IP)!;
    expect(recent).toEqual([BOB]);
    const hashes = ring.filter((_, i) => i % 2 === 1);
    expect(hashes).not.toContain(fnv1a(ALICE));
    expect(hashes).toContain(fnv1a(BOB));
    const restored = new StateStore(DEFAULT_BASELINE);
    restored.restore(result.snapshot);
    expect(restored.get(ALICE)).toBeUndefined();
    expect(restored.get(BOB)?.auth?.events).toBe(6);
    expect(restored.sources.distinctFailingIdentities(SPRAY_IP, 0)).toBe(1);
  });

  it("frees another identity's known-value slot that names the forgotten workload", () => {
    const store = populatedStore();
    expect(store.get(CHECKOUT)?.service?.destinations.has(PAYMENTS)).toBe(true);
    const result = scrubSnapshot(store.snapshot(), PAYMENTS);
    const restored = new StateStore(DEFAULT_BASELINE);
    restored.restore(result.snapshot);
    expect(restored.get(PAYMENTS)).toBeUndefined();
    expect(restored.get(CHECKOUT)?.service?.destinations.has(PAYMENTS)).toBe(false);
    expect(restored.get(CHECKOUT)?.service?.events).toBe(1);
    expect(result.mentionsRemoved).toBeGreaterThanOrEqual(1);
  });

  it('does not change the snapshot it is given, nor a snapshot without the identity', () => {
    const snapshot = populatedStore().snapshot();
    const before = JSON.stringify(snapshot);
    scrubSnapshot(snapshot, ALICE);
    expect(JSON.stringify(snapshot)).toBe(before);
    const untouched = scrubSnapshot(snapshot, 'nobody@example.com');
    expect(untouched.identitiesRemoved + untouched.mentionsRemoved).toBe(0);
    expect(JSON.stringify(untouched.snapshot.identities)).toBe(JSON.stringify(snapshot.identities));
  });

  it('forgets in a live store in place of the running state', () => {
    const store = populatedStore();
    const counts = forgetInState(store, ALICE);
    expect(counts['state.identities']).toBe(1);
    expect(store.get(ALICE)).toBeUndefined();
    expect(store.get(BOB)).toBeDefined();
    expect(store.sources.recentIdentities(SPRAY_IP)).toEqual([BOB]);
  });
});
