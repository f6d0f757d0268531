// Starts `agora demo` on a free port with a fresh data directory, waits until it is ready and
// stops it again. Used by the browser journeys; tests/conformance/conftest.py does the same in
// Python.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const READY_TIMEOUT_MS = Number(process.env.AGORA_READY_TIMEOUT_MS ?? 120_000);

/** The `agora` binary under test: $AGORA_BIN, else the debug build in $CARGO_TARGET_DIR. */
export function agoraBin() {
  if (process.env.AGORA_BIN) return process.env.AGORA_BIN;
  const target = process.env.CARGO_TARGET_DIR ?? '/root/.cache/agora/target';
  return path.join(target, 'debug', 'agora');
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the server. Resolves to `{ baseUrl, dataDir, outboxDir, log, stop }` once GET /readyz
 * answers 200; rejects (with the server's output) if it exits or is not ready in time.
 */
export async function startAgora() {
  const bin = agoraBin();
  if (!fs.existsSync(bin)) {
    throw new Error(`agora binary not found at ${bin}: build it with \`cargo build -p agora\` or set AGORA_BIN`);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agora-e2e-'));
  const port = await freePort();
  const listen = `127.0.0.1:${port}`;
  const baseUrl = `http://${listen}`;
  const logPath = path.join(dataDir, 'server.log');
  const logFd = fs.openSync(logPath, 'a');

  // Every journey signs up, votes and requests from 127.0.0.1, far more often than one visitor
  // would: the per-address rate limits are lifted, the per-account ones kept.
  const configPath = path.join(dataDir, 'e2e.toml');
  const actions = ['signup', 'password_reset', 'verification_resend', 'data_request', 'vote', 'report'];
  fs.writeFileSync(
    configPath,
    actions
      .map((a) => `[limits.rate.${a}]\nper_address = 0\nper_account = 100\nwindow_minutes = 60\n`)
      .join('\n'),
  );
  const child = spawn(bin, ['demo', '--data-dir', dataDir, '--listen', listen, '--config', configPath], {
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, RUST_BACKTRACE: '1' },
  });
  fs.closeSync(logFd);
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
    child.on('error', (err) => {
      exited = { error: err };
      resolve(exited);
    });
  });
  // If the test process dies without running `stop`, do not leave the server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  const readLog = () => {
    try {
      return fs.readFileSync(logPath, 'utf8');
    } catch {
      return '';
    }
  };
  const tail = (n = 60) => readLog().split('\n').slice(-n).join('\n');

  const stop = async () => {
    process.off('exit', killOnExit);
    if (!exited) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitPromise;
      clearTimeout(t);
    }
    if (process.env.AGORA_KEEP_DATA) {
      console.log(`# agora data dir kept at ${dataDir}`);
    } else {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (exited) {
      const why = exited.error ? exited.error.message : `code ${exited.code}, signal ${exited.signal}`;
      const output = tail();
      await stop();
      throw new Error(`agora demo exited before it was ready (${why}); its output:\n${output}`);
    }
    try {
      const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) {
        return { baseUrl, dataDir, outboxDir: path.join(dataDir, 'outbox'), log: readLog, tail, stop };
      }
      lastProblem = `GET /readyz answered ${res.status}`;
    } catch (err) {
      lastProblem = err.cause?.code ?? err.message;
    }
    await sleep(250);
  }
  const output = tail();
  await stop();
  throw new Error(`agora demo was not ready within ${READY_TIMEOUT_MS / 1000} s (${lastProblem}); its output:\n${output}`);
}
