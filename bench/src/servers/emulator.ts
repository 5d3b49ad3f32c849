/**
 * The Composio emulator in a process of its own, so its CPU and memory are not the API's.
 * Prints `BENCH_READY {"url","apiKey"}` once it listens on a free loopback port.
 */
import { createEmulator } from '@switchboard/composio-emulator';

const emulator = await createEmulator({ port: 0, host: '127.0.0.1', controls: true });
console.log(`BENCH_READY ${JSON.stringify({ url: emulator.url, apiKey: emulator.apiKey })}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
