import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The service's Prometheus metrics, on a registry of its own so several instances (tests) never collide. */
export class Metrics {
  readonly registry = new Registry();
  readonly sqlStatements = new Counter({ name: 'gateway_sql_statements_total', help: 'SQL statements sent to the database', registers: [this.registry] });
  readonly requestDuration = new Histogram({
    name: 'gateway_graphql_request_duration_seconds',
    help: 'GraphQL request duration by operation',
    labelNames: ['operation', 'type', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly validations = new Histogram({
    name: 'gateway_config_validation_duration_seconds',
    help: 'dhcpd -t runs on candidate configs',
    labelNames: ['outcome'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly applies = new Counter({ name: 'gateway_config_applies_total', help: 'config files replaced', labelNames: ['server'], registers: [this.registry] });
  readonly rollbacks = new Counter({ name: 'gateway_config_rollbacks_total', help: 'mutations whose written files were restored', registers: [this.registry] });
  readonly lastApply = new Gauge({
    name: 'gateway_config_last_apply_timestamp_seconds',
    help: 'time of the last successful apply per server',
    labelNames: ['server'],
    registers: [this.registry],
  });
  readonly livePolls = new Counter({ name: 'gateway_live_state_polls_total', help: 'OMAPI polls of failover state', labelNames: ['outcome'], registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'gateway_' });
  }
}
