/**
 * Real peers for integration tests (DESIGN.md, "Real components in tests"):
 * librdkafka's mock Kafka cluster, launched by a small C program compiled
 * here, and a Debian clickhouse-server with its own generated config, data
 * directory and free ports on 127.0.0.1. Installs the Debian packages when
 * they are missing (root only). No hand-written fakes.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const LAUNCHER_SOURCE = join(ROOT, 'scripts/test-services/kafka-mock.c');
const CACHE_DIR = join(ROOT, 'node_modules/.cache/vigil-test-services');
export const CLICKHOUSE_BINARY = '/usr/sbin/clickhouse-server';
const RDKAFKA_MOCK_HEADER = '/usr/include/librdkafka/rdkafka_mock.h';

/** apt-installs librdkafka-dev and clickhouse-server when missing; returns the seconds spent (0 if nothing to do). */
export function ensureTestPackages(log: (line: string) => void = () => {}): number {
  const missing: string[] = [];
  if (!existsSync(RDKAFKA_MOCK_HEADER)) missing.push('librdkafka-dev');
  if (!existsSync(CLICKHOUSE_BINARY)) missing.push('clickhouse-server');
  if (!hasCommand('gcc')) missing.push('gcc');
  if (missing.length === 0) return 0;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `integration tests need ${missing.join(', ')}; run as root so the test setup can apt-get install them, ` +
        `or install them yourself (apt-get install -y ${missing.join(' ')}), ` +
        'or set VIGIL_TEST_SERVICES=off to skip the integration tests',
    );
  }
  const started = Date.now();
  log(`installing ${missing.join(', ')} with apt-get (one-off)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env,
  });
  return (Date.now() - started) / 1000;
}

function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Compiles the mock launcher once per source version into node_modules/.cache. */
export function buildKafkaMockLauncher(): string {
  const source = readFileSync(LAUNCHER_SOURCE);
  const digest = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const binary = join(CACHE_DIR, `kafka-mock-${digest}`);
  if (existsSync(binary)) return binary;
  mkdirSync(CACHE_DIR, { recursive: true });
  const partial = `${binary}.${process.pid}.tmp`;
  execFileSync('gcc', ['-O2', '-o', partial, LAUNCHER_SOURCE, '-lrdkafka'], { stdio: 'inherit' });
  execFileSync('mv', [partial, binary]);
  return binary;
}

export interface RunningService {
  readonly address: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the mock cluster with `TOPIC:PARTITIONS` topics; resolves with its bootstrap address. */
export async function startKafkaMock(topics: readonly string[]): Promise<RunningService> {
  const binary = buildKafkaMockLauncher();
  const child = spawn(binary, [...topics], { stdio: ['pipe', 'pipe', 'inherit'] });
  const address = await new Promise<string>((resolveAddress, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`kafka mock exited with code ${code} before starting`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline >= 0) resolveAddress(out.slice(0, newline).trim());
    });
  });
  child.removeAllListeners('exit');
  return { address, process: child, stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.stdin?.end();
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolvePort(port));
    });
  });
}

export interface ClickHouseServer extends RunningService {
  readonly dataDir: string;
  readonly httpPort: number;
  /** Stops the server (SIGKILL when `crash`), keeping its data directory. */
  stop(options?: { crash?: boolean }): Promise<void>;
  /** Starts it again on the same ports and data. */
  restart(): Promise<void>;
  /** Stops it and removes its directory. */
  destroy(): Promise<void>;
}

/** Starts clickhouse-server on free 127.0.0.1 ports with a generated config; waits for `SELECT 1`. */
export async function startClickHouse(): Promise<ClickHouseServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-clickhouse-'));
  const httpPort = await freePort();
  const tcpPort = await freePort();
  const interserverPort = await freePort();
  const configPath = join(dataDir, 'config.xml');
  writeFileSync(configPath, clickhouseConfig(dataDir, httpPort, tcpPort, interserverPort));
  writeFileSync(join(dataDir, 'users.xml'), CLICKHOUSE_USERS);
  const address = `http://127.0.0.1:${httpPort}`;
  let child = await launchClickHouse(configPath, dataDir, address);
  const server: ClickHouseServer = {
    address,
    dataDir,
    httpPort,
    get process() {
      return child;
    },
    async stop(options) {
      await stopChild(child, options?.crash ? 'SIGKILL' : 'SIGTERM');
    },
    async restart() {
      child = await launchClickHouse(configPath, dataDir, address);
    },
    async destroy() {
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

async function launchClickHouse(configPath: string, dataDir: string, address: string): Promise<ChildProcess> {
  const child = spawn(CLICKHOUSE_BINARY, [`--config-file=${configPath}`], {
    cwd: dataDir,
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      const log = join(dataDir, 'log/clickhouse-server.err.log');
      const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
      throw new Error(`clickhouse-server exited with code ${child.exitCode}: ${tail}`);
    }
    if (await answersSelectOne(address)) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`clickhouse-server did not answer SELECT 1 on ${address} within 60 s`);
}

async function answersSelectOne(address: string): Promise<boolean> {
  try {
    const response = await fetch(`${address}/?query=SELECT%201`, { signal: AbortSignal.timeout(1000) });
    return response.ok && (await response.text()).trim() === '1';
  } catch {
    return false;
  }
}

function clickhouseConfig(dir: string, httpPort: number, tcpPort: number, interserverPort: number): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>${dir}/log/clickhouse-server.log</log>
    <errorlog>${dir}/log/clickhouse-server.err.log</errorlog>
    <size>10M</size>
    <count>1</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <interserver_http_port>${interserverPort}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <max_connections>256</max_connections>
  <keep_alive_timeout>3</keep_alive_timeout>
  <max_concurrent_queries>100</max_concurrent_queries>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <mark_cache_size>67108864</mark_cache_size>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
  <builtin_dictionaries_reload_interval>3600</builtin_dictionaries_reload_interval>
  <max_session_timeout>3600</max_session_timeout>
  <default_session_timeout>60</default_session_timeout>
</yandex>
`;
}

const CLICKHOUSE_USERS = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage><load_balancing>random</load_balancing></default></profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;
