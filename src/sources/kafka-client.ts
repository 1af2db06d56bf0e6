/**
 * Kafka connection settings shared by the Kafka source and sinks: brokers,
 * TLS and SASL as the pipeline states them, mapped to a kafkajs client whose
 * log lines go to pino. Files named for TLS material are read here, at the
 * edge, once.
 */
import { readFileSync } from 'node:fs';
import { Kafka, type KafkaConfig, type logCreator, logLevel, type SASLOptions } from 'kafkajs';
import type { Logger } from '../logging.js';

export interface KafkaTlsOptions {
  ca_file?: string;
  cert_file?: string;
  key_file?: string;
  reject_unauthorized?: boolean;
}

export interface KafkaSaslOptions {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

export interface KafkaConnectionOptions {
  brokers: string[];
  clientId?: string;
  ssl?: boolean | KafkaTlsOptions;
  sasl?: KafkaSaslOptions;
  logger?: Logger;
}

function tlsConfig(ssl: KafkaConnectionOptions['ssl']): KafkaConfig['ssl'] {
  if (ssl === undefined || ssl === false) return undefined;
  if (ssl === true) return true;
  return {
    ca: ssl.ca_file ? [readFileSync(ssl.ca_file, 'utf8')] : undefined,
    cert: ssl.cert_file ? readFileSync(ssl.cert_file, 'utf8') : undefined,
    key: ssl.key_file ? readFileSync(ssl.key_file, 'utf8') : undefined,
    rejectUnauthorized: ssl.reject_unauthorized ?? true,
  };
}

function pinoLogCreator(logger: Logger | undefined): logCreator {
  return () =>
    ({ level, log }) => {
      if (!logger) return;
      const { message, ...fields } = log;
      const entry = { component: 'kafkajs', ...fields };
      if (level === logLevel.ERROR) logger.error(entry, message);
      else if (level === logLevel.WARN) logger.warn(entry, message);
      else if (level === logLevel.INFO) logger.debug(entry, message);
    };
}

export function createKafka(options: KafkaConnectionOptions): Kafka {
  return new Kafka({
    clientId: options.clientId ?? 'vigil',
    brokers: options.brokers,
    ssl: tlsConfig(options.ssl),
    sasl: options.sasl as SASLOptions | undefined,
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(options.logger),
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 10_000 },
  });
}
