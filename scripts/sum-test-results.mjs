// Sums vitest's JSON reports (one per package, written by vitest.shared.ts) into the one line CI
// reads: `N passed, N failed`. A package whose tests ran but left no report counts as a failure.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const packageDirs = ['apps', 'packages', 'examples']
  .flatMap((root) => readdirSync(root).map((name) => join(root, name)))
  .concat(['bench']);
let passed = 0;
let failed = 0;
let skipped = 0;
const perPackage = [];
for (const dir of packageDirs) {
  const report = join(dir, '.vitest-results', 'results.json');
  try {
    statSync(report);
  } catch {
    continue;
  }
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed += json.numPassedTests;
  failed += json.numFailedTests + (json.numFailedTestSuites > 0 && json.numFailedTests === 0 ? 1 : 0);
  skipped += json.numPendingTests + json.numTodoTests;
  perPackage.push(`${dir}: ${json.numPassedTests} passed, ${json.numFailedTests} failed`);
}
for (const line of perPackage) console.log(`  ${line}`);
const tail = skipped > 0 ? `, ${skipped} skipped` : '';
console.log(`${passed} passed, ${failed} failed${tail}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
