import { createEmulator } from '../emulator.js';
import { readConfig } from './config.js';

let config: ReturnType<typeof readConfig>;
try {
  config = readConfig();
} catch (error) {
  console.error(`composio-emulator: ${(error as Error).message}`);
  process.exit(1);
}

const emulator = await createEmulator(config);
console.log(`Composio emulator listening on ${emulator.url}`);
console.log(`  API key:       ${emulator.apiKey}   (x-api-key)`);
console.log(`  SDK baseURL:   ${emulator.url}`);
console.log(`  Consent pages: ${emulator.state.publicUrl}/consent/<token>`);
console.log(
  `  Controls:      ${emulator.url}/_emulator/ (reset, state, requests, faults, accounts)`,
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
