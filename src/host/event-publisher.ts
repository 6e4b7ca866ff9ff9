import type { NatsConnection } from '@nats-io/transport-node';
import { buildEvent, encodeEvent, type LatticeEventDataMap, type LatticeEventName } from '../lattice/events.js';
import { eventSubject } from '../lattice/subjects.js';
import type { HostLogger } from './log.js';

/** Where the host's lattice events go (a NATS publisher in production, an array in unit tests). */
export interface EventSink {
  publish<N extends LatticeEventName>(name: N, data: LatticeEventDataMap[N]): void;
}

/** CloudEvents on `wasmbus.evt.{lattice}.{name}`, published on the ctl connection, `source` = host id. */
export class NatsEventPublisher implements EventSink {
  constructor(
    private readonly nc: NatsConnection,
    private readonly lattice: string,
    private readonly hostId: string,
    private readonly log: HostLogger,
  ) {}

  publish<N extends LatticeEventName>(name: N, data: LatticeEventDataMap[N]): void {
    const event = buildEvent<LatticeEventName>(name, data as LatticeEventDataMap[LatticeEventName], this.hostId);
    try {
      this.nc.publish(eventSubject(this.lattice, name), encodeEvent(event));
      this.log.debug(`published ${name}`, { event_id: event.id });
    } catch (err) {
      // Too large for the server's max_payload, or the connection is gone: an event is never worth a crash.
      this.log.warn(`could not publish ${name} event`, { error: String(err) });
    }
  }
}
