// Evaluates IAM requests with @cloud-copilot/iam-simulate (pinned in
// package.json, installed by .ci/install-deps). Input (argv[2]): a JSON list
// of {name, simulation} where simulation is iam-simulate's Simulation. Output
// (stdout): a JSON list of {name, result, errors, ignoredContextKeys}: result
// is "Allowed", "ExplicitlyDenied" or "ImplicitlyDenied", or "" with errors
// when the request or a policy did not validate. iam_e2e_test.go drives it.
import { readFileSync } from 'node:fs'
import { runSimulation } from '@cloud-copilot/iam-simulate'

const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const out = []
for (const c of cases) {
  const response = await runSimulation(c.simulation, {})
  if (response.resultType === 'error') {
    out.push({ name: c.name, result: '', errors: JSON.stringify(response.errors) })
    continue
  }
  const result = response.resultType === 'single' ? response.result : undefined
  out.push({
    name: c.name,
    result: response.overallResult,
    ignoredContextKeys: result?.ignoredContextKeys ?? []
  })
}
process.stdout.write(JSON.stringify(out))
