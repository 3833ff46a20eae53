#!/usr/bin/env bash
# Checks docs/scale-out/indexed-job.yaml against the Kubernetes batch/v1 Job schema of the npm package kubernetes-models
# (types, enums and required fields; unknown field names are checked by KubernetesManifestTests instead). Needs node and
# npm with access to the npm registry; installs into a temporary folder.
#
#   bash eng/validate-k8s-manifest.sh [FILE]
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
file=$(readlink -f "${1:-$repo/docs/scale-out/indexed-job.yaml}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm install --silent --no-audit --no-fund kubernetes-models@5.1.0 yaml@2.9.1 >/dev/null
cat > validate.mjs <<'JS'
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { Job } from "kubernetes-models/batch/v1";
for (const document of parseAllDocuments(readFileSync(process.argv[2], "utf8"))) {
  const job = document.toJS();
  if (job.apiVersion !== "batch/v1" || job.kind !== "Job") throw new Error(`not a batch/v1 Job: ${job.apiVersion} ${job.kind}`);
  new Job(job).validate();
  console.log(`${process.argv[2]}: valid batch/v1 Job ${job.metadata.name}`);
}
JS
node validate.mjs "$file"
